package io.github.calcited1.write;

import java.util.List;

/**
 * How a by-key UPDATE/DELETE finds its rows in D1: by the primary key, or, for a rowid table without one, by every
 * (non-generated) column ({@code wholeRow}), compared with {@code IS} so that NULLs match. Identical rows are then
 * changed alike, which is what a deterministic WHERE does anyway; a value that does not survive the trip through
 * Calcite exactly (a REAL that SQLite parses differently, a date stored in another format) matches no row, and D1's
 * update count shows it.
 */
public record D1KeyMatch(List<String> columns, boolean wholeRow) {
  public D1KeyMatch {
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("need key columns");
    }
    columns = List.copyOf(columns);
  }

  int size() {
    return columns.size();
  }

  /** Appends {@code t."a" = j->>0 AND ...} ({@code IS} for a whole-row match), elements 0.. of the JSON row. */
  StringBuilder appendCondition(StringBuilder sb, String qualifier, String rowExpr, List<D1ValueKind> kinds) {
    for (int i = 0; i < columns.size(); i++) {
      sb.append(i > 0 ? " AND " : "").append(qualifier).append('.').append(D1Write.quote(columns.get(i)))
          .append(wholeRow ? " IS " : " = ").append(kinds.get(i).unpack(rowExpr, i));
    }
    return sb;
  }

  @Override
  public String toString() {
    return (wholeRow ? "BY ALL COLUMNS " : "BY KEY ") + columns;
  }
}
