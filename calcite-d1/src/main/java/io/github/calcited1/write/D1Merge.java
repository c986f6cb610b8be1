package io.github.calcited1.write;

import static io.github.calcited1.catalog.D1Names.quote;

import io.github.calcited1.client.D1Statement;
import io.github.calcited1.config.D1WriteOptions;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The MERGE whose update values Calcite computed from the target rows it read ({@link D1WriteRuntime#merge}), as one
 * unit of statements that travel in one request (atomic):
 * <ol>
 *   <li>a compare-and-set check ({@link D1WriteConflict}): every source row's target row is either absent or still
 *       holds the values the update read;
 *       <pre>SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM json_each(?) AS j JOIN "t" AS x ON x."id" = j.value-&gt;&gt;0
 *   WHERE NOT (x."id" = j.value-&gt;&gt;0 AND x."n" IS j.value-&gt;&gt;1)) THEN 1 ELSE json_extract(...) END</pre></li>
 *   <li>the by-key UPDATE of every source row (a row that is absent is not changed);</li>
 *   <li>{@code INSERT ... ON CONFLICT (key) DO NOTHING} of every source row (a row that exists is not changed).</li>
 * </ol>
 * That is the outcome of running the MERGE after every write committed before the request: an absent row gets the
 * inserted values, which do not depend on the target; a present row gets update values computed from what it holds.
 */
public final class D1Merge extends D1Write {
  private final D1KeyMatch read;
  private final D1JsonRows readRows;
  private final String marker = D1WriteConflict.newMarker();
  private final D1Update update;
  private final D1Insert insert;

  /**
   * @param read the key and the target columns the update values were computed from ({@link D1KeyMatch#guarded})
   * @param readKinds the kinds of {@code read}'s key and guarded columns
   */
  public D1Merge(D1KeyMatch read, List<D1ValueKind> readKinds, D1Update update, D1Insert insert) {
    this.read = read;
    this.readRows = new D1JsonRows(readKinds);
    this.update = update;
    this.insert = insert;
  }

  /** Adds one source row: its key and the target columns as read, the update row, the insert row. */
  public void add(Object[] readRow, Object[] updateRow, Object[] insertRow) throws SQLException {
    readRows.add(readRow);
    update.add(updateRow);
    insert.add(insertRow);
  }

  @Override
  public Kind kind() {
    return Kind.UPSERT;
  }

  @Override
  public String table() {
    return insert.table();
  }

  @Override
  public long bufferedBytes() {
    return readRows.heldBytes() + update.bufferedBytes() + insert.bufferedBytes();
  }

  @Override
  public String describe() {
    return "MERGE INTO " + quote(table()) + " (" + update.describe() + "; " + insert.describe() + ")";
  }

  @Override
  public long knownRows() {
    return insert.knownRows();
  }

  @Override
  public List<D1Statement> toStatements(D1WriteOptions options) throws SQLException {
    List<D1Statement> out = new ArrayList<>();
    if (!read.guarded().isEmpty()) {
      String[] names = read.names(table());
      String j = D1RowsWrite.freeName("j", names);
      String x = D1RowsWrite.freeName("x", append(names, j));
      StringBuilder found = new StringBuilder("NOT EXISTS (SELECT 1 FROM json_each(?) AS ").append(j).append(" JOIN ")
          .append(quote(table())).append(" AS ").append(x).append(" ON ");
      new D1KeyMatch(read.columns(), false).appendCondition(found, x, j + ".value", readRows.kinds(), 0)
          .append(" WHERE NOT (");
      read.appendCondition(found, x, j + ".value", readRows.kinds(), read.size()).append("))");
      String sql = D1WriteConflict.checkSql(found.toString(), marker);
      for (D1JsonRows.Chunk chunk : readRows.chunks(options.maxValueBytes())) {
        out.add(D1Statement.of(sql, chunk.json()));
      }
    }
    out.addAll(update.toStatements(options));
    out.addAll(insert.toStatements(options));
    return out;
  }

  /** All of a MERGE's statements travel in one request: its check holds only within the request. */
  @Override
  public boolean staysWithPrevious(int index) {
    return index > 0;
  }

  static String[] append(String[] names, String name) {
    String[] out = java.util.Arrays.copyOf(names, names.length + 1);
    out[names.length] = name;
    return out;
  }
}
