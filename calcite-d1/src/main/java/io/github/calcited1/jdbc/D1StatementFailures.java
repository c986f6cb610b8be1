package io.github.calcited1.jdbc;

import io.github.calcited1.client.D1Exception;
import io.github.calcited1.rel.D1QueryException;
import java.sql.SQLException;

/**
 * What escapes Calcite while a {@code jdbc:d1:} statement is prepared or started, turned into an
 * {@link SQLException} that says what failed and what to do:
 * <ul>
 *   <li>D1 refused a pushed statement ({@link D1QueryException}): D1's message first, then the SQL sent, with the
 *       client's SQLState and its typed {@link D1Exception} as the cause;</li>
 *   <li>a statement too large for Calcite (a stack overflow while planning hundreds of ORs, a method Janino cannot
 *       compile for thousands of constants): SQLState 54001 (statement too complex);</li>
 *   <li>an internal error of Calcite (an {@link AssertionError} such as {@code not a literal: /(37, null)}): SQLState
 *       XX000, naming the construct Calcite's message names.</li>
 * </ul>
 * Calcite catches only {@link Exception}s while preparing, so without this its {@link Error}s reach the caller raw,
 * without SQLState.
 */
public final class D1StatementFailures {
  /** SQLState of a statement Calcite cannot plan or compile because of its size. */
  public static final String TOO_COMPLEX = "54001";
  /** SQLState of an internal error of Calcite. */
  public static final String INTERNAL_ERROR = "XX000";
  private static final int SQL_SHOWN = 200;

  private D1StatementFailures() {}

  /** The exception to throw for {@code e}, raised while preparing or starting {@code sql}; {@code e} if none fits. */
  public static Throwable translate(String sql, Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof D1QueryException refused && refused.getCause() instanceof D1Exception d1) {
        return D1SqlStates.of(refused.getMessage(), d1.getSQLState(), d1.getErrorCode(), d1);
      }
      if (t instanceof StackOverflowError || isJaninoLimit(t)) {
        return new SQLException("The statement is too large for Calcite to " + (t instanceof StackOverflowError
            ? "plan (its expressions nest too deeply: a stack overflow)" : "compile (" + t.getMessage() + ")")
            + ". Typical causes are hundreds of ORs or a list of thousands of constants (IN lists of more than "
            + "20 items become a join with a VALUES list). Split the statement, or load the values into a table "
            + "and join it. Statement: " + abbreviate(sql), TOO_COMPLEX, t);
      }
      if (t instanceof AssertionError) {
        return new SQLException("Calcite failed on this statement with an internal error (" + t.getMessage()
            + "): a construct it cannot plan, not a fault of the data or of D1. Expressions over a typed NULL "
            + "such as CAST(NULL AS INTEGER) are the usual cause: write NULL, or rewrite that expression. "
            + "Statement: " + abbreviate(sql), INTERNAL_ERROR, t);
      }
    }
    return e;
  }

  /**
   * Janino's refusal of a generated method or class too large for the JVM's limits ({@code Code grows beyond 64
   * KB} for the array of a 10,000-item IN list's VALUES).
   */
  private static boolean isJaninoLimit(Throwable t) {
    String type = t.getClass().getName();
    String message = t.getMessage();
    return type.startsWith("org.codehaus.") && message != null
        && (message.contains("64 KB") || message.contains("too large") || message.contains("too many"));
  }

  private static String abbreviate(String sql) {
    String oneLine = sql == null ? "" : sql.replaceAll("\\s+", " ").strip();
    return oneLine.length() <= SQL_SHOWN ? oneLine
        : oneLine.substring(0, SQL_SHOWN) + "… (" + oneLine.length() + " characters)";
  }
}
