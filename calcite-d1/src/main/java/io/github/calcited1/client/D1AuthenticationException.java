package io.github.calcited1.client;

/**
 * The API token was refused or lacks access to the account or to D1: SQLState 28000 (HTTP 401/403; D1 codes 10000,
 * 7403, 9109).
 */
public class D1AuthenticationException extends D1Exception {
  private static final long serialVersionUID = 1L;

  public D1AuthenticationException(String message, String sqlState, int httpStatus, int d1Code, String d1Message,
      Throwable cause) {
    super(message, sqlState, httpStatus, d1Code, d1Message, cause);
  }
}
