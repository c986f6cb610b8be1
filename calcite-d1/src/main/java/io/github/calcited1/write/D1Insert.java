package io.github.calcited1.write;

import io.github.calcited1.client.D1Statement;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows to insert into one D1 table (VALUES, rows from another source, JDBC batches), sent as
 * <pre>INSERT INTO "t" ("a", "b") SELECT value-&gt;&gt;0, unhex(value-&gt;&gt;1) FROM json_each(?)</pre>
 * with the rows as one JSON-array parameter per statement (up to {@link D1WriteOptions#maxValueBytes()}). With a
 * conflict target it is an UPSERT: {@code ... WHERE true ON CONFLICT ("k") DO UPDATE SET "a" = excluded."a"}.
 */
public final class D1Insert extends D1Write {
  private final String table;
  private final List<String> columns;
  private final List<String> conflictColumns;
  private final List<String> updateColumns;
  private final D1JsonRows rows;

  /** A plain INSERT. */
  public D1Insert(String table, List<String> columns, List<D1ValueKind> kinds) {
    this(table, columns, kinds, List.of(), List.of());
  }

  /**
   * An INSERT that, when {@code conflictColumns} is not empty, becomes {@code ON CONFLICT (conflictColumns) DO UPDATE
   * SET c = excluded.c} for each of {@code updateColumns} ({@code DO NOTHING} if none).
   */
  public D1Insert(String table, List<String> columns, List<D1ValueKind> kinds, List<String> conflictColumns,
      List<String> updateColumns) {
    if (columns.size() != kinds.size() || columns.isEmpty()) {
      throw new IllegalArgumentException("columns and kinds must be non-empty and of equal size");
    }
    this.table = table;
    this.columns = List.copyOf(columns);
    this.conflictColumns = List.copyOf(conflictColumns);
    this.updateColumns = List.copyOf(updateColumns);
    this.rows = new D1JsonRows(kinds);
  }

  /** Adds a row (values in {@code columns} order, as Calcite's runtime holds them). */
  public D1Insert add(Object[] row) throws SQLException {
    rows.add(row);
    return this;
  }

  public int rowCount() {
    return rows.size();
  }

  @Override
  public Kind kind() {
    return conflictColumns.isEmpty() ? Kind.INSERT : Kind.UPSERT;
  }

  @Override
  public String table() {
    return table;
  }

  @Override
  public String describe() {
    return (conflictColumns.isEmpty() ? "INSERT INTO " : "UPSERT INTO ") + quote(table) + " " + columns + " ("
        + rows.size() + " row" + (rows.size() == 1 ? "" : "s") + ")";
  }

  @Override
  public long knownRows() {
    return rows.size();
  }

  @Override
  public boolean absorb(D1Write next) {
    if (!(next instanceof D1Insert)) {
      return false;
    }
    D1Insert o = (D1Insert) next;
    if (!table.equals(o.table) || !columns.equals(o.columns) || !rows.kinds().equals(o.rows.kinds())
        || !conflictColumns.equals(o.conflictColumns) || !updateColumns.equals(o.updateColumns)) {
      return false;
    }
    rows.addAll(o.rows);
    return true;
  }

  /** The SQL of each statement (the parameter is the JSON array of rows). */
  public String sql() {
    StringBuilder sb = new StringBuilder("INSERT INTO ").append(quote(table)).append(" (");
    for (int i = 0; i < columns.size(); i++) {
      sb.append(i > 0 ? ", " : "").append(quote(columns.get(i)));
    }
    sb.append(") SELECT ");
    for (int i = 0; i < columns.size(); i++) {
      sb.append(i > 0 ? ", " : "").append(rows.kinds().get(i).unpack("value", i));
    }
    sb.append(" FROM json_each(?)");
    if (!conflictColumns.isEmpty()) {
      // "WHERE true" resolves SQLite's parsing ambiguity between a join's ON and the upsert's ON CONFLICT.
      sb.append(" WHERE true ON CONFLICT (");
      for (int i = 0; i < conflictColumns.size(); i++) {
        sb.append(i > 0 ? ", " : "").append(quote(conflictColumns.get(i)));
      }
      sb.append(") DO ");
      if (updateColumns.isEmpty()) {
        sb.append("NOTHING");
      } else {
        sb.append("UPDATE SET ");
        for (int i = 0; i < updateColumns.size(); i++) {
          String c = quote(updateColumns.get(i));
          sb.append(i > 0 ? ", " : "").append(c).append(" = excluded.").append(c);
        }
      }
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
