package io.github.calcited1.write;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows encoded as JSON arrays, ready to be packed into JSON-array parameters of at most {@code maxValueBytes} UTF-8
 * bytes each. SQLite unpacks them with {@code json_each(?)} and {@code value->>k}: a whole chunk of rows is ONE bound
 * parameter, so D1's 100-parameter limit no longer bounds the rows per statement, and 64-bit integers stay exact
 * because SQLite (not JavaScript) parses the JSON.
 */
final class D1JsonRows {
  private final List<D1ValueKind> kinds;
  private final List<String> rows = new ArrayList<>();
  private final List<Integer> bytes = new ArrayList<>();

  D1JsonRows(List<D1ValueKind> kinds) {
    this.kinds = List.copyOf(kinds);
  }

  List<D1ValueKind> kinds() {
    return kinds;
  }

  int size() {
    return rows.size();
  }

  /** Encodes and keeps one row; {@code row.length} must equal the number of kinds. */
  void add(Object[] row) throws SQLException {
    if (row.length != kinds.size()) {
      throw new SQLException("row has " + row.length + " values, expected " + kinds.size());
    }
    StringBuilder sb = new StringBuilder(16 * row.length);
    sb.append('[');
    for (int i = 0; i < row.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      kinds.get(i).appendJson(sb, row[i]);
    }
    sb.append(']');
    String json = sb.toString();
    int n = D1ValueKind.utf8Length(json);
    if (n + 2 > D1WriteOptions.D1_MAX_VALUE_BYTES) {
      throw new SQLException("A row of " + n + " bytes (as JSON) exceeds D1's limit of "
          + D1WriteOptions.D1_MAX_VALUE_BYTES + " bytes per value (nothing was sent)", "54000");
    }
    rows.add(json);
    bytes.add(n);
  }

  void addAll(D1JsonRows other) {
    rows.addAll(other.rows);
    bytes.addAll(other.bytes);
  }

  /** The rows as JSON arrays of rows, each at most {@code maxValueBytes} (a lone bigger row gets a chunk of its own). */
  List<String> chunks(int maxValueBytes) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    int curBytes = 0;
    for (int i = 0; i < rows.size(); i++) {
      int b = bytes.get(i);
      if (curBytes > 0 && curBytes + 1 + b + 1 > maxValueBytes) {
        out.add(cur.append(']').toString());
        cur = new StringBuilder();
        curBytes = 0;
      }
      cur.append(curBytes == 0 ? '[' : ',').append(rows.get(i));
      curBytes += 1 + b;
    }
    if (curBytes > 0) {
      out.add(cur.append(']').toString());
    }
    return out;
  }
}
