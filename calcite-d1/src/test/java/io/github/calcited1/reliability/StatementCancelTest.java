package io.github.calcited1.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.calcited1.local.fault.Fault;
import io.github.calcited1.testing.D1LocalExtension;
import io.github.calcited1.testing.Errors;
import io.github.calcited1.testing.Rows;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code Statement.setQueryTimeout} and {@code Statement.cancel()} stop a query's D1 requests in flight: through a
 * relay that holds D1's answers back ({@link SlowProxy}), the statement fails with HYT00 (timeout) or HY008 (cancel)
 * long before the answer would have come, the relay sees the client abandon every request of the statement (one per
 * database in a fan-out), and the connection answers the next query correctly.
 */
class StatementCancelTest {
  @RegisterExtension static final D1LocalExtension D1 = new D1LocalExtension("shop", "eu", "us");
  /** How long the relay holds answers back in these tests: far longer than any test waits for a failure. */
  private static final long DELAY_MILLIS = 5_000;
  /** The longest a stopped statement may take to fail (timeout 1 s, or cancel at once), generously. */
  private static final long FAIL_WITHIN_MILLIS = 4_000;

  private static SlowProxy proxy;

  @BeforeAll static void setUp() throws SQLException {
    for (String db : List.of("shop", "eu", "us")) {
      D1.seed(db, "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)",
          "INSERT INTO items VALUES (1, '" + db + "-a'), (2, '" + db + "-b'), (3, '" + db + "-c')");
    }
    proxy = new SlowProxy(D1.baseUrl());
  }

  @AfterEach void relayAtOnce() {
    proxy.delay(0);
  }

  @AfterAll static void tearDown() {
    proxy.close();
  }

  private static Connection connect(String databaseOperand) throws SQLException {
    return DriverManager.getConnection("jdbc:d1:" + databaseOperand + ";accountId=" + D1.accountId() + ";baseUrl="
        + proxy.baseUrl() + ";apiToken=" + D1.token());
  }

