package io.github.calcited1.local.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
public final class QueryBodyParser {
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

  private static List<Query> batch(JsonNode items) throws MalformedRequestException, D1SqlException {
    if (!items.isArray() || items.isEmpty()) {
      throw MalformedRequestException.wrongShape("batch must be a non-empty array of {sql, params}");
    }
    List<Query> queries = new ArrayList<>();
    for (JsonNode item : items) {
      if (!item.isObject()) {
        throw MalformedRequestException.wrongShape("each batch element must be an object {sql, params}");
      }
      queries.add(query(item));
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
      return param.doubleValue();
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
        bytes[i] = toUint8(param.get(i));
      }
      return bytes;
    }
    throw D1SqlException.unsupportedParameterType("object", "[object Object]");
  }

  /** JavaScript's ToUint8, as {@code new Uint8Array(array)} applies it to each element. */
  private static byte toUint8(JsonNode element) {
    double number;
    if (element.isNumber()) {
      number = element.doubleValue();
    } else if (element.isBoolean()) {
      number = element.booleanValue() ? 1 : 0;
    } else if (element.isTextual()) {
      try {
        number = element.textValue().isBlank() ? 0 : Double.parseDouble(element.textValue().strip());
      } catch (NumberFormatException e) {
        number = 0;
      }
    } else {
      number = 0;
    }
    if (Double.isNaN(number) || Double.isInfinite(number)) {
      return 0;
    }
    return (byte) (long) number; // truncation toward zero, then modulo 256
  }
}
