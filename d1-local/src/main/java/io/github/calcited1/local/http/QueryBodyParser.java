package io.github.calcited1.local.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.calcited1.local.json.JsNumbers;
import io.github.calcited1.local.sql.D1SqlException;
import io.github.calcited1.local.sql.Query;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a {@code /query} or {@code /raw} body: {@code {sql, params}}, {@code {batch:[...]}} or a
 * bare array of {@code {sql, params}}. Parameters become what D1's Worker binding binds, with
 * JavaScript's conversions (every number a double, booleans 1/0, byte arrays BLOBs).
 */
final class QueryBodyParser {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** A parsed body: one query, or a batch of them. */
  public record Body(List<Query> queries, boolean batch) {}

  private QueryBodyParser() {}

  public static Body parse(byte[] body) throws MalformedRequestException, D1SqlException {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw MalformedRequestException.invalidJson();
    } catch (IOException e) {
      throw MalformedRequestException.invalidJson();
    }
    if (root == null || root.isMissingNode()) {
      throw MalformedRequestException.invalidJson();
    }
    if (root.isArray()) {
      return new Body(batch(root), true);
    }
    if (root.isObject() && root.has("batch")) {
      return new Body(batch(root.get("batch")), true);
    }
    if (root.isObject()) {
      return new Body(List.of(query(root)), false);
    }
    throw MalformedRequestException.wrongShape("expected an object with sql or batch, or an array of queries");
  }

  /** Blank items are skipped, as D1's REST layer does; nothing left is "No SQL statements detected.". */
  private static List<Query> batch(JsonNode items) throws MalformedRequestException, D1SqlException {
    if (!items.isArray()) {
      throw MalformedRequestException.wrongShape("batch must be an array of {sql, params}");
    }
    List<Query> queries = new ArrayList<>();
    for (JsonNode item : items) {
      if (!item.isObject()) {
        throw MalformedRequestException.wrongShape("each batch element must be an object {sql, params}");
      }
      Query query = query(item);
      if (!query.sql().isBlank()) {
        queries.add(query);
      }
    }
    if (queries.isEmpty()) {
      throw new D1SqlException("No SQL statements detected.");
    }
    return queries;
  }

  private static Query query(JsonNode node) throws MalformedRequestException, D1SqlException {
    JsonNode sql = node.get("sql");
    if (sql == null || !sql.isTextual()) {
      throw MalformedRequestException.wrongShape("sql must be a string");
    }
    JsonNode params = node.get("params");
    List<Object> values = new ArrayList<>();
    if (params != null && !params.isNull()) {
      if (!params.isArray()) {
        throw MalformedRequestException.wrongShape("params must be an array");
      }
      for (JsonNode param : params) {
        values.add(boundValue(param));
      }
    }
    return new Query(sql.textValue(), values);
  }

  private static Object boundValue(JsonNode param) throws D1SqlException {
    if (param.isNull()) {
      return null;
    }
    if (param.isNumber()) {
      double value = param.doubleValue();
      return Double.isInfinite(value) ? null : value; // JSON.parse gives Infinity, bound as NULL
    }
    if (param.isBoolean()) {
      return param.booleanValue() ? 1.0 : 0.0;
    }
    if (param.isTextual()) {
      return param.textValue();
    }
    if (param.isArray()) {
      byte[] bytes = new byte[param.size()];
      for (int i = 0; i < bytes.length; i++) {
        JsonNode element = param.get(i);
        double value = element.isNumber() ? element.doubleValue() : -1;
        if (!(value >= 0 && value < 256)) {
          throw D1SqlException.unsupportedParameterType("object", jsString(param));
        }
        bytes[i] = (byte) (int) value; // fractions truncate, as in a Uint8Array
      }
      return bytes;
    }
    throw D1SqlException.unsupportedParameterType("object", "[object Object]");
  }

  /** JavaScript's String(value) for a parsed JSON value (arrays join their elements with ","). */
  private static String jsString(JsonNode value) {
    if (value.isArray()) {
      StringBuilder joined = new StringBuilder();
      for (int i = 0; i < value.size(); i++) {
        JsonNode element = value.get(i);
        joined.append(i == 0 ? "" : ",").append(element.isNull() ? "" : jsString(element));
      }
      return joined.toString();
    }
    if (value.isObject()) {
      return "[object Object]";
    }
    if (value.isNumber()) {
      String text = JsNumbers.formatDouble(value.doubleValue());
      return text == null ? (value.doubleValue() > 0 ? "Infinity" : "-Infinity") : text;
    }
    return value.isNull() ? "null" : value.asText();
  }
}
