package io.github.calcited1.write;

import static io.github.calcited1.catalog.D1Names.quote;

import io.github.calcited1.client.D1Statement;
import io.github.calcited1.config.D1WriteOptions;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows to insert into one D1 table (VALUES, rows from another source, JDBC batches), sent as
 * <pre>INSERT INTO "t" ("a", "b") SELECT value-&gt;&gt;0, unhex(value-&gt;&gt;1) FROM json_each(?)</pre>
 * with the rows as one JSON-array parameter per statement (up to {@link D1WriteOptions#maxValueBytes()}). Columns not
 * listed get D1's defaults; with no column at all each row is {@code INSERT INTO "t" DEFAULT VALUES}. With a
 * conflict target it is an UPSERT: {@code ... WHERE true ON CONFLICT ("k") DO UPDATE SET "a" = excluded."a"}.
 */
public final class D1Insert extends D1RowsWrite {
  private final List<String> columns;
  private final List<String> conflictColumns;
  private final List<String> updateColumns;

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
    super(table, kinds, false);
    if (columns.size() != kinds.size() || columns.isEmpty() && !conflictColumns.isEmpty()) {
      throw new IllegalArgumentException("columns and kinds must be of equal size (and non-empty for an upsert)");
    }
    this.columns = List.copyOf(columns);
    this.conflictColumns = List.copyOf(conflictColumns);
    this.updateColumns = List.copyOf(updateColumns);
  }

  /** Adds a row (values in {@code columns} order, as Calcite's runtime holds them). */
  public D1Insert add(Object[] row) throws SQLException {
    addRow(row);
    return this;
  }

  /** The same INSERT without rows. */
  D1Insert emptyCopy() {
    return new D1Insert(table, columns, rows.kinds(), conflictColumns, updateColumns);
  }

  public int rowCount() {
    return rows.size();
  }

  @Override
  public Kind kind() {
    return conflictColumns.isEmpty() ? Kind.INSERT : Kind.UPSERT;
  }

  @Override
  public String describe() {
    return (conflictColumns.isEmpty() ? "INSERT INTO " : "UPSERT INTO ") + quote(table) + " " + columns
        + rowCountSuffix();
  }

  @Override
  boolean sameColumns(D1RowsWrite other) {
    D1Insert o = (D1Insert) other;
    return columns.equals(o.columns) && conflictColumns.equals(o.conflictColumns)
        && updateColumns.equals(o.updateColumns);
  }

  /** The SQL of each statement (the parameter is the JSON array of rows). */
  @Override
  public String sql() {
    if (columns.isEmpty()) {
      return "INSERT INTO " + quote(table) + " DEFAULT VALUES";
    }
    StringBuilder sb = new StringBuilder("INSERT INTO ").append(quote(table)).append(" (")
        .append(quotedList(columns)).append(") SELECT ").append(unpackList("value", 0, columns.size()))
        .append(" FROM json_each(?)");
    if (!conflictColumns.isEmpty()) {
      // "WHERE true" resolves SQLite's parsing ambiguity between a join's ON and the upsert's ON CONFLICT.
      sb.append(" WHERE true ON CONFLICT (").append(quotedList(conflictColumns)).append(") DO ");
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
  public List<D1Statement> toStatements(D1WriteOptions options) throws SQLException {
    if (!columns.isEmpty()) {
      return super.toStatements(options);
    }
    // Every column left to its default: SQLite has no multi-row form of DEFAULT VALUES.
    List<D1Statement> out = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      out.add(D1Statement.of(sql()));
    }
    return out;
  }
}
