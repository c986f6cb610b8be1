package io.github.calcited1.client;

/**
 * A D1 size limit was hit: 100 bound parameters or 100,000 bytes per statement, or the value size (SQLState 54000).
 */
public class D1TooBigException extends D1Exception {
  private static final long serialVersionUID = 1L;

  public D1TooBigException(String message, String sqlState, int httpStatus, int d1Code, String d1Message,
      Throwable cause) {
    super(message, sqlState, httpStatus, d1Code, d1Message, cause);
  }
}
