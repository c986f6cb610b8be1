package io.github.calcited1.write;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rows encoded as JSON arrays, ready to be packed into JSON-array parameters of at most {@code maxValueBytes} UTF-8
 * bytes each. SQLite unpacks them with {@code json_each(?)} and {@code value->>k}: a whole chunk of rows is ONE bound
 * parameter, so D1's 100-parameter limit no longer bounds the rows per statement, and 64-bit integers stay exact
 * because SQLite (not JavaScript) parses the JSON.
 *
 * <p>The rows' texts are kept back to back in one buffer (a bulk load adds 100,000s of rows: no object per row).
 */
final class D1JsonRows {
  private final List<D1ValueKind> kinds;
  /** Every row's JSON text, back to back: row i is {@code text[ends[i - 1], ends[i])}. */
  private final StringBuilder text = new StringBuilder();
  private int[] ends = new int[8];
  /** UTF-8 length of row i. */
  private int[] bytes = new int[8];
  private int size;

  D1JsonRows(List<D1ValueKind> kinds) {
    this.kinds = List.copyOf(kinds);
  }

  List<D1ValueKind> kinds() {
    return kinds;
  }

  int size() {
    return size;
  }

  /** About the memory the rows take: their JSON text and two ints each. */
  long heldBytes() {
    return text.length() + 8L * size;
  }

  /** Encodes and keeps one row; {@code row.length} must equal the number of kinds. A refused row leaves no trace. */
  void add(Object[] row) throws SQLException {
    if (row.length != kinds.size()) {
      throw new SQLException("row has " + row.length + " values, expected " + kinds.size());
    }
    int start = text.length();
    try {
      text.append('[');
      for (int i = 0; i < row.length; i++) {
        if (i > 0) {
          text.append(',');
        }
        kinds.get(i).appendJson(text, row[i]);
      }
      text.append(']');
      int n = D1ValueKind.utf8Length(text, start, text.length());
      if (n + 2 > D1WriteOptions.D1_MAX_VALUE_BYTES) {
        throw new SQLException("A row of " + n + " bytes (as JSON) exceeds D1's limit of "
            + D1WriteOptions.D1_MAX_VALUE_BYTES + " bytes per value (nothing was sent)", "54000");
      }
      append(text.length(), n);
    } catch (SQLException | RuntimeException e) {
      text.setLength(start);
      throw e;
    }
  }

  void addAll(D1JsonRows other) {
    int base = text.length();
    text.append(other.text);
    for (int i = 0; i < other.size; i++) {
      append(base + other.ends[i], other.bytes[i]);
    }
  }

  private void append(int end, int utf8Bytes) {
    if (size == ends.length) {
      ends = Arrays.copyOf(ends, size * 2);
      bytes = Arrays.copyOf(bytes, size * 2);
    }
    ends[size] = end;
    bytes[size] = utf8Bytes;
    size++;
  }

  /** The rows as JSON arrays of rows, each at most {@code maxValueBytes} (a lone bigger row gets a chunk of its own). */
  List<String> chunks(int maxValueBytes) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    int curBytes = 0; // UTF-8 bytes of cur: '[' and the rows, each after a '[' or ','
    for (int i = 0; i < size; i++) {
      if (curBytes > 0 && curBytes + 1 + bytes[i] + 1 > maxValueBytes) {
        out.add(cur.append(']').toString());
        cur.setLength(0);
        curBytes = 0;
      }
      cur.append(curBytes == 0 ? '[' : ',').append(text, i == 0 ? 0 : ends[i - 1], ends[i]);
      curBytes += 1 + bytes[i];
    }
    if (curBytes > 0) {
      out.add(cur.append(']').toString());
    }
    return out;
  }
}
