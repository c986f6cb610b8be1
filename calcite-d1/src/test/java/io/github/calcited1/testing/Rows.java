package io.github.calcited1.testing;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import org.apache.calcite.runtime.Hook;

/**
 * Reads a result set into comparable text rows, so that calcite-d1's answer (Long, BigDecimal, Boolean, Date, …)
 * and SQLite's own (Integer, Double, String, byte[]) compare equal when they mean the same: booleans as 1/0,
 * integers exactly, fractional numbers to 12 significant digits (summation order may differ in the last bits),
 * dates and timestamps as their ISO text, blobs as hex.
 */
public final class Rows {
  private Rows() {}

  /**
   * The rows of {@code sql} on {@code c}; each statement Calcite sends to D1 meanwhile ({@link Hook#QUERY_PLAN}) is
   * added to {@code sent}.
   */
  public static List<String> query(Connection c, String sql, List<String> sent) throws SQLException {
    try (Hook.Closeable ignored = Hook.QUERY_PLAN.addThread((Consumer<Object>) s -> sent.add((String) s));
         Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      return read(rs);
    }
  }

  public static List<String> read(ResultSet rs) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    List<String> rows = new ArrayList<>();
    while (rs.next()) {
      StringBuilder b = new StringBuilder();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        if (i > 1) {
          b.append(" | ");
        }
        int type = md.getColumnType(i);
        Object v = type == Types.DATE || type == Types.TIMESTAMP ? rs.getString(i) : rs.getObject(i);
        b.append(normalize(v));
      }
      rows.add(b.toString());
    }
    return rows;
  }

  public static String normalize(Object v) {
    if (v == null) {
      return "NULL";
    }
    if (v instanceof Boolean bool) {
      return bool ? "1" : "0";
    }
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte
        || v instanceof BigInteger) {
      return v.toString();
    }
    if (v instanceof Number n) {
      BigDecimal d = new BigDecimal(n.toString());
      if (d.stripTrailingZeros().scale() > 0) {
        d = d.round(new MathContext(12));
      }
      return d.stripTrailingZeros().toPlainString();
    }
    if (v instanceof byte[] bytes) {
      return "X'" + HexFormat.of().formatHex(bytes) + "'";
    }
    String s = v.toString();
    // Calcite prints TIMESTAMP(3) with milliseconds; D1 holds them without when they are zero.
    return s.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.0+") ? s.replaceAll("\\.0+$", "") : s;
  }
}
