package io.github.calcited1.client;

/** The response was not what D1 sends: malformed, cut short, or of an unexpected shape (SQLState 08S01). No partial result is ever returned in its place. */
public class D1ProtocolException extends D1Exception {
  private static final long serialVersionUID = 1L;

  public D1ProtocolException(String message, String sqlState, int httpStatus, int d1Code, String d1Message, Throwable cause) {
    super(message, sqlState, httpStatus, d1Code, d1Message, cause);
  }
}
