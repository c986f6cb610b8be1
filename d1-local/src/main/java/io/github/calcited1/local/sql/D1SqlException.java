package io.github.calcited1.local.sql;

/**
 * A statement failed the way D1 fails it: the whole request is rolled back and answered with
 * HTTP 400, code 7500 and {@link #getMessage()} as D1's message text, byte for byte.
 */
public final class D1SqlException extends Exception {
  private static final long serialVersionUID = 1L;

  static final String TRANSACTION_REFUSED = "To execute a transaction, please use the state.storage.transaction() "
      + "or state.storage.transactionSync() APIs instead of the SQL BEGIN TRANSACTION or SAVEPOINT statements. "
      + "The JavaScript API is safer because it will automatically roll back on exceptions, and because it "
      + "interacts correctly with Durable Objects' automatic atomic write coalescing.";
  static final String NOT_AUTHORIZED = "not authorized: SQLITE_AUTH";
  static final String NO_STATEMENTS = "No SQL statements detected.";
  static final String NO_STATEMENT_IN_CODE = "SQL code did not contain a statement.";
  static final String WRONG_PARAMETER_COUNT = "Wrong number of parameter bindings for SQL query.";
  static final String PARAMETERS_NOT_LAST = "When executing multiple SQL statements in a single call, "
      + "only the last statement can have parameters.";
  static final String STATEMENT_TOO_LONG = "statement too long: SQLITE_TOOBIG";

  public D1SqlException(String d1Message) {
    super(d1Message, null, false, false);
  }

  /** D1's refusal of a parameter of an unsupported JSON type (objects). */
  public static D1SqlException unsupportedParameterType(String jsType, String jsStringValue) {
    return new D1SqlException("Type '" + jsType + "' not supported for value '" + jsStringValue + "'");
  }
}
