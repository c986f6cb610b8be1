package io.github.calcited1.testing;

/** Assertions on errors as a user sees them: through every wrapper Calcite and Avatica put around the cause. */
public final class Errors {
  private Errors() {}

  /** The messages of an exception and all its causes, one per line. */
  public static String messages(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      sb.append(t.getMessage()).append('\n');
    }
    return sb.toString();
  }

  /**
   * The SQLState of the first SQLException in the chain that has one: Avatica wraps an exception thrown while a
   * statement executes, and Calcite a DDL error, into an SQLException without state; the cause has it.
   */
  public static String sqlState(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLException x && x.getSQLState() != null) {
        return x.getSQLState();
      }
    }
    return null;
  }
}
