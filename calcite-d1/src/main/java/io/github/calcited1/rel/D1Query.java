package io.github.calcited1.rel;

import java.util.List;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * A statement for D1 as generated for a pushed-down subtree: its SQL, and where each of its {@code ?} gets its
 * value (a constant from a literal, a user's parameter, or the keyset paging bound).
 *
 * @param sql the SQL text, with {@code ?} for every value
 * @param params one per {@code ?}, in textual order
 * @param pageKeyColumn for a paged statement, the output column holding the page key (as text): the rowid column
 *     when it is an output anyway, else an extra last column; the last parameter is its lower bound. -1 when the
 *     statement is not paged.
 */
public record D1Query(String sql, List<Param> params, int pageKeyColumn) {
  /** Each parameter's {@link Kind}, a constant for generated code. */
  public Kind[] paramKinds() {
    return params.stream().map(Param::kind).toArray(Kind[]::new);
  }

  /** The values D1 receives for parameters of the given {@link #paramKinds()}. */
  public static Object[] bind(Kind[] paramKinds, Object[] values) {
    Object[] bound = new Object[values.length];
    for (int i = 0; i < values.length; i++) {
      bound[i] = D1Values.toParam(values[i], paramKinds[i]);
    }
    return bound;
  }

  /** Whether the statement is read by keyset pages. */
  public boolean paged() {
    return pageKeyColumn >= 0;
  }

  /** How a value is sent to D1, and what the SQL wraps its {@code ?} in. */
  public enum Kind {
    /** Sent as a decimal string; exact to 64 bits. */
    INTEGER("INTEGER"),
    /** Sent as 1/0, like an integer. */
    BOOLEAN("INTEGER"),
    /** Sent as a decimal string. */
    DECIMAL("NUMERIC"),
    /** A JSON number, which D1 binds as REAL. */
    DOUBLE(null),
    STRING(null),
    /** Constants are hex text; sent as a BLOB. */
    BINARY(null),
    /** ISO-8601 {@code YYYY-MM-DD}. */
    DATE(null),
    /** ISO-8601 {@code YYYY-MM-DD HH:MM:SS.SSS}. */
    TIMESTAMP(null),
    /** A user parameter of unknown type, sent as given. */
    ANY(null);

    private final String sqlCast;

    Kind(String sqlCast) {
      this.sqlCast = sqlCast;
    }

    /** The SQLite type the parameter is cast to in SQL, or null. */
    public String sqlCast() {
      return sqlCast;
    }

    /** The kind for a user parameter of the given type. */
    public static Kind of(SqlTypeName type) {
      switch (type) {
        case TINYINT:
        case SMALLINT:
        case INTEGER:
        case BIGINT:
          return INTEGER;
        case BOOLEAN:
          return BOOLEAN;
        case DECIMAL:
          return DECIMAL;
        case FLOAT:
        case REAL:
        case DOUBLE:
          return DOUBLE;
        case CHAR:
        case VARCHAR:
          return STRING;
        case BINARY:
        case VARBINARY:
          return BINARY;
        case DATE:
          return DATE;
        case TIMESTAMP:
          return TIMESTAMP;
        default:
          return ANY;
      }
    }
  }

  /**
   * One {@code ?}.
   *
   * @param kind how it is sent
   * @param value the constant (null for a user parameter or the page key)
   * @param source {@link #CONSTANT}, {@link #PAGE_KEY}, or the index of the user's parameter
   */
  public record Param(Kind kind, Object value, int source) {
    public static final int CONSTANT = -1;
    public static final int PAGE_KEY = -2;
  }
}
