package io.github.calcited1.client;

/**
 * A statement's D1 work was stopped on purpose: its query timeout passed (SQLState HYT00, JDBC's
 * {@link java.sql.SQLTimeoutException} state) or it was cancelled (HY008, "operation canceled"). Only reads are
 * stopped this way (see {@link D1Cancellation}); nothing was written.
 */
public class D1CanceledException extends D1Exception {
  private static final long serialVersionUID = 1L;

  public D1CanceledException(String message, String sqlState, Throwable cause) {
    super(message, sqlState, 0, 0, message, cause);
  }

  /** Whether the query timeout ended the statement (else {@code Statement.cancel()} did). */
  public boolean timedOut() {
    return "HYT00".equals(getSQLState());
  }

  /** Sending the request again would be stopped the same way. */
  @Override
  public boolean isTransient() {
    return false;
  }
}
