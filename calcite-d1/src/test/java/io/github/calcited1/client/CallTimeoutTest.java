package io.github.calcited1.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.calcited1.testing.D1LocalExtension;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every call is bounded by default: a server that trickles its answer (a byte now and then, so that the read timeout
 * never fires) ends a read or a COMMIT with a clear error within {@code callTimeout}, while a big result that the
 * application consumes slowly is not cut by it (the deadline ends with the read-ahead).
 */
class CallTimeoutTest {
  @RegisterExtension static final D1LocalExtension LOCAL = new D1LocalExtension("big");

  static final int ROWS = D1Client.READ_AHEAD_ROWS * 2;

  @BeforeAll
  static void rows() throws Exception {
    try (Connection c = LOCAL.sqlite(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE r (id INTEGER PRIMARY KEY, v TEXT)");
      s.execute("WITH RECURSIVE q(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM q WHERE x < " + ROWS + ")"
          + " INSERT INTO r SELECT x, 'row ' || x FROM q");
    }
  }

  @Test
  void theDefaultsBoundEveryCallAndLeaveD1Its30Seconds() {
    D1ClientConfig config = D1ClientConfig.builder().accountId("a").apiToken("t").build();
    assertEquals(Duration.ofSeconds(90), config.callTimeout());
    assertEquals(Duration.ofSeconds(45), config.readTimeout());
    assertTrue(config.readTimeout().compareTo(Duration.ofSeconds(30)) > 0, "D1 may work 30 s before answering");
  }

  /** 200 and D1's headers at once, then the body at 1 byte per 100 ms: a read timeout of 10 s never fires. */
  private static MockResponse trickling() {
    return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
        .body(MockD1.localEnvelope("[\"x\"]", "[[1],[2],[3]]"))
        .throttleBody(1, 100, TimeUnit.MILLISECONDS).build();
  }

  /** A client with a 1 s call timeout, whose server will trickle its next answer. */
  private static D1Client tricklingServer(MockD1 mock) {
    mock.answer(trickling());
    return new D1Client(mock.config().readTimeout(Duration.ofSeconds(10)).callTimeout(Duration.ofSeconds(1)).build());
  }

  @Test
  void aTricklingAnswerToAReadEndsWithAClearErrorWithinTheCallTimeout() throws Exception {
    try (MockD1 mock = new MockD1()) {
      D1Client client = tricklingServer(mock);
      long start = System.nanoTime();
      D1Exception e = assertThrows(D1Exception.class, () -> client.execute(MockD1.DB, D1Statement.of("SELECT 1")));
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(millis < 5_000, "ended after " + millis + " ms; the body alone would take 30 s");
      assertEquals("08006", e.getSQLState(), e.getMessage());
      assertTrue(e.getMessage().contains("D1 did not answer in time") && e.getMessage().contains("callTimeout PT1S"),
          e.getMessage());
    }
  }

  @Test
  void aTricklingAnswerToACommitEndsWithinTheCallTimeout() throws Exception {
    try (MockD1 mock = new MockD1()) {
      D1Client client = tricklingServer(mock);
      long start = System.nanoTime();
      D1OutcomeUnknownException e = assertThrows(D1OutcomeUnknownException.class,
          () -> client.batch(MockD1.DB, List.of(D1Statement.of("INSERT INTO t VALUES (1)"))));
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(millis < 5_000, "ended after " + millis + " ms");
      assertEquals("08007", e.getSQLState());
      assertTrue(e.getMessage().contains("callTimeout PT1S"), e.getMessage());
    }
  }

  @Test
  void aBigResultConsumedSlowlyIsNotCutByTheCallTimeout() throws Exception {
    D1Client client = new D1Client(D1ClientConfig.builder().baseUrl(LOCAL.baseUrl()).accountId(LOCAL.accountId())
        .apiToken(LOCAL.token()).callTimeout(Duration.ofSeconds(1)).build());
    long rows = 0;
    long sum = 0;
    try (D1Cursor cursor = client.query(LOCAL.databaseId(), D1Statement.of("SELECT id, v FROM r ORDER BY id"))) {
      while (cursor.next()) {
        rows++;
        sum += ((Number) cursor.row()[0]).longValue();
        if (rows == 1) {
          Thread.sleep(1_500); // the application is slow, past the call timeout, after the read-ahead
        }
      }
    }
    assertEquals(ROWS, rows);
    assertEquals((long) ROWS * (ROWS + 1) / 2, sum);
  }
}
