package io.github.calcited1.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A body that is not a complete, well-formed /raw envelope is a typed error, never a short result. */
class MalformedResponseTest {
  private final MockD1 d1 = new MockD1();

  @AfterEach
  void close() {
    d1.close();
  }

  /** A malformed body: not transient, SQLState 08S01. */
  private D1ProtocolException executeFails(String body) {
    D1ProtocolException e = executeFailsWith(body);
    assertEquals("08S01", e.getSQLState());
    assertFalse(e.isTransient());
    return e;
  }

  private D1ProtocolException executeFailsWith(String body) {
    d1.answer(200, body);
    D1ProtocolException e = assertThrows(D1ProtocolException.class,
        () -> d1.client.execute(MockD1.DB, D1Statement.of("SELECT 1")));
    assertEquals(200, e.httpStatus());
    return e;
  }

  private static void assertCutShort(D1ProtocolException e) {
    assertTrue(e.getMessage().startsWith("the response body is cut short: "), e.getMessage());
    assertEquals("08006", e.getSQLState());
    assertTrue(e.isTransient());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"result\":[{\"results\":{\"columns\":[\"a\"],\"rows\":[[1],[2",
      "{\"result\":[{\"results\":{\"columns\":[\"a\"],\"rows\":[[1],[2]]}",
      "{\"result\":[{\"results\":{\"columns\":[\"a\"],\"rows\":[[1],[2]]},\"success\":true}],\"success\":true",
      "{\"result\":[{\"res",
      "{\"result\":[",
      "{",
  })
  void truncatedBodyIsCutShort(String body) {
    assertCutShort(executeFailsWith(body));
  }

  @Test
  void truncatedBodyFailsTheCursorAfterTheRowsItCouldRead() throws Exception {
    d1.answer(200, "{\"result\":[{\"results\":{\"columns\":[\"a\"],\"rows\":[[1],[2],[3");
    List<Object> seen = new ArrayList<>();
    try (D1Cursor c = d1.client.query(MockD1.DB, D1Statement.of("SELECT a"))) {
      assertCutShort(assertThrows(D1ProtocolException.class, () -> {
        while (c.next()) {
          seen.add(c.row()[0]);
        }
      }));
    }
    assertEquals(List.of(1L, 2L), seen);
  }

  @Test
  void connectionDroppedMidBodyIsCutShort() {
    StringBuilder rows = new StringBuilder("[");
    for (int i = 0; i < 1000; i++) {
      rows.append(i == 0 ? "[" : ",[").append(i).append("]");
    }
    d1.answer(new MockResponse.Builder().code(200)
        .body(MockD1.localEnvelope("[\"i\"]", rows.append("]").toString()))
        .onResponseBody(SocketEffect.ShutdownConnection.INSTANCE).build());
    assertCutShort(assertThrows(D1ProtocolException.class,
        () -> d1.client.execute(MockD1.DB, D1Statement.of("SELECT i"))));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"result\":[{\"results\":{\"columns\":[\"a\"],\"rows\":[[1,]]}}],\"success\":true}",
      "<html><body>502 Bad Gateway</body></html>",
      "{\"result\":[{\"results\":{\"columns\":[\"a\"],\"rows\":[[1]]},\"success\":true}],\"success\":true}}",
  })
  void malformedJson(String body) {
    assertTrue(executeFails(body).getMessage().startsWith("malformed JSON"));
  }

  @Test
  void emptyBody() {
    assertTrue(executeFails("").getMessage().startsWith("the response is not a JSON object"));
  }

  @Test
  void missingSuccess() {
    assertTrue(executeFails("{\"result\":[{\"results\":{\"columns\":[],\"rows\":[]}}]}").getMessage()
        .startsWith("the response does not report success"));
  }

  @Test
  void trailingData() {
    assertTrue(executeFails(MockD1.localEnvelope("[]", "[]") + " {}").getMessage()
        .startsWith("data follows the response object"));
  }

  @Test
  void noResultArray() {
    assertTrue(executeFails("{\"success\":true,\"errors\":[],\"messages\":[]}").getMessage()
        .startsWith("the response has no result array"));
  }

  @Test
  void emptyResultArray() {
    assertTrue(executeFails("{\"result\":[],\"success\":true,\"errors\":[],\"messages\":[]}").getMessage()
        .startsWith("the response holds no result for the statement"));
  }

  @Test
  void queryShapedResultsAreRefused() {
    assertTrue(executeFails("{\"result\":[{\"results\":[{\"a\":1}],\"success\":true,\"meta\":{}}],\"success\":true}")
        .getMessage().contains("/raw"));
  }

  @Test
  void rowWidthMustMatchColumns() {
    assertTrue(executeFails(MockD1.localEnvelope("[\"a\",\"b\"]", "[[1,2],[3]]")).getMessage()
        .startsWith("a row has 1 values for 2 columns"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"[[true]]", "[[{\"x\":1}]]", "[[[1,256]]]", "[[[-1]]]", "[[[\"a\"]]]", "[1]"})
  void valuesThatAreNoSqliteValue(String rows) {
    executeFails(MockD1.localEnvelope("[\"a\"]", rows));
  }

  @Test
  void successFalseOnHttp200CarriesD1sError() {
    d1.answer(200, "{\"result\":null,\"success\":false,\"errors\":[{\"code\":7500,\"message\":"
        + "\"no such table: nope: SQLITE_ERROR\"}],\"messages\":[]}");
    D1StatementException e = assertThrows(D1StatementException.class,
        () -> d1.client.execute(MockD1.DB, D1Statement.of("SELECT * FROM nope")));
    assertEquals("42S02", e.getSQLState());
  }
}
