package io.github.calcited1.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;

/** Routing, authentication and envelopes, as real D1's REST API answers (the conformance suite, docs/d1-local.md). */
class HttpLayerTest extends D1LocalTestBase {
  private static final String AUTH_ERROR =
      "{\"result\":null,\"success\":false,\"errors\":[{\"code\":10000,\"message\":\"Authentication error\"}],"
          + "\"messages\":[]}";

  @Test
  void noAuthorizationHeaderIs401() {
    Answer answer = send(HttpRequest.newBuilder(URI.create(databaseUrl() + "/query"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"sql\":\"SELECT 1\"}")).build());
    assertEquals(401, answer.status());
    assertEquals(AUTH_ERROR, answer.body());
  }

  @Test
  void wrongTokenIs401() {
    Answer answer = send(HttpRequest.newBuilder(URI.create(databaseUrl() + "/query")).header("Authorization",
        "Bearer wrong").POST(HttpRequest.BodyPublishers.ofString("{\"sql\":\"SELECT 1\"}")).build());
    assertEquals(401, answer.status());
    assertEquals(AUTH_ERROR, answer.body());
  }

  @Test
  void unknownPathIs404NoRoute() {
    Answer answer = post(databaseUrl() + "/export", "{}");
    assertEquals(404, answer.status());
    assertEquals("{\"result\":null,\"success\":false,"
        + "\"errors\":[{\"code\":7000,\"message\":\"No route for that URI\"}],\"messages\":[]}", answer.body());
    assertEquals(404, get(server.baseUrl() + "/nothing").status());
  }

  @Test
  void malformedJsonIs400() {
    Answer answer = query("{\"sql\":");
    assertEquals(400, answer.status());
    assertEquals("{\"result\":null,\"success\":false,\"errors\":[{\"code\":7400,\"message\":\"The request is not valid "
        + "JSON\"}],\"messages\":[]}", answer.body());
  }

  @Test
  void bodyWithoutSqlIsMalformed() {
    Answer answer = query("{\"params\":[]}");
    assertEquals(400, answer.status());
    assertTrue(answer.body().contains("\"code\":7400"), answer.body());
  }

  @Test
  void unknownDatabaseIs404() {
    Answer answer = post(server.baseUrl() + "/accounts/acc/d1/database/00000000-0000-0000-0000-000000000000/query",
        "{\"sql\":\"SELECT 1\"}");
    assertEquals(404, answer.status());
    assertEquals("{\"result\":null,\"success\":false,\"errors\":[{\"code\":7404,\"message\":\"The database "
        + "00000000-0000-0000-0000-000000000000 could not be found\"}],\"messages\":[]}", answer.body());
  }

  @Test
  void anyAccountIdIsAccepted() {
    assertEquals(200, post(server.baseUrl() + "/accounts/0123456789abcdef0123456789abcdef/d1/database/"
        + server.databaseId("shop") + "/raw", "{\"sql\":\"SELECT 1\"}").status());
  }

  @Test
  void databaseListFindsByNameWithResultInfo() {
    Answer answer = get(server.baseUrl() + "/accounts/acc/d1/database?name=shop&page=1&per_page=20");
    assertEquals(200, answer.status());
    assertTrue(answer.body().startsWith("{\"result\":[{\"uuid\":\"" + server.databaseId("shop")
        + "\",\"name\":\"shop\",\"version\":\"production\",\"num_tables\":0,\"file_size\":"), answer.body());
    assertTrue(answer.body().endsWith(",\"result_info\":{\"page\":1,\"per_page\":20,\"count\":1,\"total_count\":1},"
        + "\"success\":true,\"errors\":[],\"messages\":[]}"), answer.body());
    Answer none = get(server.baseUrl() + "/accounts/acc/d1/database?name=other");
    assertEquals("{\"result\":[],\"result_info\":{\"page\":1,\"per_page\":1000,\"count\":0,\"total_count\":0},"
        + "\"success\":true,\"errors\":[],\"messages\":[]}", none.body());
  }

  @Test
  void databaseDetails() {
    execute("CREATE TABLE a (x)");
    Answer answer = get(databaseUrl());
    assertEquals(200, answer.status());
    assertTrue(answer.body().contains("\"name\":\"shop\",\"version\":\"production\",\"num_tables\":1"), answer.body());
  }

  @Test
  void databaseIdIsAStableUuidOfTheName() {
    assertEquals(java.util.UUID.nameUUIDFromBytes("d1-local:shop".getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .toString(), server.databaseId("shop"));
    assertEquals(dataDir.resolve("shop.sqlite"), server.databaseFile("shop"));
    assertTrue(server.baseUrl().matches("http://127\\.0\\.0\\.1:\\d+/client/v4"), server.baseUrl());
  }

  @Test
  void existingSqliteFileIsServed() throws Exception {
    java.nio.file.Path file = dataDir.resolve("legacy-source.sqlite");
    try (java.sql.Connection connection = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file)) {
      connection.createStatement().execute("CREATE TABLE kept (x)");
      connection.createStatement().execute("INSERT INTO kept VALUES (42)");
    }
    try (D1LocalServer legacy = D1LocalServer.builder().token(TOKEN).database("legacy", file).build().start()) {
      Answer answer = post(legacy.baseUrl() + "/accounts/a/d1/database/" + legacy.databaseId("legacy") + "/query",
          "{\"sql\":\"SELECT x FROM kept\"}");
      assertEquals("[{\"x\":42}]", firstResults(answer));
    }
  }

  @Test
  void requestCountAndRecordedRequests() {
    long before = server.requestCount();
    server.clearRecordedRequests();
    query("{\"sql\":\"SELECT 1\"}");
    raw("{\"sql\":\"SELECT 2\"}");
    assertEquals(before + 2, server.requestCount());
    assertEquals(2, server.recordedRequests().size());
    RecordedRequest first = server.recordedRequests().get(0);
    assertEquals("POST", first.method());
    assertEquals("/client/v4/accounts/acc/d1/database/" + server.databaseId("shop") + "/query", first.path());
    assertEquals("{\"sql\":\"SELECT 1\"}", first.body());
  }
}
