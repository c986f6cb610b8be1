package io.github.calcited1.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.calcited1.client.D1Client;
import io.github.calcited1.client.D1ClientConfig;
import io.github.calcited1.client.D1Cursor;
import io.github.calcited1.client.D1Exception;
import io.github.calcited1.client.D1OutcomeUnknownException;
import io.github.calcited1.client.D1ProtocolException;
import io.github.calcited1.client.D1RateLimitException;
import io.github.calcited1.client.D1Result;
import io.github.calcited1.client.D1RetriesExhaustedException;
import io.github.calcited1.client.D1Statement;
import io.github.calcited1.config.D1ConfigurationException;
import io.github.calcited1.config.D1SchemaConfig;
import java.io.IOException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The retry policy at the wire, with MockWebServer for what d1-local cannot fake: Retry-After as seconds and as an
 * HTTP date, a Retry-After beyond the cap, a server that always fails (the typed error: attempts and time), the
 * backoff bounds, a write that is never resent after it left, a streamed read retried only while no row was handed
 * out, the read-only classifier, and plain HTTP refused for other machines.
 */
class RetryPolicyTest {
  static final String DB = "6b4e7b2c-1c9d-4f44-9b8e-0d3f3a2c1e55";
  static final String OK_ONE_ROW = envelope("[\"x\"]", "[[1]]");

  MockWebServer server;

  @BeforeEach
  void start() throws IOException {
    server = new MockWebServer();
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  static String envelope(String columns, String rows) {
    return "{\"result\":[{\"results\":{\"columns\":" + columns + ",\"rows\":" + rows + "},\"success\":true,"
        + "\"meta\":{\"duration\":1,\"changes\":0,\"last_row_id\":0,\"changed_db\":false,\"rows_read\":1,"
        + "\"rows_written\":0}}],\"success\":true,\"errors\":[],\"messages\":[]}";
  }

  static String error(int code, String message) {
    return "{\"result\":[],\"success\":false,\"errors\":[{\"code\":" + code + ",\"message\":\"" + message
        + "\"}],\"messages\":[]}";
  }

  D1ClientConfig.Builder config() {
    return D1ClientConfig.builder().baseUrl(server.url("/client/v4").toString()).accountId("acc")
        .apiToken("tok-retry").readTimeout(Duration.ofMillis(800)).maxAttempts(4)
        .retryBaseDelay(Duration.ofMillis(50)).retryMaxDelay(Duration.ofMillis(200))
        .maxRetryAfter(Duration.ofSeconds(5));
  }

  void answer(int code, String body) {
    server.enqueue(new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body)
        .build());
  }

