package io.github.calcited1.write;

import io.github.calcited1.client.D1Statement;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * An UPDATE by key, for UPDATEs whose WHERE or SET could not run inside D1 (e.g. a sub-query on a CSV file): Calcite
 * computes the rows to change and their new values, and D1 receives
 * <pre>UPDATE "t" SET "a" = j.value-&gt;&gt;1 FROM json_each(?) AS j WHERE "t"."id" = j.value-&gt;&gt;0</pre>
 * with the (key..., new values...) rows as one JSON parameter per statement. Needs the table's primary key (or rowid
 * alias) among the rows.
 */
public final class D1Update extends D1Write {
  private final String table;
  private final List<String> keyColumns;
  private final List<String> setColumns;
  private final D1JsonRows rows;

  /** {@code kinds} covers the key columns first, then the set columns, as in each row passed to {@link #add}. */
  public D1Update(String table, List<String> keyColumns, List<String> setColumns, List<D1ValueKind> kinds) {
    if (keyColumns.isEmpty() || setColumns.isEmpty() || kinds.size() != keyColumns.size() + setColumns.size()) {
      throw new IllegalArgumentException("need key columns, set columns and a kind for each");
    }
    this.table = table;
    this.keyColumns = List.copyOf(keyColumns);
    this.setColumns = List.copyOf(setColumns);
    this.rows = new D1JsonRows(kinds);
  }

  /** Adds (key values..., new values...). */
  public D1Update add(Object[] row) throws SQLException {
    rows.add(row);
    return this;
  }

  @Override
  public Kind kind() {
    return Kind.UPDATE;
  }

  @Override
  public String table() {
    return table;
  }

  @Override
  public String describe() {
    return "UPDATE " + quote(table) + " SET " + setColumns + " BY KEY " + keyColumns + " (" + rows.size() + " rows)";
  }

  @Override
  public long knownRows() {
    return rows.size();
  }

  @Override
  public boolean absorb(D1Write next) {
    if (!(next instanceof D1Update)) {
      return false;
    }
    D1Update o = (D1Update) next;
    if (!table.equals(o.table) || !keyColumns.equals(o.keyColumns) || !setColumns.equals(o.setColumns)
        || !rows.kinds().equals(o.rows.kinds())) {
      return false;
    }
    rows.addAll(o.rows);
    return true;
  }

  public String sql() {
    List<D1ValueKind> kinds = rows.kinds();
    int k = keyColumns.size();
    StringBuilder sb = new StringBuilder("UPDATE ").append(quote(table)).append(" SET ");
    for (int i = 0; i < setColumns.size(); i++) {
      sb.append(i > 0 ? ", " : "").append(quote(setColumns.get(i))).append(" = ")
          .append(kinds.get(k + i).unpack("j.value", k + i));
    }
    sb.append(" FROM json_each(?) AS j WHERE ");
    for (int i = 0; i < k; i++) {
      sb.append(i > 0 ? " AND " : "").append(quote(table)).append('.').append(quote(keyColumns.get(i)))
          .append(" = ").append(kinds.get(i).unpack("j.value", i));
    }
    return sb.toString();
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
