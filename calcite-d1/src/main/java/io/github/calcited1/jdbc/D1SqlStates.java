package io.github.calcited1.jdbc;

import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.validate.SqlValidatorException;

import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gives an SQLException that Avatica raised without SQLState (it wraps whatever a statement threw into a plain
 * {@code SQLException("Error while executing SQL ...", null)}) the state of its cause: the state of a calcite-d1 or
 * D1 exception in the chain (23505, 42S22, 08007, ...), else the class of a Calcite parse or validation error: 42S02
 * for an unknown table, 42S22 for an unknown column, 42000 otherwise. Tools act on the state (Spark, for example,
 * reads a 42xxx state as "the table does not exist"). A query timeout (HYT00) becomes JDBC's
 * {@link SQLTimeoutException}.
 */
public final class D1SqlStates {
  /** JDBC's SQLState of a query timeout; a failure with it is a {@link SQLTimeoutException}, as JDBC says. */
  private static final String TIMEOUT = "HYT00";
  private static final Pattern UNKNOWN_TABLE = Pattern.compile("^(Object|Table) '.*' not found");
  private static final Pattern UNKNOWN_COLUMN = Pattern.compile("^Column '.*' not found");
  private static final Pattern QUOTED = Pattern.compile("'([^']*)'");

  private D1SqlStates() {
  }

  /** {@code e}, or a copy with its cause's state when Avatica left it without one. */
  public static SQLException lift(SQLException e) {
    if (e.getSQLState() != null || e.getClass() != SQLException.class) {
      return e;
    }
    String state = stateOf(e.getCause());
    if (state == null) {
      return e;
    }
    SQLException lifted = of(e.getMessage(), state, e.getErrorCode(), e.getCause());
    lifted.setStackTrace(e.getStackTrace());
    if (e.getNextException() != null) {
      lifted.setNextException(e.getNextException());
    }
    return lifted;
  }

  /** An SQLException with this state: a {@link SQLTimeoutException} for a query timeout (HYT00), as JDBC says. */
  public static SQLException of(String message, String state, int code, Throwable cause) {
    return TIMEOUT.equals(state) ? new SQLTimeoutException(message, state, code, cause)
        : new SQLException(message, state, code, cause);
  }

  /**
   * The names a Calcite validation error about an unknown table or column quotes ({@code Object 'orders' not found
   * within 'shop'}, {@code Column 'b' not found in table 't'}), empty for any other failure.
   */
  public static List<String> unknownNames(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = validationMessage(t);
      if (m != null && (UNKNOWN_TABLE.matcher(m).find() || UNKNOWN_COLUMN.matcher(m).find())) {
        List<String> names = new ArrayList<>();
        for (Matcher q = QUOTED.matcher(m); q.find(); ) {
          names.add(q.group(1));
        }
        return names;
      }
    }
    return List.of();
  }

  /** The message of a Calcite validation error without its position, or null for any other throwable. */
  private static String validationMessage(Throwable t) {
    if (t instanceof CalciteContextException c) {
      return c.getMessage() == null ? null : c.getMessage().replaceFirst("^From line .*?: ", "");
    }
    return t instanceof SqlValidatorException ? t.getMessage() : null;
  }

  private static String stateOf(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException s && s.getSQLState() != null) {
        return s.getSQLState();
      }
    }
    for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = validationMessage(t);
      if (m != null && UNKNOWN_TABLE.matcher(m).find()) {
        return "42S02";
      }
      if (m != null && UNKNOWN_COLUMN.matcher(m).find()) {
        return "42S22";
      }
    }
    for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SqlValidatorException || t instanceof CalciteContextException
          || t instanceof SqlParseException) {
        return "42000";
      }
    }
    return null;
  }
}
