package io.github.calcited1.client;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One SQL statement and its positional parameters, as D1 receives it: {@code {"sql": ..., "params": [...]}}.
 * Immutable; parameters are checked when the statement is made, so a bad one fails before any request.
 *
 * <h2>How parameters are sent, and why</h2>
 * D1 binds every JSON number as a REAL (8-byte double), so an integer sent as a JSON number loses its exact value
 * beyond 2^53 and arrives as REAL, not INTEGER. Integers are therefore sent as JSON strings of decimal digits: SQLite
 * converts such a string exactly when it is stored into an INTEGER-affinity column or passed through
 * {@code CAST(? AS INTEGER)}.
 *
 * <p><b>Rule for SQL producers:</b> write {@code CAST(? AS INTEGER)} (or {@code CAST(? AS REAL)}, ...) wherever
 * SQLite's type of a parameter matters: in comparisons with untyped or TEXT expressions, in arithmetic, in
 * {@code SELECT ?}, in {@code LIMIT ?}, and when inserting into untyped or TEXT columns. Without the cast, such a
 * parameter is TEXT, and e.g. {@code 7 = '7'} is false.
 *
 * <table>
 *   <caption>Java value to JSON parameter</caption>
 *   <tr><th>Java</th><th>JSON sent</th><th>binds in SQLite as</th></tr>
 *   <tr><td>{@code null}</td><td>{@code null}</td><td>NULL</td></tr>
 *   <tr><td>{@code String}</td><td>string</td><td>TEXT</td></tr>
 *   <tr><td>{@code Long, Integer, Short, Byte, BigInteger}</td><td>string of decimal digits, e.g.
 *       {@code "9007199254740993"}</td><td>TEXT, exact INTEGER after affinity or CAST</td></tr>
 *   <tr><td>{@code Boolean}</td><td>{@code "1"} / {@code "0"}, as a Long</td><td>as Long</td></tr>
 *   <tr><td>{@code Double, Float}</td><td>number; NaN and infinities are refused (JSON cannot carry
 *       them)</td><td>REAL</td></tr>
 *   <tr><td>{@code BigDecimal}</td><td>plain decimal string, e.g. {@code "12.50"}</td><td>TEXT, exact
 *       NUMERIC/REAL after affinity or CAST</td></tr>
 *   <tr><td>{@code byte[]}</td><td>array of unsigned byte values, e.g. {@code [0,255]}</td><td>BLOB</td></tr>
 * </table>
 * Any other type is refused with an {@link IllegalArgumentException} naming the type and the 1-based parameter index.
 */
public final class D1Statement {
  private final String sql;
  private final List<Object> params;

  private D1Statement(String sql, List<Object> params) {
    this.sql = sql;
    this.params = params;
  }

  /**
   * @throws IllegalArgumentException if a parameter has an unsupported type or is a NaN/infinite floating-point value
   */
  public static D1Statement of(String sql, Object... params) {
    return of(sql, Arrays.asList(Objects.requireNonNull(params, "params")));
  }

  /**
   * @throws IllegalArgumentException if a parameter has an unsupported type or is a NaN/infinite floating-point value
   */
  public static D1Statement of(String sql, List<?> params) {
    Objects.requireNonNull(sql, "sql");
    Objects.requireNonNull(params, "params");
    List<Object> copy = new ArrayList<>(params.size());
    for (int i = 0; i < params.size(); i++) {
      copy.add(checked(params.get(i), i + 1));
    }
    return new D1Statement(sql, Collections.unmodifiableList(copy));
  }

  public String sql() {
    return sql;
  }

  /** The parameters as given (byte arrays copied on the way in); unmodifiable, may hold nulls. */
  public List<Object> params() {
    return params;
  }

  private static Object checked(Object value, int index) {
    if (value == null
        || value instanceof String
        || value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte
        || value instanceof BigInteger
        || value instanceof BigDecimal
        || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new IllegalArgumentException("Parameter " + index + " is " + value
            + ": JSON cannot carry NaN or infinity, so D1 cannot receive it; send NULL or a finite number");
      }
      return value;
    }
    if (value instanceof byte[]) {
      return ((byte[]) value).clone();
    }
    throw new IllegalArgumentException("Parameter " + index + " has unsupported type " + value.getClass().getName()
        + "; D1 parameters may be null, String, Long, Integer, Short, Byte, BigInteger, BigDecimal, Boolean,"
        + " Double, Float or byte[]");
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof D1Statement)) {
      return false;
    }
    D1Statement that = (D1Statement) o;
    if (!sql.equals(that.sql) || params.size() != that.params.size()) {
      return false;
    }
    for (int i = 0; i < params.size(); i++) {
      if (!Objects.deepEquals(params.get(i), that.params.get(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = sql.hashCode();
    for (Object p : params) {
      h = 31 * h + (p instanceof byte[] ? Arrays.hashCode((byte[]) p) : Objects.hashCode(p));
    }
    return h;
  }

  /** The SQL and the parameter count; parameter values are left out because they may be sensitive data. */
  @Override
  public String toString() {
    return "D1Statement{sql=" + sql + ", params=" + params.size() + "}";
  }
}
