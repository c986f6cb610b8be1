package io.github.calcited1.rel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.linq4j.function.Functions;
import org.junit.jupiter.api.Test;

/**
 * The top-N merge of a fan-out ({@link D1FanOutRuntime#mergeUnion}) when one input fails while the merge opens its
 * inputs: every input already opened is closed (each holds a D1 response or a connection). The inputs here count
 * their opened and closed enumerators; D1FanOutTest covers the merge's answers against d1-local.
 */
class D1FanOutRuntimeTest {
  /** An input whose enumerators count opens and closes; {@code failing}: its first moveNext throws. */
  private static final class CountingInput extends AbstractEnumerable<Object> {
    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    private final List<Object> rows;
    private final boolean failing;

    CountingInput(List<Object> rows, boolean failing) {
      this.rows = rows;
      this.failing = failing;
    }

    @Override public Enumerator<Object> enumerator() {
      opened.incrementAndGet();
      Enumerator<Object> e = Linq4j.enumerator(rows);
      return new Enumerator<>() {
        private boolean closedOnce;

        @Override public Object current() {
          return e.current();
        }

        @Override public boolean moveNext() {
          if (failing) {
            throw new IllegalStateException("database 3 failed");
          }
          return e.moveNext();
        }

        @Override public void reset() {
          e.reset();
        }

        @Override public void close() {
          if (!closedOnce) {
            closedOnce = true;
            closed.incrementAndGet();
          }
        }
      };
    }
  }

  @SuppressWarnings("unchecked")
  private static void assertAllClosedAfterFailure(boolean[] remote, int failing) {
    CountingInput[] inputs = new CountingInput[remote.length];
    for (int i = 0; i < inputs.length; i++) {
      inputs[i] = new CountingInput(List.of(i, i + 10), i == failing);
    }
    Enumerable<Object> merged = D1FanOutRuntime.mergeUnion(4, (Enumerable<Object>[]) inputs, remote,
        Functions.identitySelector(), Comparator.comparing(o -> (Integer) o), true, Functions.identityComparer());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
      try (Enumerator<Object> rows = merged.enumerator()) {
        while (rows.moveNext()) {
          rows.current();
        }
      }
    });
    assertEquals("database 3 failed", e.getMessage());
    for (int i = 0; i < inputs.length; i++) {
      CountingInput input = inputs[i];
      int index = i;
      // A remote input is closed on its worker thread once it fails or when the result is closed: wait briefly.
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (input.closed.get() < input.opened.get() && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertEquals(input.opened.get(), input.closed.get(), () -> "input " + index + " opened " + input.opened
          + " times, closed " + input.closed);
    }
  }

  @Test void aRemoteInputFailingAfterOthersOpenedClosesThem() {
    assertAllClosedAfterFailure(new boolean[] {true, true, true, true, true}, 3);
  }

  @Test void aLocalInputFailingClosesTheRemoteOnes() {
    assertAllClosedAfterFailure(new boolean[] {true, true, true, false, true}, 3);
  }
}
