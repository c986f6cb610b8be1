package io.github.calcited1.client;

/**
 * D1 could not be reached or the connection failed: SQLState 08001 when no connection was made (or the URL has no D1
 * route), 08006 when it broke or timed out.
 */
public class D1ConnectionException extends D1Exception {
  private static final long serialVersionUID = 1L;

  public D1ConnectionException(String message, String sqlState, int httpStatus, int d1Code, String d1Message,
      Throwable cause) {
    super(message, sqlState, httpStatus, d1Code, d1Message, cause);
  }

  /** Network failures are worth retrying; a wrong base URL (an HTTP answer without a D1 route) is not. */
  @Override
  public boolean isTransient() {
    return httpStatus() == 0;
  }
}
