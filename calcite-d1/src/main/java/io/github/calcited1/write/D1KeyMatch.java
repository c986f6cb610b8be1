package io.github.calcited1.write;

import static io.github.calcited1.catalog.D1Names.quote;

import java.util.List;

/**
 * How a by-key UPDATE/DELETE finds its rows in D1, and checks that each is still as Calcite read it (compare-and-set,
 * see {@link D1WriteConflict}).
 * <ul>
 *   <li>{@code columns}: the primary key, compared with {@code =} (so that SQLite uses the key's index); or, for a
 *       rowid table without one ({@code wholeRow}), every non-generated column. Identical rows are then changed alike,
 *       which is what a deterministic WHERE does anyway.</li>
 *   <li>{@code guarded}: the other non-generated columns, which must still hold the values read. With the key (a
 *       text key also byte for byte, whatever its collation), that is the whole row as read.</li>
 * </ul>
 * Values are compared as Calcite read them ({@link D1ValueKind#sameAsRead}): NULLs match, text and BLOBs byte for
 * byte, numbers exactly, DECIMAL and TIMESTAMP as their read form.
 */
public record D1KeyMatch(List<String> columns, boolean wholeRow, List<String> guarded) {
  public D1KeyMatch {
    if (columns.isEmpty() || wholeRow && !guarded.isEmpty()) {
      throw new IllegalArgumentException("need key columns; a whole-row match guards no other column");
    }
    columns = List.copyOf(columns);
    guarded = List.copyOf(guarded);
  }

  /** A match by these columns only. */
  public D1KeyMatch(List<String> columns, boolean wholeRow) {
    this(columns, wholeRow, List.of());
  }

  int size() {
    return columns.size();
  }

  /** Every column named in the conditions, for choosing aliases that differ from them. */
  String[] names(String table) {
    String[] out = new String[columns.size() + guarded.size() + 1];
    out[0] = table;
    for (int i = 0; i < columns.size(); i++) {
      out[1 + i] = columns.get(i);
    }
    for (int i = 0; i < guarded.size(); i++) {
      out[1 + columns.size() + i] = guarded.get(i);
    }
    return out;
  }

  /**
   * Appends the condition that finds a row and checks it: the key is elements {@code 0..} of the JSON row
   * {@code rowExpr}, the guarded columns elements {@code guardedFrom..}; {@code kinds} covers all elements.
   */
  StringBuilder appendCondition(StringBuilder sb, String qualifier, String rowExpr, List<D1ValueKind> kinds,
      int guardedFrom) {
    for (int i = 0; i < columns.size(); i++) {
      String column = qualifier + "." + quote(columns.get(i));
      D1ValueKind kind = kinds.get(i);
      String value = kind.unpack(rowExpr, i);
      sb.append(i > 0 ? " AND " : "");
      if (wholeRow) {
        sb.append(kind.sameAsRead(column, value));
      } else {
        sb.append(column).append(" = ").append(value);
        if (kind.hasCollation()) {
          sb.append(" AND ").append(kind.sameAsRead(column, value));
        }
      }
    }
    for (int i = 0; i < guarded.size(); i++) {
      D1ValueKind kind = kinds.get(guardedFrom + i);
      sb.append(" AND ").append(kind.sameAsRead(qualifier + "." + quote(guarded.get(i)),
          kind.unpack(rowExpr, guardedFrom + i)));
    }
    return sb;
  }

  @Override
  public String toString() {
    return (wholeRow ? "BY ALL COLUMNS " : "BY KEY ") + columns;
  }
}
