package io.github.calcited1.write;

import static io.github.calcited1.catalog.D1Names.quote;

import io.github.calcited1.client.D1Statement;
import io.github.calcited1.catalog.D1Names;
import io.github.calcited1.config.D1WriteOptions;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A write whose rows travel as JSON-array parameters ({@link D1JsonRows}): one SQL text, sent once per chunk of rows.
 * Consecutive writes of the same class, table, columns and value kinds coalesce. A write computed from rows read
 * ({@code checked}) has each statement followed by its compare-and-set check ({@link D1WriteConflict}).
 */
abstract class D1RowsWrite extends D1Write {
  final String table;
  final D1JsonRows rows;
  /** The marker of this write's checks, or null when it is not checked. */
  private final String conflictMarker;

  D1RowsWrite(String table, List<D1ValueKind> kinds, boolean checked) {
    this.table = table;
    this.rows = new D1JsonRows(kinds);
    this.conflictMarker = checked ? D1WriteConflict.newMarker() : null;
  }

  /** Whether each statement is followed by its compare-and-set check. */
  boolean checked() {
    return conflictMarker != null;
  }

  /** Adds one row (its values in the order of the kinds). */
  void addRow(Object[] row) throws SQLException {
    rows.add(row);
  }

  /** The SQL of each statement; its one parameter is a JSON array of rows. */
  public abstract String sql();

  /** Whether {@code other} (of the same class) has the same columns, so that its rows can join this write's. */
  abstract boolean sameColumns(D1RowsWrite other);

  @Override
  public String table() {
    return table;
  }

  @Override
  public long knownRows() {
    return rows.totalWeight();
  }

  @Override
  public long bufferedBytes() {
    return rows.heldBytes();
  }

  /** " (n rows)" for {@link #describe()}. */
  String rowCountSuffix() {
    return " (" + rows.size() + " row" + (rows.size() == 1 ? "" : "s") + ")";
  }

  @Override
  public boolean absorb(D1Write next) {
    if (next.getClass() != getClass()) {
      return false;
    }
    D1RowsWrite o = (D1RowsWrite) next;
    if (!coalescesWith(o)) {
      return false;
    }
    rows.addAll(o.rows);
    return true;
  }

  /** Whether {@code other}, of the same class, writes the same table and columns, so that its rows can join these. */
  boolean coalescesWith(D1RowsWrite other) {
    return table.equals(other.table) && rows.kinds().equals(other.rows.kinds()) && checked() == other.checked()
        && sameColumns(other);
  }

  @Override
  public List<D1Statement> toStatements(D1WriteOptions options) throws SQLException {
    String sql = sql();
    List<D1Statement> out = new ArrayList<>();
    for (D1JsonRows.Chunk chunk : rows.chunks(options.maxValueBytes())) {
      out.add(D1Statement.of(sql, chunk.json()));
      if (checked()) {
        out.add(D1WriteConflict.check(chunk.weight(), conflictMarker));
      }
    }
    return out;
  }

  @Override
  public boolean staysWithPrevious(int index) {
    return checked() && index % 2 == 1;
  }

  /**
   * {@code wanted}, or {@code wanted} with a number appended, differing from every name in {@code taken}: a generated
   * alias never hides the user's table or column ({@link D1Names#freeName}).
   */
  static String freeName(String wanted, String... taken) {
    java.util.Set<String> names = new java.util.HashSet<>();
    for (String t : taken) {
      names.add(t.toLowerCase(java.util.Locale.ROOT));
    }
    return D1Names.freeName(wanted, names);
  }


  /** {@code "a", "b", "c"}: the quoted names, comma-separated. */
  static String quotedList(List<String> names) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < names.size(); i++) {
      sb.append(i > 0 ? ", " : "").append(quote(names.get(i)));
    }
    return sb.toString();
  }

  /** {@code value->>0, unhex(value->>1)}: elements {@code from..} of a JSON row, unpacked by kind. */
  String unpackList(String rowExpr, int from, int count) {
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < from + count; i++) {
      sb.append(i > from ? ", " : "").append(rows.kinds().get(i).unpack(rowExpr, i));
    }
    return sb.toString();
  }
}
