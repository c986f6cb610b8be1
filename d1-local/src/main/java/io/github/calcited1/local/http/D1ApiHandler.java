package io.github.calcited1.local.http;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.github.calcited1.local.fault.Fault;
import io.github.calcited1.local.fault.FaultHooks;
import io.github.calcited1.local.json.JsNumbers;
import io.github.calcited1.local.json.ResultShape;
import io.github.calcited1.local.json.WorkerJson;
import io.github.calcited1.local.sql.D1Database;
import io.github.calcited1.local.sql.D1SqlException;
import io.github.calcited1.local.sql.Meta;
import io.github.calcited1.local.sql.Query;
import io.github.calcited1.local.sql.StatementResult;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * D1's REST API: bearer authentication, routing, Cloudflare's envelopes and error codes, and the
 * test faults. Every request under any path is answered here.
 */
public final class D1ApiHandler implements HttpHandler {
  public static final String BASE_PATH = "/client/v4";

  private static final String CONTENT_TYPE = "application/json; charset=UTF-8";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Sees every request as received (method, path with query, body), before it is answered. */
  public interface RequestListener {
    void received(String method, String pathAndQuery, byte[] body);
  }

  private final byte[] expectedAuthorization;
  private final List<D1Database> databases;
  private final Map<String, D1Database> databasesById = new HashMap<>();
  private final FaultHooks faults;
  private final RequestListener listener;

