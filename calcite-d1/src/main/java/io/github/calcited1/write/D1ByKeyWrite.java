package io.github.calcited1.write;

import java.sql.SQLException;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a by-key UPDATE and DELETE share: rows found by a {@link D1KeyMatch}, each row once per statement, and (when
 * checked) the compare-and-set check after each statement ({@link D1WriteConflict}).
 */
abstract class D1ByKeyWrite extends D1RowsWrite {
  final D1KeyMatch key;
  /** The key of each row, as JSON text, and the row it was added as. */
  private final Map<String, Integer> keys = new HashMap<>();

  D1ByKeyWrite(String table, D1KeyMatch key, List<D1ValueKind> kinds, boolean checked) {
    super(table, kinds, checked);
    this.key = key;
  }

  /**
   * Adds a row whose first values are the key. A row with the key of one added before is not added again: for a
   * whole-row match it is an identical row, which the same statement changes too, so the check counts it.
   */
  void addKeyed(Object[] row) throws SQLException {
    StringBuilder k = new StringBuilder();
    for (int i = 0; i < key.size(); i++) {
      rows.kinds().get(i).appendJson(k.append(','), row[i]);
    }
    Integer seen = keys.get(k.toString());
    if (seen != null) {
      if (key.wholeRow()) {
        rows.addWeight(seen);
      }
      return;
    }
    addRow(row);
    keys.put(k.toString(), rows.size() - 1);
  }

  /**
   * Joins the next write's rows only when no key is in both: {@code UPDATE ... FROM} that finds a row twice applies
   * one of its matches, no telling which, and each statement's check must count its own rows.
   */
  @Override
  public boolean absorb(D1Write next) {
    if (next.getClass() != getClass() || !Collections.disjoint(keys.keySet(), ((D1ByKeyWrite) next).keys.keySet())) {
      return false;
    }
    int base = rows.size();
    if (!super.absorb(next)) {
      return false;
    }
    ((D1ByKeyWrite) next).keys.forEach((k, row) -> keys.put(k, base + row));
    return true;
  }
}
