package io.github.calcited1.write;

import io.github.calcited1.config.D1WriteOptions;
import io.github.calcited1.local.fault.Fault;
import io.github.calcited1.testing.D1LocalExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Writes Calcite computes from rows it read (by key) are compare-and-set: a row another client changed meanwhile makes
 * the COMMIT (or the autocommit statement) fail whole with SQLState 40001, never a silent lost update. Against
 * d1-local.
 */
class D1WriteConflictTest {
  @RegisterExtension static final D1LocalExtension d1 = new D1LocalExtension("shop", "other");

  @BeforeEach
  void tables() throws Exception {
    d1.d1Batch("DROP TABLE IF EXISTS counter", "DROP TABLE IF EXISTS acct", "DROP TABLE IF EXISTS nopk",
        "DROP TABLE IF EXISTS log",
        "CREATE TABLE counter (id INTEGER PRIMARY KEY, n DECIMAL(12, 2) NOT NULL)",
        "INSERT INTO counter VALUES (1, 0)",
        "CREATE TABLE acct (id INTEGER PRIMARY KEY, name TEXT COLLATE NOCASE, price DECIMAL(10, 2), ts TIMESTAMP,"
            + " r REAL, big BIGINT, b BLOB, n INTEGER)",
        "INSERT INTO acct VALUES (1, 'ada', 0.1, '2024-01-02T03:04:05Z', 0.1, 9007199254740993, x'00ff', 0),"
            + " (2, ' Bob ', 1.5, '2024-06-01 10:00:00.250', 1e-300, -9223372036854775808, NULL, 0),"
            + " (3, NULL, NULL, NULL, NULL, NULL, x'', 0)",
        "CREATE TABLE nopk (a INTEGER, b TEXT COLLATE NOCASE)",
        "INSERT INTO nopk VALUES (1, 'x'), (1, 'x'), (1, 'X'), (2, 'y')",
        "CREATE TABLE log (id INTEGER PRIMARY KEY, msg TEXT)");
  }

  private static Object value(String sql) throws SQLException {
    return d1.d1(sql).rows().get(0)[0];
  }

