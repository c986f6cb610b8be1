package io.github.calcited1.write;

import java.sql.SQLException;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An UPDATE by key, for UPDATEs whose WHERE or SET could not run inside D1 (e.g. a sub-query on a CSV file): Calcite
 * computes the rows to change and their new values, and D1 receives
 * <pre>UPDATE "t" SET "a" = j.value-&gt;&gt;1 FROM json_each(?) AS j WHERE "t"."id" = j.value-&gt;&gt;0</pre>
 * with the (key..., new values...) rows as one JSON parameter per statement. The key is the primary key; for a rowid
 * table without one it is every column, compared with {@code IS} (see {@link D1KeyMatch}).
 */
public final class D1Update extends D1RowsWrite {
  private final D1KeyMatch key;
  private final List<String> setColumns;
  /** The key of each row, as JSON text. */
  private final Set<String> keys = new HashSet<>();

  /** {@code kinds} covers the key columns first, then the set columns, as in each row passed to {@link #add}. */
  public D1Update(String table, List<String> keyColumns, List<String> setColumns, List<D1ValueKind> kinds) {
    this(table, new D1KeyMatch(keyColumns, false), setColumns, kinds);
  }

  public D1Update(String table, D1KeyMatch key, List<String> setColumns, List<D1ValueKind> kinds) {
    super(table, kinds);
    if (setColumns.isEmpty() || kinds.size() != key.size() + setColumns.size()) {
      throw new IllegalArgumentException("need key columns, set columns and a kind for each");
    }
    this.key = key;
    this.setColumns = List.copyOf(setColumns);
  }

  /** Adds (key values..., new values...). */
  public D1Update add(Object[] row) throws SQLException {
    addRow(row);
    StringBuilder k = new StringBuilder();
    for (int i = 0; i < key.size(); i++) {
      rows.kinds().get(i).appendJson(k.append(','), row[i]);
    }
    keys.add(k.toString());
    return this;
  }

  /**
   * Joins the next UPDATE's rows only when no key is in both: {@code UPDATE ... FROM} that finds a row twice applies
   * one of its matches, no telling which, so a later UPDATE of the same row must stay a later statement.
   */
  @Override
  public boolean absorb(D1Write next) {
    if (!(next instanceof D1Update o) || !Collections.disjoint(keys, o.keys) || !super.absorb(next)) {
      return false;
    }
    keys.addAll(o.keys);
    return true;
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
    StringBuilder sb = new StringBuilder("UPDATE ").append(quote(table)).append(" SET ");
    for (int i = 0; i < setColumns.size(); i++) {
      sb.append(i > 0 ? ", " : "").append(quote(setColumns.get(i))).append(" = ")
          .append(kinds.get(k + i).unpack("j.value", k + i));
    }
    sb.append(" FROM json_each(?) AS j WHERE ");
    return key.appendCondition(sb, quote(table), "j.value", kinds).toString();
  }
}
