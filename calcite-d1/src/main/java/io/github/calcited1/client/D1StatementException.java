package io.github.calcited1.client;

/**
 * D1 refused the SQL itself: syntax (SQLState 42000), unknown table (42S02) or column (42S22), existing object
 * (42S01), forbidden by D1 (42501), wrong parameter count (07001), transaction statements (0A000). D1 applied nothing
 * of the request.
 */
public class D1StatementException extends D1Exception {
  private static final long serialVersionUID = 1L;

  public D1StatementException(String message, String sqlState, int httpStatus, int d1Code, String d1Message,
      Throwable cause) {
    super(message, sqlState, httpStatus, d1Code, d1Message, cause);
  }
}