  /**
   * Runs {@code write} in a transaction (it reads now), lets another client run {@code concurrent}, then commits:
   * the COMMIT must fail with 40001 naming {@code table}, having applied nothing of the transaction.
   */
  private static void assertConflict(String write, String concurrent, String table) throws Exception {
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.executeUpdate("INSERT INTO log (id, msg) VALUES (99, 'same transaction')");
      assertTrue(s.executeUpdate(write) > 0, write);
      d1.d1(concurrent);
      SQLException e = assertThrows(SQLException.class, c::commit, write);
      assertEquals("40001", e.getSQLState(), e.getMessage());
      assertTrue(e.getMessage().contains("Write conflict on D1 table \"" + table + "\""), e.getMessage());
      assertTrue(e.getMessage().contains("the row changed since it was read"), e.getMessage());
      assertTrue(e.getMessage().contains("Nothing of the transaction was applied: re-run it"), e.getMessage());
      assertTrue(d1.lastRequestBody().contains("json_each"), "ran by key: " + d1.lastRequestBody());
      assertEquals(0L, d1.count("log"), "nothing of the failed COMMIT was applied");
    }
  }

  @Test
  void byKeyUpdatesConflictInsteadOfOverwritingAConcurrentChange() throws Exception {
    // Each of these stays in Calcite (docs/pushdown.md), so the UPDATE runs by key.
    assertConflict("UPDATE acct SET n = n + 1 WHERE UPPER(name) = 'ADA'", "UPDATE acct SET n = 7 WHERE id = 1",
        "acct");
    assertEquals(7L, value("SELECT n FROM acct WHERE id = 1"), "the concurrent write stays");
    assertConflict("UPDATE acct SET n = n + 1 WHERE TRIM(name) = 'Bob'", "UPDATE acct SET n = 8 WHERE id = 2",
        "acct");
    assertConflict("UPDATE acct SET n = n + 1 WHERE CHAR_LENGTH(name) = 3", "UPDATE acct SET r = 2 WHERE id = 1",
        "acct");
    assertConflict("UPDATE acct SET n = n + 1 WHERE EXTRACT(HOUR FROM ts) = 10",
        "UPDATE acct SET ts = '2025-01-01 10:00:00' WHERE id = 2", "acct");
    // A TIMESTAMP comparison is exact in D1 (timestamp keys, docs/pushdown.md): pushed whole, nothing read first.
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE acct SET n = n + 1 WHERE ts >= TIMESTAMP '2024-03-01 00:00:00'");
      assertFalse(d1.lastRequestBody().contains("json_each"), "pushed whole: " + d1.lastRequestBody());
    }
    assertConflict("UPDATE counter SET n = n + 1 WHERE id = 1", "UPDATE counter SET n = 5 WHERE id = 1",
        "counter");
    assertEquals(5L, value("SELECT n FROM counter WHERE id = 1"));
    // A text column compares byte for byte: a change of case only is a change.
    assertConflict("UPDATE acct SET n = n + 1 WHERE UPPER(name) = 'ADA'",
        "UPDATE acct SET name = 'ADA' WHERE id = 1", "acct");
  }

  /**
   * In autocommit the SQLException the application catches carries 40001 itself (not only a cause): the by-key
   * UPDATE's write request is held 3 s by d1-local while another client changes the row it read.
   */
  @Test
  void autocommitConflictIsOnTheExceptionTheApplicationCatches() throws Exception {
    String write = "UPDATE counter SET n = n + 1 WHERE id = 1";
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      assertEquals(1, s.executeUpdate(write), "warm-up: metadata and plan");
      long before = d1.server().requestCount();
      assertEquals(1, s.executeUpdate(write));
      assertEquals(2, d1.server().requestCount() - before, "by key in autocommit: one read, then one write");
      // The read passes untouched; the write waits 3 s before it runs, long enough for the concurrent change.
      d1.server().faults().next(Fault.delay(Duration.ZERO)).next(Fault.delay(Duration.ofSeconds(3)));
      ExecutorService other = Executors.newSingleThreadExecutor();
      try {
        Future<?> concurrent = other.submit(() -> {
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
          while (d1.server().faults().pending() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
          }
          d1.d1("UPDATE counter SET n = 40 WHERE id = 1");
          return null;
        });
        SQLException e = assertThrows(SQLException.class, () -> s.executeUpdate(write));
        concurrent.get(30, TimeUnit.SECONDS);
        assertEquals("40001", e.getSQLState(), e.getMessage());
        assertTrue(e.getMessage().contains("Write conflict on D1 table \"counter\""), e.getMessage());
      } finally {
        other.shutdownNow();
        d1.server().faults().clear();
      }
    }
    assertEquals(40L, ((Number) value("SELECT n FROM counter WHERE id = 1")).longValue(), "the concurrent write stays");
  }

  @Test
  void rowsDeletedOrInsertedMeanwhileConflictToo() throws Exception {
    assertConflict("UPDATE acct SET n = n + 1 WHERE UPPER(name) = 'ADA'", "DELETE FROM acct WHERE id = 1", "acct");
    d1.d1("INSERT INTO acct (id, name, n) VALUES (1, 'ada', 0)");
    assertConflict("DELETE FROM acct WHERE UPPER(name) = 'ADA'", "UPDATE acct SET n = 3 WHERE id = 1", "acct");
    assertEquals(1L, d1.count("acct WHERE id = 1"), "the row was not deleted");
    // MERGE whose SET is computed from the target: the matched row is compare-and-set, the unmatched one must
    // still be absent when the request runs.
    String merge = "MERGE INTO counter t USING (VALUES (1, 10), (2, 20)) AS s (k, v) ON t.id = s.k"
        + " WHEN MATCHED THEN UPDATE SET n = t.n + s.v WHEN NOT MATCHED THEN INSERT (id, n) VALUES (s.k, s.v)";
    assertConflict(merge, "UPDATE counter SET n = 4 WHERE id = 1", "counter");
    assertConflict(merge, "INSERT INTO counter VALUES (2, 1)", "counter");
    assertEquals(1L, value("SELECT n FROM counter WHERE id = 2"), "the concurrent insert stays");
    d1.d1("DELETE FROM counter WHERE id = 2");
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      assertEquals(2, s.executeUpdate(merge));
    }
    assertEquals(14L, value("SELECT n FROM counter WHERE id = 1"));
    assertEquals(20L, value("SELECT n FROM counter WHERE id = 2"));
  }

  @Test
  void unchangedRowsNeverConflictWhateverTheirValues() throws Exception {
    // REAL, DECIMAL, ISO-8601 spellings, 64-bit integers, BLOBs, NULLs and NOCASE text all compare as read.
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      assertEquals(3, s.executeUpdate("UPDATE acct SET n = n + 1 WHERE CHAR_LENGTH(COALESCE(name, '')) >= 0"));
      assertEquals(3, s.executeUpdate("UPDATE acct SET price = price + 1 WHERE id > 0"));
    }
    assertEquals(List.of("1|1.1|9007199254740993", "1|2.5|-9223372036854775808", "1|null|null"),
        d1.fileRows("SELECT n, price, big FROM acct ORDER BY id"));
    // Identical rows of a table without a key are one JSON row that the statement changes twice.
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      assertEquals(3, s.executeUpdate("UPDATE nopk SET a = a + 10 WHERE UPPER(b) = 'X'"));
      assertEquals(3, s.executeUpdate("DELETE FROM nopk WHERE UPPER(b) = 'X'"));
    }
    assertEquals(List.of("2|y"), d1.fileRows("SELECT a, b FROM nopk"));
  }

  @Test
  void concurrentIncrementsByKeyAreNeverLost() throws Exception {
    int threads = 8;
    int increments = 50;
    // DECIMAL arithmetic stays in Calcite: each increment reads the row, then writes it back by key.
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE counter SET n = n + 1 WHERE id = 1");
      assertTrue(d1.lastRequestBody().contains("json_each"), d1.lastRequestBody());
    }
    d1.d1("UPDATE counter SET n = 0");
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<int[]>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        results.add(pool.submit(() -> {
          int done = 0;
          int conflicts = 0;
          try (Connection c = d1.connect();
               PreparedStatement ps = c.prepareStatement("UPDATE counter SET n = n + 1 WHERE id = 1")) {
            while (done < increments && conflicts < 20 * increments) {
              try {
                assertEquals(1, ps.executeUpdate());
                done++;
              } catch (SQLException e) {
                assertEquals("40001", e.getSQLState(), () -> "not a conflict: " + e);
                conflicts++;
              }
            }
          }
          return new int[] {done, conflicts};
        }));
      }
      pool.shutdown();
      assertTrue(pool.awaitTermination(240, TimeUnit.SECONDS), "bounded in time");
      int done = 0;
      int conflicts = 0;
      for (Future<int[]> f : results) {
        done += f.get()[0];
        conflicts += f.get()[1];
      }
      assertEquals(threads * increments, done, "every increment succeeded, after " + conflicts + " conflicts");
      assertEquals((long) done, ((Number) value("SELECT n FROM counter WHERE id = 1")).longValue(),
          "no success was lost (" + conflicts + " conflicts were retried)");
      assertTrue(conflicts > 0, "the connections did race");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aCheckNeverTravelsWithoutItsWrite() {
    D1WriteOptions oneStatementPerRequest = new D1WriteOptions(false, false, 1_000, 1, 10_000_000L, true);
    List<D1BatchPacker.Planned> planned = new ArrayList<>();
    D1Update u = new D1Update("t", new D1KeyMatch(List.of("id"), false), List.of("v"),
        List.of(D1ValueKind.INTEGER, D1ValueKind.TEXT));
    planned.add(new D1BatchPacker.Planned(D1WriteConflict.check(1, "m"), u, false));
    planned.add(new D1BatchPacker.Planned(D1WriteConflict.check(1, "m"), u, true));
    planned.add(new D1BatchPacker.Planned(D1WriteConflict.check(1, "m"), u, false));
    List<List<D1BatchPacker.Planned>> requests = D1BatchPacker.pack(planned, oneStatementPerRequest);
    assertEquals(2, requests.size());
    assertEquals(2, requests.get(0).size());
    assertFalse(requests.get(1).get(0).staysWithPrevious);
  }
}
