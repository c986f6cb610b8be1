package io.github.calcited1.rel;

import io.github.calcited1.client.D1Exception;

/** D1 failed to run a pushed-down statement. The cause is the client's typed exception. */
public final class D1QueryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public D1QueryException(String message, D1Exception cause) {
    super(message, cause);
  }

  /** SQLState of a numeric value out of range. */
  static final String NUMERIC_OUT_OF_RANGE = "22003";

  /**
   * The failure of a statement. SQLite's "integer overflow" (an integer SUM or {@code + - *} past 64 bits, or the
   * check of an exact DECIMAL, see {@code D1ExactSql}) becomes SQLState 22003 with what to do.
   */
  static D1QueryException of(String sql, D1Exception e) {
    D1Exception cause = e;
    String said = e.d1Message() == null ? e.getMessage() : e.d1Message();
    if (said != null && said.contains("integer overflow")) {
      cause = new D1Exception("D1 reported an integer overflow (SQLState " + NUMERIC_OUT_OF_RANGE + "): an integer"
          + " result exceeds 64 bits, or a DECIMAL value computed exactly in D1 does not fit: a stored value that is"
          + " not a number with at most the column's scale of decimals, a result whose scaled integer exceeds 64"
          + " bits (about 18 digits), or a value compared or sorted inside the statement with more than 15"
          + " significant digits. Correct the stored value, or CAST the column to DOUBLE for an approximate result.",
          NUMERIC_OUT_OF_RANGE, e.httpStatus(), e.d1Code(), e.d1Message(), e);
    }
    // D1's message first: it says what is wrong; the statement sent (not the user's) follows.
    return new D1QueryException(cause.getMessage() + "\nStatement sent to D1: " + sql, cause);
  }
}
