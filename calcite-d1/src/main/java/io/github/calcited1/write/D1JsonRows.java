package io.github.calcited1.write;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import io.github.calcited1.config.D1WriteOptions;

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
  /** How many rows Calcite read that row i stands for (more than 1: identical rows of a table without a key). */
  private int[] weights = new int[8];
  private int size;
  private long totalWeight;

  D1JsonRows(List<D1ValueKind> kinds) {
    this.kinds = List.copyOf(kinds);
  }

  List<D1ValueKind> kinds() {
    return kinds;
  }

  int size() {
    return size;
  }

  /** The rows read that these rows stand for: {@link #size()} plus the duplicates {@link #addWeight} counted. */
  long totalWeight() {
    return totalWeight;
  }

  /** Counts row {@code row} once more, for an identical row that is not added again. */
  void addWeight(int row) {
    weights[row]++;
    totalWeight++;
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
      append(text.length(), n, 1);
    } catch (SQLException | RuntimeException e) {
      text.setLength(start);
      throw e;
    }
  }

  void addAll(D1JsonRows other) {
    int base = text.length();
    text.append(other.text);
    for (int i = 0; i < other.size; i++) {
      append(base + other.ends[i], other.bytes[i], other.weights[i]);
    }
  }

  private void append(int end, int utf8Bytes, int weight) {
    if (size == ends.length) {
      ends = Arrays.copyOf(ends, size * 2);
      bytes = Arrays.copyOf(bytes, size * 2);
      weights = Arrays.copyOf(weights, size * 2);
    }
    ends[size] = end;
    bytes[size] = utf8Bytes;
    weights[size] = weight;
    size++;
    totalWeight += weight;
  }

  /** One JSON-array parameter and the number of rows read it stands for (the sum of its rows' weights). */
  record Chunk(String json, long weight) {}

  /**
   * The rows as JSON arrays of rows, each at most {@code maxValueBytes} (a lone bigger row gets a chunk of its own).
   */
  List<Chunk> chunks(int maxValueBytes) {
    List<Chunk> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    int curBytes = 0; // UTF-8 bytes of cur: '[' and the rows, each after a '[' or ','
    long curWeight = 0;
    for (int i = 0; i < size; i++) {
      if (curBytes > 0 && curBytes + 1 + bytes[i] + 1 > maxValueBytes) {
        out.add(new Chunk(cur.append(']').toString(), curWeight));
        cur.setLength(0);
        curBytes = 0;
        curWeight = 0;
      }
      cur.append(curBytes == 0 ? '[' : ',').append(text, i == 0 ? 0 : ends[i - 1], ends[i]);
      curBytes += 1 + bytes[i];
      curWeight += weights[i];
    }
    if (curBytes > 0) {
      out.add(new Chunk(cur.append(']').toString(), curWeight));
    }
    return out;
  }
}