  private static List<String> readAll(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      return Rows.read(rs);
    }
  }

  /** Runs {@code sql}, expecting it to fail; returns the failure and checks it came well before the answer would. */
  private static SQLException failFast(Statement st, String sql) {
    long start = System.nanoTime();
    SQLException e = assertThrows(SQLException.class, () -> readAll(st, sql));
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(millis < FAIL_WITHIN_MILLIS, "failed after " + millis + " ms; the answer was held back "
        + DELAY_MILLIS + " ms");
    return e;
  }

  /**
   * Runs {@code sql} and, from another thread, cancels it once its {@code requests} requests reached the relay;
   * returns the failure (checked to come well before the answer would).
   */
  private static SQLException failFastCancelled(Statement st, String sql, int requests) {
    int before = proxy.requests();
    CompletableFuture<Void> canceller = CompletableFuture.runAsync(() -> {
      try {
        awaitCount(before + requests, proxy::requests, "the statement's requests were sent");
        st.cancel();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    SQLException e = failFast(st, sql);
    canceller.join();
    return e;
  }

  /** Waits (at most 5 s) until {@code count} reaches {@code expected}, then asserts it. */
  private static void awaitCount(int expected, IntSupplier count, String what) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (count.getAsInt() < expected && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(expected, count.getAsInt(), what);
  }

  @Test void queryTimeoutAbortsTheRequestAndFailsWithHyt00() throws Exception {
    try (Connection c = connect("database=shop"); Statement st = c.createStatement()) {
      String sql = "select name from items order by id";
      assertEquals(D1.fileRows(sql), readAll(st, sql)); // catalog read, plan cached
      st.setQueryTimeout(1);
      proxy.delay(DELAY_MILLIS);
      int abandoned = proxy.abandoned();
      long start = System.nanoTime();
      SQLException e = failFast(st, sql);
      assertTrue((System.nanoTime() - start) / 1_000_000 >= 900, "not before the timeout of 1 s");
      assertEquals("HYT00", e.getSQLState(), e.toString());
      assertInstanceOf(SQLTimeoutException.class, e);
      assertTrue(e.getMessage().contains("Query timeout of 1.0 s reached"), e.getMessage());
      awaitCount(abandoned + 1, proxy::abandoned, "the request in flight was aborted");

      proxy.delay(0);
      assertEquals(D1.fileRows(sql), readAll(st, sql), "the same statement and connection answer again");
    }
  }

  @Test void cancelFromAnotherThreadAbortsTheRequestAndFailsWithHy008() throws Exception {
    try (Connection c = connect("database=shop")) {
      String sql = "select name from items where id > 1 order by id";
      try (Statement warm = c.createStatement()) {
        assertEquals(D1.fileRows(sql), readAll(warm, sql));
      }
      proxy.delay(DELAY_MILLIS);
      int abandoned = proxy.abandoned();
      try (Statement st = c.createStatement()) {
        SQLException e = failFastCancelled(st, sql, 1);
        assertEquals("HY008", e.getSQLState(), e.toString());
        assertTrue(e.getMessage().contains("Statement canceled"), e.getMessage());
      }
      awaitCount(abandoned + 1, proxy::abandoned, "the request in flight was aborted");

      proxy.delay(0);
      try (Statement next = c.createStatement()) {
        assertEquals(D1.fileRows(sql), readAll(next, sql), "the connection answers the next query");
      }
    }
  }

  /**
   * A timeout met while reading rows (the next page, read ahead, comes too late) fails {@code ResultSet.next()} with
   * an SQLTimeoutException after the rows already read: never a short result.
   */
  @Test void timeoutOnALaterPageFailsNext() throws Exception {
    try (Connection c = D1.connect("pageSize=2"); Statement st = c.createStatement()) {
      String sql = "select id, name from items";
      assertEquals(D1.fileRows(sql).size(), readAll(st, sql).size());
      st.setQueryTimeout(1);
      D1.faults().next(Fault.delay(Duration.ZERO)).next(Fault.delay(Duration.ofMillis(DELAY_MILLIS)));
      List<Long> seen = new ArrayList<>();
      long start = System.nanoTime();
      try (ResultSet rs = st.executeQuery(sql)) {
        SQLException e = assertThrows(SQLException.class, () -> {
          while (rs.next()) {
            seen.add(rs.getLong(1));
          }
        });
        assertInstanceOf(SQLTimeoutException.class, e);
        assertEquals("HYT00", e.getSQLState());
      } finally {
        D1.faults().clear();
      }
      assertTrue((System.nanoTime() - start) / 1_000_000 < FAIL_WITHIN_MILLIS);
      assertEquals(List.of(1L), seen, "the first page's rows (Calcite's iterator reads one ahead), then the failure");
    }
  }

  /** Retries and the waits between them count against the timeout: a wait that would pass it is not begun. */
  @Test void retryWaitsEndAtTheTimeout() throws Exception {
    try (Connection c = D1.connect("maxAttempts=10", "retryBaseDelayMillis=3000", "retryMaxDelayMillis=3000");
         Statement st = c.createStatement()) {
      String sql = "select name from items where id = 2";
      assertEquals(D1.fileRows(sql), readAll(st, sql));
      st.setQueryTimeout(2); // the 503 comes back well within it even on a loaded machine; the 3 s wait cannot
      D1.faults().next(10, Fault.serverError(503));
      try {
        SQLException e = failFast(st, sql);
        assertEquals("HYT00", e.getSQLState(), e.toString());
        assertTrue(e.getMessage().contains("would pass the timeout"), e.getMessage());
        assertTrue(Errors.messages(e).contains("503"), "the failure the retries were for is the cause");
      } finally {
        D1.faults().clear();
      }
      assertEquals(D1.fileRows(sql), readAll(st, sql));
    }
  }

  /**
   * A write is not stopped by the timeout (cut after it was sent, its outcome would be unknown): an INSERT whose
   * answer comes after the timeout succeeds, and its row is there. (COMMIT is a connection operation and has no
   * statement timeout either; docs/configuration.md.)
   */
  @Test void writesAreNotCutByTheTimeout() throws Exception {
    try (Connection c = connect("database=shop"); Statement st = c.createStatement()) {
      assertEquals(1, st.executeUpdate("insert into items values (100, 'warm')"));
      st.setQueryTimeout(1);
      proxy.delay(1_500);
      assertEquals(1, st.executeUpdate("insert into items values (101, 'late')"));
      proxy.delay(0);
      assertEquals(List.of("101|late"), D1.fileRows("select id, name from items where id = 101"));
      st.executeUpdate("delete from items where id >= 100");
    }
  }

  /** A fan-out's requests run in parallel: all of them are aborted, none left running. */
  @Test void fanOutTimeoutAndCancelAbortEveryDatabasesRequest() throws Exception {
    String sql = "select count(*) as n, min(name) as first from items";
    try (Connection c = connect("databases=shop,eu,us"); Statement st = c.createStatement()) {
      List<String> expected = List.of("9 | eu-a");
      assertEquals(expected, readAll(st, sql));

      st.setQueryTimeout(1);
      proxy.delay(DELAY_MILLIS);
      int abandoned = proxy.abandoned();
      int requests = proxy.requests();
      SQLException e = failFast(st, sql);
      assertEquals("HYT00", e.getSQLState(), e.toString());
      // Every request sent is aborted. A request whose thread starts after the deadline is never sent (correctly),
      // which a loaded machine can cause, so the requests sent are counted rather than assumed to be three.
      int before = abandoned;
      awaitCount(1, () -> proxy.requests() - requests > 0
          && proxy.abandoned() - before == proxy.requests() - requests ? 1 : 0, "each request sent was aborted");
      abandoned = proxy.abandoned();

      try (Statement cancelled = c.createStatement()) {
        SQLException e2 = failFastCancelled(cancelled, sql, 3);
        assertEquals("HY008", e2.getSQLState(), e2.toString());
      }
      awaitCount(abandoned + 3, proxy::abandoned, "each database's request was aborted");

      proxy.delay(0);
      assertEquals(expected, readAll(st, sql), "the connection answers the next query");
    }
  }
}
