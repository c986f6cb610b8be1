package io.github.calcited1.local.fault;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Optional;

/**
 * The faults a server will play, in order, one per authenticated request (all routes). Thread
 * safe. Example: {@code server.faults().next(2, Fault.serverError(503))} makes the next two
 * requests answer 503; {@link #clear()} forgets whatever is still queued.
 */
public final class FaultHooks {
  private final Deque<Fault> queued = new ArrayDeque<>();

  /** The next request gets this fault. */
  public synchronized FaultHooks next(Fault fault) {
    return next(1, fault);
  }

  /** Each of the next count requests gets this fault (after those already queued). */
  public synchronized FaultHooks next(int count, Fault fault) {
    Objects.requireNonNull(fault, "fault");
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1, got " + count);
    }
    for (int i = 0; i < count; i++) {
      queued.add(fault);
    }
    return this;
  }

  /** Forgets every queued fault. */
  public synchronized void clear() {
    queued.clear();
  }

  /** How many faults are still queued. */
  public synchronized int pending() {
    return queued.size();
  }

  /** Takes the fault for the request being answered (the server calls this once per request). */
  public synchronized Optional<Fault> takeNext() {
    return Optional.ofNullable(queued.poll());
  }
}
