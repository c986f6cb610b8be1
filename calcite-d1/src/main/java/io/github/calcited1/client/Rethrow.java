package io.github.calcited1.client;

/**
 * The one way calcite-d1 lets a checked exception (an {@link java.sql.SQLException}, usually a {@link D1Exception})
 * leave code whose signature cannot declare it: the code Calcite generates, table functions, Calcite's and Avatica's
 * {@code Meta} methods. The exception is thrown unchanged, so the JDBC caller catches it with its own type and
 * SQLState (a {@code D1CommitException}, SQLState 40001 of a write conflict); wrapped in a RuntimeException, Calcite
 * and Avatica would hand on only its message.
 */
public final class Rethrow {
  private Rethrow() {}

  /**
   * Throws {@code e} as it is. Declared to return an exception so that callers write {@code throw Rethrow.unchanged(e)}
   * and the compiler sees that the statement does not complete.
   */
  public static RuntimeException unchanged(Throwable e) {
    throw Rethrow.<RuntimeException>as(e);
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> E as(Throwable e) throws E {
    throw (E) e;
  }
}
