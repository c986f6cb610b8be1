package io.github.calcited1.write;

import static io.github.calcited1.catalog.D1Names.quote;

import java.sql.SQLException;
import java.util.List;

/**
 * A DELETE by key, for DELETEs whose WHERE could not run inside D1: Calcite finds the rows, D1 receives
 * <pre>DELETE FROM "t" WHERE ("id") IN (SELECT x."id" FROM json_each(?) AS j JOIN "t" AS x
 * ON x."id" = j.value-&gt;&gt;0 AND x."a" IS j.value-&gt;&gt;1 AND ...)</pre>
 * with the (key..., old values of the guarded columns...) rows as one JSON parameter per statement, each statement
 * followed by its compare-and-set check ({@link D1WriteConflict}): a row changed since it was read fails the request
 * with SQLState 40001 instead of being deleted. For a rowid table without a primary key the key is every column
 * ({@link D1KeyMatch}): {@code DELETE FROM "t" WHERE EXISTS (SELECT 1 FROM json_each(?) AS j WHERE "t"."a" IS
 * j.value->>0 AND ...)}. The aliases {@code j} and {@code x} are other names if the table or a column is named so.
 */
public final class D1Delete extends D1ByKeyWrite {

  /** {@code kinds} covers the key columns, then the guarded columns, as in each row given to {@link #add}. */
  public D1Delete(String table, D1KeyMatch key, List<D1ValueKind> kinds) {
    super(table, key, kinds, true);
    if (kinds.size() != key.size() + key.guarded().size()) {
      throw new IllegalArgumentException("need a kind for each key column and each guarded column");
    }
  }

  /**
   * Adds (key values..., old values of the guarded columns...). A row with the key of one added before is not added
   * again: for a whole-row match it is an identical row, which the same statement deletes too.
   */
  public D1Delete add(Object[] row) throws SQLException {
    addKeyed(row);
    return this;
  }

  @Override
  public Kind kind() {
    return Kind.DELETE;
  }

  @Override
  public String describe() {
    return "DELETE FROM " + quote(table) + " " + key + rowCountSuffix();
  }

  @Override
  boolean sameColumns(D1RowsWrite other) {
    return key.equals(((D1Delete) other).key);
  }

  @Override
  public String sql() {
    String[] names = key.names(table);
    String j = freeName("j", names);
    StringBuilder sb = new StringBuilder("DELETE FROM ").append(quote(table)).append(" WHERE ");
    if (key.wholeRow()) {
      sb.append("EXISTS (SELECT 1 FROM json_each(?) AS ").append(j).append(" WHERE ");
      return key.appendCondition(sb, quote(table), j + ".value", rows.kinds(), key.size()).append(')').toString();
    }
    String x = freeName("x", D1Merge.append(names, j));
    sb.append('(').append(quotedList(key.columns())).append(") IN (SELECT ");
    for (int i = 0; i < key.size(); i++) {
      sb.append(i > 0 ? ", " : "").append(x).append('.').append(quote(key.columns().get(i)));
    }
    sb.append(" FROM json_each(?) AS ").append(j).append(" JOIN ").append(quote(table)).append(" AS ").append(x)
        .append(" ON ");
    return key.appendCondition(sb, x, j + ".value", rows.kinds(), key.size()).append(')').toString();
  }
}