  public D1ApiHandler(String token, List<D1Database> databases, FaultHooks faults, RequestListener listener) {
    this.expectedAuthorization = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    this.databases = List.copyOf(databases);
    for (D1Database database : databases) {
      databasesById.put(database.id().toString(), database);
    }
    this.faults = faults;
    this.listener = listener;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    byte[] requestBody = exchange.getRequestBody().readAllBytes();
    URI uri = exchange.getRequestURI();
    String method = exchange.getRequestMethod();
    listener.received(method, uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()),
        requestBody);
    Fault fault = null;
    int status = 200;
    ResponseBody body;
    try {
      if (!isAuthorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
        throw ApiException.authentication();
      }
      fault = faults.takeNext().orElse(null);
      if (fault != null && answerFaultInstead(exchange, fault)) {
        return;
      }
      body = route(method, uri, requestBody);
    } catch (ApiException e) {
      status = e.status;
      body = apiError(e.code, e.getMessage());
    } catch (D1SqlException e) {
      status = 400;
      body = sqlError(e.getMessage());
    } catch (SQLException | RuntimeException e) {
      String reference = newReference();
      System.err.println("d1-local: internal error, reference = " + reference + ":");
      e.printStackTrace();
      status = 500;
      body = apiError(7500, "internal error; reference = " + reference);
    }
    send(exchange, status, body, fault);
  }

  private static String newReference() {
    byte[] bytes = new byte[8];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private boolean isAuthorized(String authorization) {
    return authorization != null
        && MessageDigest.isEqual(authorization.getBytes(StandardCharsets.UTF_8), expectedAuthorization);
  }

  /** Plays a fault that replaces the answer; returns false for faults that wrap a normal answer. */
  private static boolean answerFaultInstead(HttpExchange exchange, Fault fault) throws IOException {
    switch (fault.kind()) {
      case RATE_LIMITED:
        long seconds = Math.max(1, (fault.duration().toMillis() + 999) / 1000);
        exchange.getResponseHeaders().set("Retry-After", Long.toString(seconds));
        send(exchange, 429, apiError(971, "Please wait and consider throttling your request speed"), null);
        return true;
      case SERVER_ERROR:
        send(exchange, fault.status(), apiError(7500, "internal error; reference = " + newReference()), null);
        return true;
      case DELAY:
        try {
          Thread.sleep(fault.duration().toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return false;
      default:
        return false;
    }
  }

  private ResponseBody route(String method, URI uri, byte[] requestBody)
      throws ApiException, D1SqlException, SQLException {
    String path = uri.getRawPath();
    if (!path.startsWith(BASE_PATH + "/")) {
      throw ApiException.noRoute();
    }
    // /accounts/{account}/d1/database[/{id}[/query|/raw]]
    String[] segments = path.substring(BASE_PATH.length() + 1).split("/", -1);
    if (segments.length < 4 || !segments[0].equals("accounts") || segments[1].isEmpty()
        || !segments[2].equals("d1") || !segments[3].equals("database")) {
      throw ApiException.noRoute();
    }
    if (segments.length == 4 && method.equals("GET")) {
      return listDatabases(uri.getRawQuery());
    }
    if (segments.length == 5 && method.equals("GET")) {
      return databaseDetails(database(segments[4]));
    }
    if (segments.length == 6 && method.equals("POST")) {
      if (segments[5].equals("query")) {
        return query(database(segments[4]), requestBody, ResultShape.OBJECTS);
      }
      if (segments[5].equals("raw")) {
        return query(database(segments[4]), requestBody, ResultShape.ARRAYS);
      }
    }
    throw ApiException.noRoute();
  }

  private D1Database database(String id) throws ApiException {
    D1Database database = databasesById.get(id);
    if (database == null) {
      throw ApiException.unknownDatabase(id);
    }
    return database;
  }

  private static ResponseBody query(D1Database database, byte[] requestBody, ResultShape shape)
      throws ApiException, D1SqlException, SQLException {
    QueryBodyParser.Body body;
    try {
      body = QueryBodyParser.parse(requestBody);
    } catch (MalformedRequestException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    List<Query> queries = body.batch() ? body.queries() : D1Database.splitIfUnparameterised(body.queries().get(0));
    List<StatementResult> results = database.execute(queries, shape);
    ResponseBody response = new ResponseBody().ascii("{\"result\":[");
    for (int i = 0; i < results.size(); i++) {
      response.ascii(i == 0 ? "{\"success\":true,\"meta\":" : ",{\"success\":true,\"meta\":")
          .ascii(metaJson(results.get(i).meta()))
          .ascii(",\"results\":")
          .spool(results.get(i).results())
          .ascii("}");
    }
    return response.ascii("],\"success\":true,\"errors\":[],\"messages\":[]}");
  }

  private static String metaJson(Meta meta) {
    return "{\"served_by\":\"" + Meta.SERVED_BY + "\""
        + ",\"duration\":" + meta.durationMillis()
        + ",\"changes\":" + JsNumbers.formatInteger(meta.changes())
        + ",\"last_row_id\":" + JsNumbers.formatInteger(meta.lastRowId())
        + ",\"changed_db\":" + meta.changedDb()
        + ",\"size_after\":" + JsNumbers.formatInteger(meta.sizeAfter())
        + ",\"rows_read\":" + JsNumbers.formatInteger(meta.rowsRead())
        + ",\"rows_written\":" + JsNumbers.formatInteger(meta.rowsWritten())
        + "}";
  }

  /** GET .../d1/database?name=&page=&per_page=, as Cloudflare's API pages it (default 1000 per page). */
  private ResponseBody listDatabases(String rawQuery) throws SQLException {
    Map<String, String> parameters = queryParameters(rawQuery);
    String nameFilter = parameters.getOrDefault("name", "");
    int page = positiveInt(parameters.get("page"), 1, Integer.MAX_VALUE);
    int perPage = positiveInt(parameters.get("per_page"), 1000, 10000);
    List<D1Database> matching = new ArrayList<>();
    for (D1Database database : databases) {
      if (database.name().contains(nameFilter)) {
        matching.add(database);
      }
    }
    long from = Math.min((long) (page - 1) * perPage, matching.size());
    List<D1Database> shown = matching.subList((int) from, (int) Math.min(from + perPage, matching.size()));
    List<D1Database.Info> infos = new ArrayList<>();
    for (D1Database database : shown) {
      infos.add(info(database));
    }
    return new ResponseBody().json(out -> {
      try (JsonGenerator json = WorkerJson.FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
        json.writeStartObject();
        json.writeArrayFieldStart("result");
        for (D1Database.Info info : infos) {
          writeInfo(json, info);
        }
        json.writeEndArray();
        json.writeObjectFieldStart("result_info");
        json.writeNumberField("page", page);
        json.writeNumberField("per_page", perPage);
        json.writeNumberField("count", infos.size());
        json.writeNumberField("total_count", matching.size());
        json.writeEndObject();
        writeSuccessTail(json);
      }
    });
  }

  private static ResponseBody databaseDetails(D1Database database) throws SQLException {
    D1Database.Info info = info(database);
    return new ResponseBody().json(out -> {
      try (JsonGenerator json = WorkerJson.FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
        json.writeStartObject();
        json.writeFieldName("result");
        writeInfo(json, info);
        writeSuccessTail(json);
      }
    });
  }

  private static D1Database.Info info(D1Database database) throws SQLException {
    try {
      return database.info();
    } catch (IOException e) {
      throw new SQLException("cannot read the attributes of " + database.file(), e);
    }
  }

  private static void writeInfo(JsonGenerator json, D1Database.Info info) throws IOException {
    json.writeStartObject();
    json.writeStringField("uuid", info.uuid());
    json.writeStringField("name", info.name());
    json.writeStringField("version", "production");
    json.writeNumberField("num_tables", info.numTables());
    json.writeNumberField("file_size", info.fileSize());
    json.writeStringField("created_at", info.createdAt().toString());
    json.writeEndObject();
  }

  private static void writeSuccessTail(JsonGenerator json) throws IOException {
    json.writeBooleanField("success", true);
    json.writeArrayFieldStart("errors");
    json.writeEndArray();
    json.writeArrayFieldStart("messages");
    json.writeEndArray();
    json.writeEndObject();
  }

  private static Map<String, String> queryParameters(String rawQuery) {
    Map<String, String> parameters = new HashMap<>();
    if (rawQuery == null) {
      return parameters;
    }
    for (String pair : rawQuery.split("&")) {
      int equals = pair.indexOf('=');
      String key = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
      String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
      parameters.putIfAbsent(key, value);
    }
    return parameters;
  }

  private static int positiveInt(String text, int fallback, int max) {
    try {
      int value = Integer.parseInt(text);
      return value < 1 ? fallback : Math.min(value, max);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  /** A failed SQL request: HTTP 400, {@code "result":[]}, code 7500 and D1's message. */
  private static ResponseBody sqlError(String message) {
    return errorEnvelope(true, 7500, message);
  }

  private static ResponseBody apiError(int code, String message) {
    return errorEnvelope(false, code, message);
  }

  private static ResponseBody errorEnvelope(boolean emptyResult, int code, String message) {
    return new ResponseBody().json(out -> {
      try (JsonGenerator json = WorkerJson.FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
        json.writeStartObject();
        json.writeFieldName("result");
        if (emptyResult) {
          json.writeStartArray();
          json.writeEndArray();
        } else {
          json.writeNull();
        }
        json.writeBooleanField("success", false);
        json.writeArrayFieldStart("errors");
        json.writeStartObject();
        json.writeNumberField("code", code);
        json.writeStringField("message", message);
        json.writeEndObject();
        json.writeEndArray();
        json.writeArrayFieldStart("messages");
        json.writeEndArray();
        json.writeEndObject();
      }
    });
  }

  /**
   * Sends the answer, or plays a dropping fault: an IOException thrown out of the handler makes
   * the JDK server close the connection, which is exactly what a client should see.
   */
  private static void send(HttpExchange exchange, int status, ResponseBody body, Fault fault) throws IOException {
    try (body) {
      if (fault != null && fault.kind() == Fault.Kind.DROP_AFTER_EXECUTE) {
        throw new IOException("d1-local fault: connection dropped after executing the request");
      }
      exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
      exchange.sendResponseHeaders(status, body.length());
      OutputStream out = exchange.getResponseBody();
      if (fault != null && fault.kind() == Fault.Kind.DROP_MID_BODY) {
        out = new CuttingOutputStream(out, body.length() / 2);
      }
      body.writeTo(out);
      out.close();
    }
  }

  /** Passes the first bytes through, then flushes them and fails, cutting the connection. */
  private static final class CuttingOutputStream extends FilterOutputStream {
    private long remaining;

    CuttingOutputStream(OutputStream out, long cutAfter) {
      super(out);
      this.remaining = cutAfter;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      int passed = (int) Math.min(length, remaining);
      out.write(bytes, offset, passed);
      remaining -= passed;
      if (passed < length) {
        out.flush();
        throw new IOException("d1-local fault: connection dropped in the middle of the body");
      }
    }
  }
}
