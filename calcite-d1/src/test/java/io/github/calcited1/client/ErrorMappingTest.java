package io.github.calcited1.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every error D1 is known to send maps to a typed exception with a fitting SQLState. */
class ErrorMappingTest {
  private final MockD1 d1 = new MockD1();

  @AfterEach
  void close() {
    d1.close();
  }

  /** status, code, message (texts as real D1 and Cloudflare's API give them), exception type, SQLState. */
  static Stream<Arguments> d1Errors() {
    String tx = "To execute a transaction, please use the state.storage.transaction() or"
        + " state.storage.transactionSync() APIs instead of the SQL BEGIN TRANSACTION or SAVEPOINT statements.";
    return Stream.of(
        Arguments.of(400, 7500, "UNIQUE constraint failed: parent.name: SQLITE_CONSTRAINT (extended:"
            + " SQLITE_CONSTRAINT_UNIQUE)", D1ConstraintException.class, "23505"),
        Arguments.of(400, 7500, "UNIQUE constraint failed: parent.id: SQLITE_CONSTRAINT (extended:"
            + " SQLITE_CONSTRAINT_PRIMARYKEY)", D1ConstraintException.class, "23505"),
        Arguments.of(400, 7500, "UNIQUE constraint failed: users.email: SQLITE_CONSTRAINT",
            D1ConstraintException.class, "23505"),
        Arguments.of(400, 7500, "NOT NULL constraint failed: parent.name: SQLITE_CONSTRAINT (extended:"
            + " SQLITE_CONSTRAINT_NOTNULL)", D1ConstraintException.class, "23502"),
        Arguments.of(400, 7500, "FOREIGN KEY constraint failed: SQLITE_CONSTRAINT (extended:"
            + " SQLITE_CONSTRAINT_FOREIGNKEY)", D1ConstraintException.class, "23503"),
        Arguments.of(400, 7500, "CHECK constraint failed: x > 0: SQLITE_CONSTRAINT (extended:"
            + " SQLITE_CONSTRAINT_CHECK)", D1ConstraintException.class, "23514"),
        Arguments.of(400, 7500, "cannot store TEXT value in INTEGER column ck.x: SQLITE_CONSTRAINT (extended:"
            + " SQLITE_CONSTRAINT_DATATYPE)", D1ConstraintException.class, "23000"),
        Arguments.of(400, 7500, "near \"SELEC\": syntax error at offset 0: SQLITE_ERROR",
            D1StatementException.class, "42000"),
        Arguments.of(400, 7500, "incomplete input: SQLITE_ERROR", D1StatementException.class, "42000"),
        Arguments.of(400, 7500, "No SQL statements detected.", D1StatementException.class, "42000"),
        Arguments.of(400, 7500, "SQL code did not contain a statement.", D1StatementException.class, "42000"),
        Arguments.of(400, 7500, "no such table: nope: SQLITE_ERROR", D1StatementException.class, "42S02"),
        Arguments.of(400, 7500, "no such column: nope at offset 7: SQLITE_ERROR",
            D1StatementException.class, "42S22"),
        Arguments.of(400, 7500, "table parent already exists at offset 13: SQLITE_ERROR",
            D1StatementException.class, "42S01"),
        Arguments.of(400, 7500, "not authorized: SQLITE_AUTH", D1StatementException.class, "42501"),
        Arguments.of(400, 7500, "access to _cf_METADATA.key is prohibited: SQLITE_AUTH",
            D1StatementException.class, "42501"),
        Arguments.of(400, 7500, tx, D1StatementException.class, "0A000"),
        Arguments.of(400, 7500, "Wrong number of parameter bindings for SQL query.",
            D1StatementException.class, "07001"),
        Arguments.of(400, 7500, "When executing multiple SQL statements in a single call, only the last statement"
            + " can have parameters.", D1StatementException.class, "07001"),
        Arguments.of(400, 7500, "too many SQL variables at offset 307: SQLITE_ERROR", D1TooBigException.class, "54000"),
        Arguments.of(400, 7500, "variable number must be between ?1 and ?100 at offset 7: SQLITE_ERROR",
            D1TooBigException.class, "54000"),
        Arguments.of(400, 7500, "statement too long: SQLITE_TOOBIG", D1TooBigException.class, "54000"),
        Arguments.of(400, 7500, "string or blob too big: SQLITE_TOOBIG", D1TooBigException.class, "54000"),
        Arguments.of(401, 10000, "Authentication error", D1AuthenticationException.class, "28000"),
        Arguments.of(403, 10000, "Authentication error", D1AuthenticationException.class, "28000"),
        Arguments.of(403, 7403, "The given account is not valid or is not authorized to access this service",
            D1AuthenticationException.class, "28000"),
        Arguments.of(404, 7404, "The database " + MockD1.DB + " could not be found",
            D1DatabaseNotFoundException.class, "3D000"),
        Arguments.of(429, 971, "Please wait and consider throttling your request speed",
            D1RateLimitException.class, "53000"),
        Arguments.of(429, 7500, "D1 DB is overloaded. Too many requests queued.", D1RateLimitException.class, "53000"),
        Arguments.of(500, 7500, "D1 DB is overloaded. Requests queued for too long.",
            D1RateLimitException.class, "53000"),
        Arguments.of(404, 7000, "No route for that URI", D1ConnectionException.class, "08001"),
        Arguments.of(500, 7500, "internal error; reference = e_Gz3hrU_abc", D1Exception.class, "HY000"),
        Arguments.of(400, 7400, "The request is not valid JSON", D1Exception.class, "HY000"));
  }

