package io.github.calcited1.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A fresh server with one fresh database ("shop") per test, and real HTTP requests to it. */
abstract class D1LocalTestBase {
  static final String TOKEN = "test-token-5f3c";
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir
  Path dataDir;
  D1LocalServer server;

  @BeforeEach
  void startServer() {
    server = D1LocalServer.builder().port(0).dataDir(dataDir).token(TOKEN).database("shop").build().start();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  /** A response with the status and the body, {@code duration} set to 0 (it is timing). */
  record Answer(int status, String body, HttpResponse<String> raw) {}

  String databaseUrl() {
    return server.baseUrl() + "/accounts/acc/d1/database/" + server.databaseId("shop");
  }

  Answer query(String json) {
    return post(databaseUrl() + "/query", json);
  }

  Answer raw(String json) {
    return post(databaseUrl() + "/raw", json);
  }

  /** Runs a request that must succeed, for setting up state. */
  void execute(String sql) {
    Answer answer = query("{\"sql\":" + jsonString(sql) + "}");
    assertEquals(200, answer.status(), answer.body());
  }

  Answer post(String url, String json) {
    return send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + TOKEN)
        .POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  Answer get(String url) {
    return send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + TOKEN).GET().build());
  }

  static Answer send(HttpRequest request) {
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body().replaceAll("\"duration\":\\d+", "\"duration\":0"),
          response);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The success envelope around the given result elements. */
  static String success(String... results) {
    return "{\"result\":[" + String.join(",", results) + "],\"success\":true,\"errors\":[],\"messages\":[]}";
  }

  /** One result element with the given meta values (D1's local key order) and results JSON. */
  static String result(long changes, long lastRowId, boolean changedDb, long sizeAfter, long rowsRead,
      long rowsWritten, String results) {
    return "{\"success\":true,\"meta\":{\"served_by\":\"miniflare.db\",\"duration\":0,\"changes\":" + changes
        + ",\"last_row_id\":" + lastRowId + ",\"changed_db\":" + changedDb + ",\"size_after\":" + sizeAfter
        + ",\"rows_read\":" + rowsRead + ",\"rows_written\":" + rowsWritten + "},\"results\":" + results + "}";
  }

  /** D1's SQL error body. */
  static String sqlError(String message) {
    return "{\"result\":[],\"success\":false,\"errors\":[{\"code\":7500,\"message\":" + jsonString(message)
        + "}],\"messages\":[]}";
  }

  static String jsonString(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        default -> out.append(c);
      }
    }
    return out.append('"').toString();
  }

  /** Just the results JSON of the first result element, for assertions that ignore meta. */
  static String firstResults(Answer answer) {
    String body = answer.body();
    int start = body.indexOf(",\"results\":") + ",\"results\":".length();
    int end = body.lastIndexOf("}],\"success\":true");
    return body.substring(start, end);
  }

  void assertSqlError(String message, Answer answer) {
    assertEquals(400, answer.status(), answer.body());
    assertEquals(sqlError(message), answer.body());
  }
}