  void rateLimited(String retryAfter) {
    server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", retryAfter)
        .body(error(971, "Please wait and consider throttling your request speed")).build());
  }

  /** The waits the client asked for, recorded instead of slept: the policy is checked on its delays, not the clock. */
  final List<Long> delays = new java.util.concurrent.CopyOnWriteArrayList<>();

  D1Client recordingClient(D1ClientConfig config) {
    return new D1Client(config, delays::add);
  }

  @Test
  void retryAfterSecondsAndHttpDateAreHonoured() throws Exception {
    D1Client client = recordingClient(config().build());
    rateLimited("1");
    answer(200, OK_ONE_ROW);
    assertEquals(1L, client.execute(DB, D1Statement.of("SELECT 1 AS x")).rows().get(0)[0]);
    assertEquals(2, server.getRequestCount());
    // Retry-After: 1 plus a quarter of the full jitter (at most 50 ms here): [1000, 1012] ms.
    assertEquals(1, delays.size(), delays.toString());
    assertTrue(delays.get(0) >= 1000 && delays.get(0) <= 1000 + 50 / 4, "waited the second D1 asked for: " + delays);

    // An HTTP date 4 s ahead (whole seconds): the wait is what is left until then, far above the jitter-only waits.
    String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(4));
    rateLimited(date);
    answer(200, OK_ONE_ROW);
    client.execute(DB, D1Statement.of("SELECT 1 AS x"));
    assertEquals(2, delays.size(), delays.toString());
    assertTrue(delays.get(1) > 200 && delays.get(1) <= 4000 + 50 / 4, "waited until the HTTP date: " + delays);
    // 429 means D1 did not run the request: a write is sent again too.
    rateLimited("1");
    answer(200, envelope("[]", "[]"));
    client.execute(DB, D1Statement.of("INSERT INTO t VALUES (1)"));
    assertEquals(6, server.getRequestCount());
    assertEquals(3, delays.size(), delays.toString());
  }

  @Test
  void retryAfterBeyondTheCapFailsAtOnceAndSaysWhy() {
    D1Client client = new D1Client(config().build());
    rateLimited("600");
    D1RetriesExhaustedException e = assertThrows(D1RetriesExhaustedException.class,
        () -> client.execute(DB, D1Statement.of("SELECT 1 AS x")));
    assertEquals(1, server.getRequestCount());
    assertEquals(1, e.attempts());
    assertTrue(e.getCause() instanceof D1RateLimitException);
    assertEquals(Duration.ofSeconds(600), ((D1RateLimitException) e.getCause()).retryAfter().orElseThrow());
    assertEquals("53000", e.getSQLState());
    String m = e.getMessage();
    assertTrue(m.contains("D1 asked to wait 600 s (Retry-After), longer than maxRetryAfterSeconds (5 s)"), m);
    assertTrue(m.contains("1,200 API requests per 5 minutes") && m.contains("for 5 minutes"), m);
  }

  @Test
  void aServerThatAlwaysFailsGivesATypedErrorWithAttemptsAndTime() {
    D1Client client = recordingClient(config().build());
    for (int i = 0; i < 4; i++) {
      answer(503, error(7500, "internal error; reference = abc" + i));
    }
    D1RetriesExhaustedException e = assertThrows(D1RetriesExhaustedException.class,
        () -> client.execute(DB, D1Statement.of("SELECT 1 AS x")));
    assertEquals(4, server.getRequestCount());
    assertEquals(4, e.attempts());
    assertEquals(503, e.httpStatus());
    assertEquals(7500, e.d1Code());
    assertTrue(e.getMessage().contains("gave up after 4 attempts over "), e.getMessage());
    assertTrue(e.getMessage().contains("(maxAttempts is 4)"), e.getMessage());
    assertTrue(e.getMessage().startsWith("internal error; reference = abc3"), e.getMessage());
    // Full jitter: wait k (k = 1..3) is in [0, min(200, 50 * 2^(k-1))] ms; none after the last attempt.
    assertEquals(3, delays.size(), delays.toString());
    long[] caps = {50, 100, 200};
    for (int k = 0; k < 3; k++) {
      assertTrue(delays.get(k) >= 0 && delays.get(k) <= caps[k], "wait " + (k + 1) + " within its cap: " + delays);
    }
  }

  @Test
  void connectionRefusedIsRetriedThenExplained() throws Exception {
    int port = server.getPort();
    server.close();
    D1Client client = new D1Client(config().baseUrl("http://127.0.0.1:" + port + "/client/v4").build());
    D1RetriesExhaustedException e = assertThrows(D1RetriesExhaustedException.class,
        () -> client.execute(DB, D1Statement.of("INSERT INTO t VALUES (1)")));
    assertEquals(4, e.attempts());
    assertEquals("08001", e.getSQLState(), "never connected, so a write too is safe to resend");
    assertTrue(e.getMessage().contains("Could not connect"), e.getMessage());
  }

  @Test
  void aWriteThatLeftIsNeverSentAgain() {
    D1Client client = new D1Client(config().build());
    answer(500, error(7500, "internal error; reference = w1"));
    D1OutcomeUnknownException e = assertThrows(D1OutcomeUnknownException.class,
        () -> client.execute(DB, D1Statement.of("INSERT INTO t VALUES (1)")));
    assertEquals("08007", e.getSQLState());
    assertEquals(500, e.httpStatus());
    assertFalse(e.isTransient());
    assertTrue(e.getMessage().contains("OUTCOME UNKNOWN") && e.getMessage().contains("not sent again"),
        e.getMessage());
    assertEquals(1, server.getRequestCount());

    // The connection dies after the request was read: no answer at all.
    server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build());
    D1OutcomeUnknownException reset = assertThrows(D1OutcomeUnknownException.class,
        () -> client.batch(DB, List.of(D1Statement.of("UPDATE t SET n = n + 1"), D1Statement.of("SELECT 1"))));
    assertEquals(0, reset.httpStatus());
    assertEquals(2, server.getRequestCount());

    // A timeout after sending.
    server.enqueue(new MockResponse.Builder().code(200).body(envelope("[]", "[]"))
        .headersDelay(2, java.util.concurrent.TimeUnit.SECONDS).build());
    assertThrows(D1OutcomeUnknownException.class,
        () -> client.execute(DB, D1Statement.of("WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x")));
    assertEquals(3, server.getRequestCount());
  }

  @Test
  void aStreamedReadIsRetriedOnlyWhileNoRowWasHandedOut() throws Exception {
    D1Client client = new D1Client(config().build());
    // Cut short within the read-ahead: read again, whole.
    StringBuilder rows = new StringBuilder("[");
    for (int i = 0; i < 100; i++) {
      rows.append(i == 0 ? "[" : ",[").append(i).append(']');
    }
    String full = envelope("[\"n\"]", rows + "]");
    answer(200, full.substring(0, full.length() / 2));
    answer(200, full);
    D1Result r = client.execute(DB, D1Statement.of("SELECT n FROM t"));
    assertEquals(100, r.rows().size());
    assertEquals(2, server.getRequestCount());

    // Cut short after the read-ahead: rows were handed out, so the read fails instead of repeating them.
    StringBuilder big = new StringBuilder("[");
    for (int i = 0; i < 30_000; i++) {
      big.append(i == 0 ? "[" : ",[").append(i).append(']');
    }
    String large = envelope("[\"n\"]", big + "]");
    answer(200, large.substring(0, large.length() * 2 / 3));
    try (D1Cursor c = client.query(DB, D1Statement.of("SELECT n FROM t"))) {
      D1ProtocolException e = assertThrows(D1ProtocolException.class, () -> {
        while (c.next()) {
          c.row();
        }
      });
      assertEquals("08006", e.getSQLState());
    }
    assertEquals(3, server.getRequestCount(), "not sent again once rows were handed out");

    // Malformed JSON and a reset before any row are read again too.
    answer(200, "<html>502 Bad Gateway</html>");
    server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build());
    answer(200, OK_ONE_ROW);
    assertEquals(1L, client.execute(DB, D1Statement.of("SELECT 1 AS x")).rows().get(0)[0]);
    assertEquals(6, server.getRequestCount());
  }

  @Test
  void onlyReadsAreClassifiedAsReads() {
    D1Client client = new D1Client(config().maxAttempts(2).build());
    Map<String, Boolean> cases = new java.util.LinkedHashMap<>();
    cases.put("SELECT 1", true);
    cases.put("  -- DELETE FROM t\n select replace(a, 'x', 'y') FROM t", true);
    cases.put("WITH q AS (SELECT 1) SELECT * FROM q", true);
    cases.put("SELECT 'x; DELETE FROM t; --' AS \"INSERT\"", true);
    cases.put("PRAGMA table_xinfo(\"t\")", true);
    cases.put("VALUES (1), (2)", true);
    cases.put("INSERT INTO t VALUES (1)", false);
    cases.put("WITH q AS (SELECT 1) INSERT INTO t SELECT * FROM q", false);
    cases.put("SELECT 1; DELETE FROM t", false);
    cases.put("REPLACE INTO t VALUES (1)", false);
    cases.put("PRAGMA foreign_keys = ON", false);
    cases.put("PRAGMA defer_foreign_keys(1)", false);
    cases.put("SELECT 'unterminated", false);
    for (Map.Entry<String, Boolean> c : cases.entrySet()) {
      answer(503, error(7500, "internal error"));
      answer(200, OK_ONE_ROW);
      int before = server.getRequestCount();
      boolean retried;
      try {
        client.execute(DB, D1Statement.of(c.getKey()));
        retried = true;
      } catch (D1Exception e) {
        assertTrue(e instanceof D1OutcomeUnknownException, c.getKey() + ": " + e);
        retried = false;
      }
      assertEquals(c.getValue(), retried, c.getKey());
      assertEquals(c.getValue() ? 2 : 1, server.getRequestCount() - before, c.getKey());
      if (!retried) {
        try {
          client.execute(DB, D1Statement.of("SELECT 1")); // takes the 200 the write did not use
        } catch (D1Exception e) {
          throw new AssertionError(e);
        }
      }
    }
  }

  @Test
  void plainHttpOnlyToThisMachine() {
    for (String ok : List.of("http://127.0.0.1:1/client/v4", "http://localhost:1/x", "http://[::1]:1/x",
        "http://127.8.9.10/x", "https://api.cloudflare.com/client/v4", "https://10.0.0.1/x")) {
      D1ClientConfig.builder().baseUrl(ok).accountId("a").apiToken("t").build();
    }
    for (String bad : List.of("http://api.cloudflare.com/client/v4", "http://10.0.0.1/x", "http://128.0.0.1/x",
        "http://localhost.example.com/x")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> D1ClientConfig.builder().baseUrl(bad).accountId("a").apiToken("t").build());
      assertTrue(e.getMessage().contains("plain HTTP") && e.getMessage().contains("allowInsecureHttp"),
          e.getMessage());
      D1ClientConfig.builder().baseUrl(bad).accountId("a").apiToken("t").allowInsecureHttp(true).build();
    }
    Map<String, Object> operand = new HashMap<>(Map.of("database", "shop", "accountId", "a", "apiToken", "t",
        "baseUrl", "http://d1.internal.example/client/v4"));
    D1ConfigurationException e = assertThrows(D1ConfigurationException.class,
        () -> D1SchemaConfig.of(operand, k -> null));
    assertTrue(e.getMessage().contains("baseUrl") && e.getMessage().contains("allowInsecureHttp: true"),
        e.getMessage());
    operand.put("allowInsecureHttp", true);
    assertTrue(D1SchemaConfig.of(operand, k -> null).clientConfig().allowInsecureHttp());
  }
}