  @ParameterizedTest
  @MethodSource("d1Errors")
  void mapsD1Error(int status, int code, String message, Class<? extends D1Exception> type, String sqlState) {
    d1.answer(status, MockD1.errorEnvelope(code, message));
    D1Exception e = assertThrows(D1Exception.class, () -> d1.client.execute(MockD1.DB, D1Statement.of("SELECT 1")));
    assertEquals(type, e.getClass(), e.getMessage());
    assertEquals(sqlState, e.getSQLState());
    assertEquals(status, e.httpStatus());
    assertEquals(code, e.d1Code());
    assertEquals(code, e.getErrorCode());
    assertEquals(message, e.d1Message());
    assertTrue(e.getMessage().startsWith(message + " (HTTP " + status + ", D1 code " + code + ")"), e.getMessage());
  }

  @Test
  void sqlErrorsSayNothingWasApplied() {
    d1.answer(400, MockD1.errorEnvelope(7500, "no such table: nope: SQLITE_ERROR"));
    D1Exception e = assertThrows(D1Exception.class, () -> d1.client.execute(MockD1.DB, D1Statement.of("SELECT 1")));
    assertTrue(e.getMessage().endsWith("PRAGMA table_list lists the tables. Nothing in this request was applied"
        + " (a D1 request is atomic)."), e.getMessage());
  }

  @Test
  void authenticationErrorSaysWhatToCheck() {
    d1.answer(401, "{\"result\":null,\"success\":false,\"errors\":[{\"code\":10000,\"message\":"
        + "\"Authentication error\"}],\"messages\":[]}");
    D1AuthenticationException e = assertThrows(D1AuthenticationException.class,
        () -> d1.client.execute(MockD1.DB, D1Statement.of("SELECT 1")));
    assertEquals("Authentication error (HTTP 401, D1 code 10000). Check the API token and its D1 permissions (D1 Read"
        + " to query, D1 Edit to write) and that it belongs to account acc0123.", e.getMessage());
    assertFalse(e.isTransient());
  }

  @Test
  void unknownDatabaseSaysWhatToCheck() {
    d1.answer(404, MockD1.errorEnvelope(7404, "The database x could not be found"));
    D1Exception e = assertThrows(D1DatabaseNotFoundException.class,
        () -> d1.client.execute(MockD1.DB, D1Statement.of("SELECT 1")));
    assertTrue(e.getMessage().contains("Check the database name or id and the account id"), e.getMessage());
  }

