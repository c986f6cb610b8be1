package io.github.calcited1.write;

import java.sql.SQLException;
import java.util.List;

/**
 * A DELETE by key, for DELETEs whose WHERE could not run inside D1: Calcite finds the rows, D1 receives
 * <pre>DELETE FROM "t" WHERE ("id") IN (SELECT value-&gt;&gt;0 FROM json_each(?))</pre>
 * with the keys as one JSON parameter per statement. For a rowid table without a primary key the key is every column
 * ({@link D1KeyMatch}): {@code DELETE FROM "t" WHERE EXISTS (SELECT 1 FROM json_each(?) AS j WHERE "t"."a" IS
 * j.value->>0 AND ...)}.
 */
public final class D1Delete extends D1RowsWrite {
  private final D1KeyMatch key;

  public D1Delete(String table, List<String> keyColumns, List<D1ValueKind> kinds) {
    this(table, new D1KeyMatch(keyColumns, false), kinds);
  }

  public D1Delete(String table, D1KeyMatch key, List<D1ValueKind> kinds) {
    super(table, kinds);
    if (kinds.size() != key.size()) {
      throw new IllegalArgumentException("need key columns and a kind for each");
    }
    this.key = key;
  }

  /** Adds one key. */
  public D1Delete add(Object[] keyValues) throws SQLException {
    addRow(keyValues);
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
    StringBuilder sb = new StringBuilder("DELETE FROM ").append(quote(table)).append(" WHERE ");
    if (key.wholeRow()) {
      sb.append("EXISTS (SELECT 1 FROM json_each(?) AS j WHERE ");
      return key.appendCondition(sb, quote(table), "j.value", rows.kinds()).append(')').toString();
    }
    return sb.append('(').append(quotedList(key.columns())).append(") IN (SELECT ")
        .append(unpackList("value", 0, key.size())).append(" FROM json_each(?))").toString();
  }
}
