package io.github.calcited1.write;

import static io.github.calcited1.catalog.D1Names.quote;

import java.sql.SQLException;
import java.util.List;

/**
 * An UPDATE by key, for UPDATEs whose WHERE or SET could not run inside D1 (e.g. {@code UPPER}, DECIMAL arithmetic,
 * a sub-query on a CSV file): Calcite computes the rows to change and their new values, and D1 receives
 * <pre>UPDATE "t" SET "a" = j.value-&gt;&gt;1 FROM json_each(?) AS j
 * WHERE "t"."id" = j.value-&gt;&gt;0 AND "t"."a" IS j.value-&gt;&gt;2 AND ...</pre>
 * with the (key..., new values..., old values of the guarded columns...) rows as one JSON parameter per statement,
 * each statement followed by its compare-and-set check ({@link D1WriteConflict}): a row changed since it was read
 * fails the request with SQLState 40001 instead of being overwritten. The key is the primary key; for a rowid table
 * without one it is every column ({@link D1KeyMatch}). The alias {@code j} is another name if the table is named so.
 */
public final class D1Update extends D1ByKeyWrite {
  private final List<String> setColumns;

  /**
   * {@code kinds} covers the key columns, the set columns, then the guarded columns, as each row given to {@link #add}.
   */
  public D1Update(String table, D1KeyMatch key, List<String> setColumns, List<D1ValueKind> kinds) {
    this(table, key, setColumns, kinds, true);
  }

  /** As above; unchecked ({@code checked} false) only where another statement checks the rows ({@link D1Merge}). */
  public D1Update(String table, D1KeyMatch key, List<String> setColumns, List<D1ValueKind> kinds, boolean checked) {
    super(table, key, kinds, checked);
    if (setColumns.isEmpty() || kinds.size() != key.size() + setColumns.size() + key.guarded().size()) {
      throw new IllegalArgumentException("need key columns, set columns and a kind for each, and each guarded column");
    }
    this.setColumns = List.copyOf(setColumns);
  }

  /**
   * Adds (key values..., new values..., old values of the guarded columns...). A row with the key of one added before
   * is not added again: for a whole-row match it is an identical row, which the same statement changes too.
   */
  public D1Update add(Object[] row) throws SQLException {
    addKeyed(row);
    return this;
  }

  @Override
  public Kind kind() {
    return Kind.UPDATE;
  }

  @Override
  public String describe() {
    return "UPDATE " + quote(table) + " SET " + setColumns + " " + key + rowCountSuffix();
  }

  @Override
  boolean sameColumns(D1RowsWrite other) {
    D1Update o = (D1Update) other;
    return key.equals(o.key) && setColumns.equals(o.setColumns);
  }

  @Override
  public String sql() {
    List<D1ValueKind> kinds = rows.kinds();
    int k = key.size();
    String j = freeName("j", key.names(table));
    StringBuilder sb = new StringBuilder("UPDATE ").append(quote(table)).append(" SET ");
    for (int i = 0; i < setColumns.size(); i++) {
      sb.append(i > 0 ? ", " : "").append(quote(setColumns.get(i))).append(" = ")
          .append(kinds.get(k + i).unpack(j + ".value", k + i));
    }
    sb.append(" FROM json_each(?) AS ").append(j).append(" WHERE ");
    return key.appendCondition(sb, quote(table), j + ".value", kinds, k + setColumns.size()).toString();
  }
}