  @Test
  void retryAfterSeconds() {
    d1.answer(new MockResponse.Builder().code(429).addHeader("Retry-After", "120")
        .body(MockD1.errorEnvelope(971, "Please wait and consider throttling your request speed")).build());
    D1RateLimitException e = assertThrows(D1RateLimitException.class,
        () -> d1.client.execute(MockD1.DB, D1Statement.of("SELECT 1")));
    assertEquals(Duration.ofSeconds(120), e.retryAfter().orElseThrow());
    assertTrue(e.isTransient());
    assertTrue(e.getMessage().contains("Retry after 120 s"), e.getMessage());
  }

  @Test
  void retryAfterHttpDate() {
    String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(60));
    d1.answer(new MockResponse.Builder().code(429).addHeader("Retry-After", date)
        .body(MockD1.errorEnvelope(971, "Please wait")).build());
    D1RateLimitException e = assertThrows(D1RateLimitException.class,
        () -> d1.client.execute(MockD1.DB, D1Statement.of("SELECT 1")));
    long seconds = e.retryAfter().orElseThrow().toSeconds();
    assertTrue(seconds > 50 && seconds <= 60, "retry after " + seconds);
  }

  @Test
  void rateLimitWithoutRetryAfter() {
    d1.answer(429, MockD1.errorEnvelope(971, "Please wait"));
    D1RateLimitException e = assertThrows(D1RateLimitException.class,
        () -> d1.client.execute(MockD1.DB, D1Statement.of("SELECT 1")));
    assertTrue(e.retryAfter().isEmpty());
  }

  @Test
  void nonJsonErrorBodyKeepsStatusAndSnippet() {
    d1.answer(502, "<html><body>Bad gateway</body></html>");
    D1Exception e = assertThrows(D1Exception.class, () -> d1.client.execute(MockD1.DB, D1Statement.of("SELECT 1")));
    assertEquals("HY000", e.getSQLState());
    assertEquals(502, e.httpStatus());
    assertEquals(0, e.d1Code());
    assertTrue(e.getMessage().startsWith("HTTP 502 without a D1 error: <html><body>Bad gateway"), e.getMessage());
    assertTrue(e.isTransient());
  }

  @Test
  void errorsAlsoFailBatches() {
    d1.answer(400, MockD1.errorEnvelope(7500, "UNIQUE constraint failed: parent.name: SQLITE_CONSTRAINT (extended:"
        + " SQLITE_CONSTRAINT_UNIQUE)"));
    D1ConstraintException e = assertThrows(D1ConstraintException.class, () -> d1.client.batch(MockD1.DB,
        java.util.List.of(D1Statement.of("INSERT INTO parent (name) VALUES (?)", "x1"))));
    assertEquals("23505", e.getSQLState());
  }

  @Test
  void connectionRefused() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    D1Client client = new D1Client(d1.config().baseUrl("http://127.0.0.1:" + port + "/client/v4").build());
    D1ConnectionException e = assertThrows(D1ConnectionException.class,
        () -> client.execute(MockD1.DB, D1Statement.of("SELECT 1")));
    assertEquals("08001", e.getSQLState());
    assertEquals(0, e.httpStatus());
    assertTrue(e.isTransient());
    assertTrue(e.getMessage().contains("no HTTP response"), e.getMessage());
    assertTrue(e.getMessage().contains("Could not connect to 127.0.0.1"), e.getMessage());
  }

  @Test
  void readTimeout() {
    try (MockD1 slow = new MockD1(Duration.ofMillis(200))) {
      slow.answer(new MockResponse.Builder().code(200).body(MockD1.localEnvelope("[]", "[]"))
          .headersDelay(3, TimeUnit.SECONDS).build());
      D1ConnectionException e = assertThrows(D1ConnectionException.class,
          () -> slow.client.execute(MockD1.DB, D1Statement.of("SELECT 1")));
      assertEquals("08006", e.getSQLState());
      assertTrue(e.getMessage().contains("did not answer in time"), e.getMessage());
      assertInstanceOf(java.io.InterruptedIOException.class, e.getCause());
    }
  }
}
