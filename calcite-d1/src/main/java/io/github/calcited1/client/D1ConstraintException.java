package io.github.calcited1.client;

/**
 * A constraint rejected a statement: SQLState 23505 unique/primary key, 23502 not null, 23503 foreign key, 23514
 * check, 23000 other. D1 applied nothing of the request.
 */
public class D1ConstraintException extends D1Exception {
  private static final long serialVersionUID = 1L;

  public D1ConstraintException(String message, String sqlState, int httpStatus, int d1Code, String d1Message,
      Throwable cause) {
    super(message, sqlState, httpStatus, d1Code, d1Message, cause);
  }
}
