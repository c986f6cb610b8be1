package io.github.calcited1.rel;

import org.apache.calcite.avatica.remote.TypedValue;
import org.apache.calcite.avatica.util.ByteString;
import org.apache.calcite.sql.type.SqlTypeName;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import io.github.calcited1.write.D1Insert;
import io.github.calcited1.write.D1Session;
import io.github.calcited1.write.D1ValueKind;

/**
 * A prepared single-row {@code INSERT INTO t (a, b, ...) VALUES (?, ?, ...)} into a D1 table, recognised at prepare
 * time ({@link D1EnumerableModify} stashes it in the statement's signature). While the connection buffers (autocommit
 * off, or inside {@code executeBatch}), an execution appends its parameter row straight to the transaction's
 * {@link D1Insert} instead of running Calcite's plan (a DataContext, an enumerable and a {@link D1WriteRuntime#insert}
 * call per row).
 *
 * <p>The stored values must be identical to the planned path's, so a row is taken only when every value is already
 * what Calcite's runtime would hand to {@link D1ValueKind#appendJson} (no conversion but integer widening to Long):
 * BIGINT Long/Integer/Short/Byte, DOUBLE Double, VARCHAR String, VARBINARY ByteString/byte[], BOOLEAN Boolean, and
 * NULL for a nullable column. Any other value (a date, a decimal, a String for a number, a Float, a NULL for a NOT NULL
 * column, an unbound parameter) makes that execution run the plan, which converts (or refuses) it as before; both
 * paths append to the same buffer in order, so rows still coalesce.
 */
public final class D1DirectInsert {
  /** The target's schema: the one the statement was planned against, as the planned path's would be. */
  private final D1Schema schema;
  /** The schema's transaction key ({@link D1WriteRuntime#key}). */
  private final String key;
  /** The INSERT, without rows; each execution's row joins the buffer's copy of it. */
  private final D1Insert shape;
  private final SqlTypeName[] types;
  private final boolean[] nullable;
  private final int[] params;

  D1DirectInsert(D1Schema schema, String table, List<String> columns, List<D1ValueKind> kinds,
      SqlTypeName[] types, boolean[] nullable, int[] params) {
    this.schema = schema;
    this.key = D1WriteRuntime.key(schema);
    this.shape = new D1Insert(table, columns, kinds);
    this.types = types.clone();
    this.nullable = nullable.clone();
    this.params = params.clone();
  }

  /** The descriptor among a signature's internal parameters, or null. */
  public static D1DirectInsert find(Map<String, Object> internalParameters) {
    if (internalParameters == null || internalParameters.isEmpty()) {
      return null;
    }
    for (Object o : internalParameters.values()) {
      if (o instanceof D1DirectInsert) {
        return (D1DirectInsert) o;
      }
    }
    return null;
  }

  /**
   * Appends the row of {@code values} to the session's buffer for the table's database and returns true; returns
   * false, having done nothing, when the session does not buffer or a value needs Calcite's conversion.
   */
  public boolean buffer(D1Session session, List<TypedValue> values) throws SQLException {
    if (!session.buffering()) {
      return false;
    }
    Object[] row = new Object[params.length];
    for (int i = 0; i < params.length; i++) {
      int p = params[i];
      if (p >= values.size()) {
        return false;
      }
      TypedValue tv = values.get(p);
      if (tv == null) {
        return false; // unbound: the plan reports it
      }
      Object v = accept(tv.toLocal(), types[i], nullable[i]);
      if (v == REFUSE) {
        return false;
      }
      row[i] = v;
    }
    D1WriteRuntime.bufferDirect(session, schema, key, shape, row);
    return true;
  }

  private static final Object REFUSE = new Object();

  /** The value as the planned path would hold it, or {@link #REFUSE} when that needs a conversion. */
  private static Object accept(Object v, SqlTypeName type, boolean nullable) {
    if (v == null) {
      return nullable ? null : REFUSE;
    }
    switch (type) {
      case BIGINT:
        if (v instanceof Long) {
          return v;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
          return ((Number) v).longValue();
        }
        return REFUSE;
      case DOUBLE:
        return v instanceof Double ? v : REFUSE;
      case VARCHAR:
        return v instanceof String ? v : REFUSE;
      case VARBINARY:
        return v instanceof ByteString ? v : v instanceof byte[] ? new ByteString((byte[]) v) : REFUSE;
      case BOOLEAN:
        return v instanceof Boolean ? v : REFUSE;
      default:
        return REFUSE;
    }
  }
}
