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
}
