package io.github.calcited1.client;

/**
 * The response was not what D1 sends. SQLState 08006 when the body was cut short (the connection most likely broke;
 * transient), 08S01 when it was malformed or of an unexpected shape. No partial result is ever returned in its place.
 */
public class D1ProtocolException extends D1Exception {
  private static final long serialVersionUID = 1L;

  public D1ProtocolException(String message, String sqlState, int httpStatus, int d1Code, String d1Message,
      Throwable cause) {
    super(message, sqlState, httpStatus, d1Code, d1Message, cause);
  }

  /** A cut-short body is worth reading again; a malformed one is not. */
  @Override
  public boolean isTransient() {
    return "08006".equals(getSQLState());
  }
}
