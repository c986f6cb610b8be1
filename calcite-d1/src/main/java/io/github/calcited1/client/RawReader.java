package io.github.calcited1.client;

import static com.fasterxml.jackson.core.JsonToken.END_ARRAY;
import static com.fasterxml.jackson.core.JsonToken.END_OBJECT;
import static com.fasterxml.jackson.core.JsonToken.FIELD_NAME;
import static com.fasterxml.jackson.core.JsonToken.START_ARRAY;
import static com.fasterxml.jackson.core.JsonToken.START_OBJECT;
import static com.fasterxml.jackson.core.JsonToken.VALUE_NULL;
import static com.fasterxml.jackson.core.JsonToken.VALUE_NUMBER_INT;
import static com.fasterxml.jackson.core.JsonToken.VALUE_STRING;
import static com.fasterxml.jackson.core.JsonToken.VALUE_TRUE;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a {@code /raw} envelope token by token:
 * {@code {"result":[{"results":{"columns":[..],"rows":[[..],..]},"success":true,"meta":{..}},..],"success":true,
 * "errors":[],"messages":[]}}. Keys may come in any order (local D1 sends {@code meta} before {@code results},
 * production after) and unknown keys are skipped. Rows are handed out as they are parsed; only rows that arrive
 * before their column list (D1 never does this) are buffered.
 *
 * <p>Call order: {@link #openEnvelope()}, then per statement {@link #nextResult()} and {@link #nextRow()} until null,
 * then {@link #closeEnvelope()}, which checks {@code success} and that nothing follows. Structural surprises become
 * {@link D1ProtocolException}s; I/O and JSON syntax errors are left to the caller, who maps them with
 * {@link ErrorMapper#fromRead}.
 */
final class RawReader implements Closeable {
  private static final D1Meta NO_META = new D1Meta(0, 0, false, 0, 0, 0, 0, null);

  private final JsonParser p;
  private final int httpStatus;
  private final ErrorMapper errors;
  /** Columns whose text values may be decimal integers, decoded as Long (see D1Client#query); or null. */
  private final boolean[] integerText;

  private boolean success;
  private List<ApiError> apiErrors = List.of();

  private List<String> columns;
  private D1Meta meta;
  private boolean sawResults;
  private boolean inResults;
  private boolean inRows;
  private ArrayDeque<Object[]> early;

  RawReader(JsonParser parser, int httpStatus, ErrorMapper errors) {
    this(parser, httpStatus, errors, null);
  }

  RawReader(JsonParser parser, int httpStatus, ErrorMapper errors, boolean[] integerText) {
    this.p = parser;
    this.httpStatus = httpStatus;
    this.errors = errors;
    this.integerText = integerText;
  }

  /** Reads up to the first element of {@code result}. */
  void openEnvelope() throws IOException, D1Exception {
    if (p.nextToken() != START_OBJECT) {
      throw malformed("the response is not a JSON object");
    }
    for (JsonToken t = p.nextToken(); t != END_OBJECT; t = p.nextToken()) {
      String name = fieldName(t);
      JsonToken v = p.nextToken();
      if (name.equals("result") && v == START_ARRAY) {
        return;
      }
      readEnvelopeField(name, v);
    }
    throw failure("the response has no result array");
  }

  /** Starts the next statement's result; false at the end of {@code result}. Columns are known after true. */
  boolean nextResult() throws IOException, D1Exception {
    columns = null;
    meta = null;
    sawResults = false;
    inResults = false;
    inRows = false;
    early = null;
    JsonToken t = p.nextToken();
    if (t == END_ARRAY) {
      return false;
    }
    if (t != START_OBJECT) {
      throw malformed("a result entry is not an object but " + t);
    }
    inRows = advanceResult();
    if (columns == null) {
      columns = List.of();
    }
    return true;
  }

  List<String> columns() {
    return columns;
  }

  /** The current statement's next row, or null after the last one (then {@link #meta()} is complete). */
  Object[] nextRow() throws IOException, D1Exception {
    if (early != null && !early.isEmpty()) {
      return checkWidth(early.poll());
    }
    if (!inRows) {
      return null;
    }
    JsonToken t = p.nextToken();
    if (t == START_ARRAY) {
      return checkWidth(readRow());
    }
    if (t != END_ARRAY) {
      throw malformed("a row is not an array but " + t);
    }
    inRows = false;
    if (advanceResult()) {
      throw malformed("a result has two row lists");
    }
    return null;
  }

  /** The current statement's meta; zeros when D1 sent none. */
  D1Meta meta() {
    return meta == null ? NO_META : meta;
  }

  /** Skips the results not yet read; returns how many there were. */
  int skipResults() throws IOException, D1Exception {
    int skipped = 0;
    for (JsonToken t = p.nextToken(); t != END_ARRAY; t = p.nextToken()) {
      if (t != START_OBJECT) {
        throw malformed("a result entry is not an object but " + t);
      }
      p.skipChildren();
      skipped++;
    }
    return skipped;
  }

  /** Reads the rest of the envelope after {@code result}; fails unless it reports success and nothing follows. */
  void closeEnvelope() throws IOException, D1Exception {
    for (JsonToken t = p.nextToken(); t != END_OBJECT; t = p.nextToken()) {
      String name = fieldName(t);
      readEnvelopeField(name, p.nextToken());
    }
    if (p.nextToken() != null) {
      throw malformed("data follows the response object");
    }
    if (!success) {
      throw failure("the response does not report success");
    }
  }

  @Override
  public void close() throws IOException {
    p.close();
  }

  /** The {@code errors} of an error envelope, read leniently; empty when there are none. */
  static List<ApiError> readErrorEnvelope(JsonParser p) throws IOException {
    if (p.nextToken() != START_OBJECT) {
      return List.of();
    }
    List<ApiError> found = List.of();
    for (JsonToken t = p.nextToken(); t == FIELD_NAME; t = p.nextToken()) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      if (name.equals("errors")) {
        found = readErrors(p, v);
      } else {
        p.skipChildren();
      }
    }
    return found;
  }

  /**
   * Parses the current result's fields until it is positioned inside a row list with columns known (true) or the
   * result object has ended (false).
   */
  private boolean advanceResult() throws IOException, D1Exception {
    while (true) {
      JsonToken t = p.nextToken();
      if (t == END_OBJECT) {
        if (inResults) {
          inResults = false;
          continue;
        }
        if (!sawResults) {
          throw malformed("a result has no \"results\" (is this D1's /raw endpoint?)");
        }
        return false;
      }
      String name = fieldName(t);
      JsonToken v = p.nextToken();
      if (inResults) {
        if (name.equals("columns")) {
          columns = readColumns(v);
        } else if (name.equals("rows")) {
          if (v != START_ARRAY) {
            throw malformed("\"rows\" is not an array but " + v);
          }
          if (columns != null) {
            return true;
          }
          readEarlyRows();
        } else {
          p.skipChildren();
        }
      } else if (name.equals("results")) {
        if (v != START_OBJECT) {
          throw malformed("\"results\" is not a {columns, rows} object but " + v
              + " (is this D1's /raw endpoint?)");
        }
        sawResults = true;
        inResults = true;
      } else if (name.equals("meta")) {
        meta = readMeta(v);
      } else {
        p.skipChildren();
      }
    }
  }

  private void readEarlyRows() throws IOException, D1Exception {
    early = new ArrayDeque<>();
    for (JsonToken t = p.nextToken(); t != END_ARRAY; t = p.nextToken()) {
      if (t != START_ARRAY) {
        throw malformed("a row is not an array but " + t);
      }
      early.add(readRow());
    }
  }

  private List<String> readColumns(JsonToken v) throws IOException, D1Exception {
    if (v != START_ARRAY) {
      throw malformed("\"columns\" is not an array but " + v);
    }
    List<String> names = new ArrayList<>();
    for (JsonToken t = p.nextToken(); t != END_ARRAY; t = p.nextToken()) {
      if (t != VALUE_STRING) {
        throw malformed("a column name is not a string but " + t);
      }
      names.add(p.getText());
    }
    return List.copyOf(names);
  }

  private Object[] readRow() throws IOException, D1Exception {
    Object[] row = new Object[columns == null ? 8 : columns.size()];
    int n = 0;
    for (JsonToken t = p.nextToken(); t != END_ARRAY; t = p.nextToken()) {
      if (n == row.length) {
        row = Arrays.copyOf(row, n * 2 + 1);
      }
      row[n] = t == VALUE_STRING && integerText != null && n < integerText.length && integerText[n]
          ? readIntegerText() : readValue(t);
      n++;
    }
    return n == row.length ? row : Arrays.copyOf(row, n);
  }

  /**
   * The current string as a Long when it is an optional minus and 1 to 18 ASCII digits (which cannot overflow), read
   * from the parser's buffer without building a String; else the String, as {@link #readValue} gives it.
   */
  private Object readIntegerText() throws IOException {
    char[] text = p.getTextCharacters();
    int i = p.getTextOffset();
    int end = i + p.getTextLength();
    boolean negative = i < end && text[i] == '-';
    if (negative) {
      i++;
    }
    if (i == end || end - i > 18) {
      return p.getText();
    }
    long value = 0;
    for (; i < end; i++) {
      char d = text[i];
      if (d < '0' || d > '9') {
        return p.getText();
      }
      value = value * 10 + (d - '0');
    }
    return negative ? -value : value;
  }

  private Object readValue(JsonToken t) throws IOException, D1Exception {
    if (t == null) {
      throw malformed("the response ends inside a row");
    }
    switch (t) {
      case VALUE_NULL:
        return null;
      case VALUE_STRING:
        return p.getText();
      case VALUE_NUMBER_INT:
        // D1 sends JavaScript numbers: an integer too big for a long is already rounded, so a double loses nothing.
        return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? (Object) p.getDoubleValue() : p.getLongValue();
      case VALUE_NUMBER_FLOAT:
        return p.getDoubleValue();
      case START_ARRAY:
        return readBlob();
      default:
        throw malformed("a row holds " + t + ", which is no SQLite value");
    }
  }

  private byte[] readBlob() throws IOException, D1Exception {
    byte[] bytes = new byte[16];
    int n = 0;
    for (JsonToken t = p.nextToken(); t != END_ARRAY; t = p.nextToken()) {
      if (t != VALUE_NUMBER_INT) {
        throw malformed("a BLOB holds " + t + " instead of a byte value");
      }
      long b = p.getLongValue();
      if (b < 0 || b > 255) {
        throw malformed("a BLOB holds " + b + ", which is no byte value");
      }
      if (n == bytes.length) {
        bytes = Arrays.copyOf(bytes, n * 2);
      }
      bytes[n++] = (byte) b;
    }
    return Arrays.copyOf(bytes, n);
  }

  private D1Meta readMeta(JsonToken v) throws IOException, D1Exception {
    if (v == VALUE_NULL) {
      return null;
    }
    if (v != START_OBJECT) {
      throw malformed("\"meta\" is not an object but " + v);
    }
    long changes = 0;
    long lastRowId = 0;
    boolean changedDb = false;
    long sizeAfter = 0;
    long rowsRead = 0;
    long rowsWritten = 0;
    double duration = 0;
    String servedBy = null;
    for (JsonToken t = p.nextToken(); t != END_OBJECT; t = p.nextToken()) {
      String name = fieldName(t);
      JsonToken value = p.nextToken();
      if (value != null && value.isScalarValue()) {
        switch (name) {
          case "changes": changes = p.getValueAsLong(); break;
          case "last_row_id": lastRowId = p.getValueAsLong(); break;
          case "changed_db": changedDb = p.getValueAsBoolean(); break;
          case "size_after": sizeAfter = p.getValueAsLong(); break;
          case "rows_read": rowsRead = p.getValueAsLong(); break;
          case "rows_written": rowsWritten = p.getValueAsLong(); break;
          case "duration": duration = p.getValueAsDouble(); break;
          case "served_by": servedBy = p.getValueAsString(); break;
          default: break;
        }
      }
      p.skipChildren();
    }
    return new D1Meta(changes, lastRowId, changedDb, sizeAfter, rowsRead, rowsWritten, duration, servedBy);
  }

  private void readEnvelopeField(String name, JsonToken v) throws IOException {
    if (name.equals("success")) {
      success = v == VALUE_TRUE;
    } else if (name.equals("errors")) {
      apiErrors = readErrors(p, v);
    } else {
      p.skipChildren();
    }
  }

  private static List<ApiError> readErrors(JsonParser p, JsonToken v) throws IOException {
    if (v != START_ARRAY) {
      p.skipChildren();
      return List.of();
    }
    List<ApiError> list = new ArrayList<>();
    for (JsonToken t = p.nextToken(); t != END_ARRAY && t != null; t = p.nextToken()) {
      if (t != START_OBJECT) {
        list.add(new ApiError(0, p.getValueAsString()));
        p.skipChildren();
        continue;
      }
      int code = 0;
      String message = null;
      for (JsonToken f = p.nextToken(); f == FIELD_NAME; f = p.nextToken()) {
        String name = p.currentName();
        p.nextToken();
        if (name.equals("code")) {
          code = p.getValueAsInt();
        } else if (name.equals("message")) {
          message = p.getValueAsString();
        }
        p.skipChildren();
      }
      list.add(new ApiError(code, message));
    }
    return list;
  }

  private String fieldName(JsonToken t) throws IOException, D1Exception {
    if (t != FIELD_NAME) {
      throw malformed(t == null ? "the response ends early" : "expected a field name but found " + t);
    }
    return p.currentName();
  }

  private Object[] checkWidth(Object[] row) throws D1Exception {
    if (row.length != columns.size()) {
      throw malformed("a row has " + row.length + " values for " + columns.size() + " columns");
    }
    return row;
  }

  /** D1's own error when the envelope carries one, else a protocol error saying what is missing. */
  private D1Exception failure(String what) {
    if (!apiErrors.isEmpty()) {
      ApiError e = apiErrors.get(0);
      return errors.fromD1(httpStatus, e.code(), e.message(), null, null);
    }
    return malformed(what);
  }

  private D1ProtocolException malformed(String what) {
    return errors.malformed(httpStatus, what + " (at " + p.currentLocation().offsetDescription() + ")", null);
  }
}
