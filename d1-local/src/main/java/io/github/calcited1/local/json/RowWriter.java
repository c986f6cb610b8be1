package io.github.calcited1.local.json;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes one statement's {@code results} value as D1's Worker would serialise it. */
public final class RowWriter {

  private RowWriter() {}

  /** The results of a statement that returns no columns (DDL, INSERT without RETURNING). */
  public static void writeNoColumns(ResultShape shape, OutputStream out) throws IOException {
    try (JsonGenerator json = WorkerJson.FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      if (shape == ResultShape.OBJECTS) {
        json.writeStartArray();
        json.writeEndArray();
      } else {
        json.writeStartObject();
        json.writeArrayFieldStart("columns");
        json.writeEndArray();
        json.writeArrayFieldStart("rows");
        json.writeEndArray();
        json.writeEndObject();
      }
    }
  }

  /** Steps rows through to the end, writing each as it is read; returns the number of rows. */
  public static long writeRows(ResultSet rows, List<String> columns, ResultShape shape, OutputStream out)
      throws IOException, SQLException {
    long count = 0;
    try (JsonGenerator json = WorkerJson.FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      if (shape == ResultShape.OBJECTS) {
        List<Map.Entry<String, Integer>> layout = objectLayout(columns);
        json.writeStartArray();
        while (rows.next()) {
          json.writeStartObject();
          for (Map.Entry<String, Integer> key : layout) {
            json.writeFieldName(key.getKey());
            writeValue(json, rows.getObject(key.getValue() + 1));
          }
          json.writeEndObject();
          count++;
        }
        json.writeEndArray();
      } else {
        json.writeStartObject();
        json.writeArrayFieldStart("columns");
        for (String column : columns) {
          json.writeString(column);
        }
        json.writeEndArray();
        json.writeArrayFieldStart("rows");
        while (rows.next()) {
          json.writeStartArray();
          for (int c = 1; c <= columns.size(); c++) {
            writeValue(json, rows.getObject(c));
          }
          json.writeEndArray();
          count++;
        }
        json.writeEndArray();
        json.writeEndObject();
      }
    }
    return count;
  }

  /**
   * Key order and values of a row object built in JavaScript: a repeated name keeps its first
   * position but the last column's value, and array-index names come first in numeric order.
   */
  static List<Map.Entry<String, Integer>> objectLayout(List<String> columns) {
    Map<String, Integer> byName = new LinkedHashMap<>();
    for (int c = 0; c < columns.size(); c++) {
      byName.put(columns.get(c), c);
    }
    List<Map.Entry<String, Integer>> indexKeys = new ArrayList<>();
    List<Map.Entry<String, Integer>> otherKeys = new ArrayList<>();
    for (Map.Entry<String, Integer> entry : byName.entrySet()) {
      (isArrayIndex(entry.getKey()) ? indexKeys : otherKeys).add(Map.entry(entry.getKey(), entry.getValue()));
    }
    indexKeys.sort((a, b) -> Long.compare(Long.parseLong(a.getKey()), Long.parseLong(b.getKey())));
    indexKeys.addAll(otherKeys);
    return indexKeys;
  }

  /** ECMAScript array index: a canonical decimal integer below 2^32 - 1. */
  private static boolean isArrayIndex(String key) {
    if (key.isEmpty() || key.length() > 10 || (key.length() > 1 && key.charAt(0) == '0')) {
      return false;
    }
    for (int i = 0; i < key.length(); i++) {
      if (key.charAt(i) < '0' || key.charAt(i) > '9') {
        return false;
      }
    }
    return Long.parseLong(key) < 4294967295L;
  }

  private static void writeValue(JsonGenerator json, Object value) throws IOException {
    if (value == null) {
      json.writeNull();
    } else if (value instanceof Integer || value instanceof Long) {
      json.writeNumber(JsNumbers.formatInteger(((Number) value).longValue()));
    } else if (value instanceof Double) {
      String text = JsNumbers.formatDouble((Double) value);
      if (text == null) {
        json.writeNull();
      } else {
        json.writeNumber(text);
      }
    } else if (value instanceof byte[]) {
      byte[] bytes = (byte[]) value;
      json.writeStartArray();
      for (byte b : bytes) {
        json.writeNumber(b & 0xff);
      }
      json.writeEndArray();
    } else {
      json.writeString(value.toString());
    }
  }
}
