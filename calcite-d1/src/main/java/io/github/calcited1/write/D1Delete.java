package io.github.calcited1.write;

import io.github.calcited1.client.D1Statement;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A DELETE by key, for DELETEs whose WHERE could not run inside D1: Calcite finds the rows, D1 receives
 * <pre>DELETE FROM "t" WHERE ("id") IN (SELECT value-&gt;&gt;0 FROM json_each(?))</pre>
 * with the keys as one JSON parameter per statement.
 */
public final class D1Delete extends D1Write {
  private final String table;
  private final List<String> keyColumns;
  private final D1JsonRows rows;

  public D1Delete(String table, List<String> keyColumns, List<D1ValueKind> kinds) {
    if (keyColumns.isEmpty() || kinds.size() != keyColumns.size()) {
      throw new IllegalArgumentException("need key columns and a kind for each");
    }
    this.table = table;
    this.keyColumns = List.copyOf(keyColumns);
    this.rows = new D1JsonRows(kinds);
  }

  /** Adds one key. */
  public D1Delete add(Object[] key) throws SQLException {
    rows.add(key);
    return this;
  }

  @Override
  public Kind kind() {
    return Kind.DELETE;
  }

  @Override
  public String table() {
    return table;
  }

  @Override
  public String describe() {
    return "DELETE FROM " + quote(table) + " BY KEY " + keyColumns + " (" + rows.size() + " rows)";
  }

  @Override
  public long knownRows() {
    return rows.size();
  }

  @Override
  public boolean absorb(D1Write next) {
    if (!(next instanceof D1Delete)) {
      return false;
    }
    D1Delete o = (D1Delete) next;
    if (!table.equals(o.table) || !keyColumns.equals(o.keyColumns) || !rows.kinds().equals(o.rows.kinds())) {
      return false;
    }
    rows.addAll(o.rows);
    return true;
  }

  public String sql() {
    StringBuilder sb = new StringBuilder("DELETE FROM ").append(quote(table)).append(" WHERE (");
    for (int i = 0; i < keyColumns.size(); i++) {
      sb.append(i > 0 ? ", " : "").append(quote(keyColumns.get(i)));
    }
    sb.append(") IN (SELECT ");
    for (int i = 0; i < keyColumns.size(); i++) {
      sb.append(i > 0 ? ", " : "").append(rows.kinds().get(i).unpack("value", i));
    }
    return sb.append(" FROM json_each(?))").toString();
  }

  @Override
  public List<D1Statement> toStatements(D1WriteOptions options) {
    String sql = sql();
    List<D1Statement> out = new ArrayList<>();
    for (String chunk : rows.chunks(options.maxValueBytes())) {
      out.add(D1Statement.of(sql, chunk));
    }
    return out;
  }
}
