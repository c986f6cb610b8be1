package io.github.calcited1.client;

/**
 * The database id or name does not exist in the account: SQLState 3D000 (HTTP 404, D1 code 7404).
 */
public class D1DatabaseNotFoundException extends D1Exception {
  private static final long serialVersionUID = 1L;

  public D1DatabaseNotFoundException(String message, String sqlState, int httpStatus, int d1Code, String d1Message,
      Throwable cause) {
    super(message, sqlState, httpStatus, d1Code, d1Message, cause);
  }
}
