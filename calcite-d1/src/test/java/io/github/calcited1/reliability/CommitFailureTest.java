package io.github.calcited1.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.calcited1.jdbc.D1Connections;
import io.github.calcited1.local.fault.Fault;
import io.github.calcited1.write.D1CommitException;
import io.github.calcited1.testing.D1LocalExtension;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a failed COMMIT tells the application, against d1-local (its fault hooks, and {@link FaultProxy} for answers
 * it cannot give): for a split COMMIT exactly which requests were applied, which not, and what is safe to re-run;
 * a 200 carrying an error envelope is an unknown outcome; a refused token is named as such; the commit ledger waits
 * out a server that is briefly unavailable.
 */
class CommitFailureTest {
  @RegisterExtension static final D1LocalExtension d1 = new D1LocalExtension("shop", "other");

  /** Fast client retries, so that the ledger's own patience (not the client's) is what a test exercises. */
  static final String FAST = "maxAttempts=2;retryBaseDelayMillis=10;retryMaxDelayMillis=20";

  @BeforeEach
  void tables() throws Exception {
    d1.server().faults().clear();
    d1.d1Batch("DROP TABLE IF EXISTS orders", "DROP TABLE IF EXISTS notes", "DROP TABLE IF EXISTS _calcite_d1_commits",
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT NOT NULL, qty INTEGER)",
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)",
        "INSERT INTO orders VALUES (1, 'ann', 1), (2, 'bob', 2)");
  }

  @AfterEach
  void noFaultLeft() {
    assertEquals(0, d1.server().faults().pending(), "every queued fault was played");
    d1.server().faults().clear();
  }

  /** Fails, showing the message, unless it contains every part. */
  static void assertMentions(String message, String... parts) {
    for (String part : parts) {
      assertTrue(message.contains(part), "missing \"" + part + "\" in: " + message);
    }
  }

  static boolean hasWarning(Connection c, String text) throws Exception {
    for (SQLWarning w = D1Connections.warnings(c); w != null; w = w.getNextWarning()) {
      if (w.getMessage().contains(text)) {
        return true;
      }
    }
    return false;
  }

  private static long value(String sql) throws Exception {
    return ((Number) d1.d1(sql).rows().get(0)[0]).longValue();
  }

  /** Buffers three writes that pack as request 1 = the two UPDATEs, request 2 = the INSERT (two statements each). */
  private static void bufferSplitTransaction(Statement s, int insertedId) throws Exception {
    s.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
    s.executeUpdate("UPDATE orders SET qty = 20 WHERE id = 2");
    s.executeUpdate("INSERT INTO orders VALUES (" + insertedId + ", 'cy', 3)");
  }

  @Test
  void splitCommitRefusedInRequestTwoSaysRequestOneIsAppliedAndNotToRerunTheWhole() throws Exception {
    try (Connection c = d1.connect("maxStatementsPerRequest=2", "commitLedger=true");
         Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      bufferSplitTransaction(s, 1); // id 1 exists: request 2 fails on the primary key
      D1CommitException e = assertThrows(D1CommitException.class, c::commit);
      String m = e.getMessage();
      assertEquals("23505", e.getSQLState());
      assertEquals(1, e.requestsApplied());
      assertEquals(2, e.requests());
      assertMentions(m,
          "statement 1 of 1 in request 2 of 2 failed (INSERT INTO \"orders\"",
          "APPLIED: request 1 (2 D1 statement(s) from UPDATE",
          "D1 reported 2 row(s) changed",
          "NOT APPLIED: request 2 (1 D1 statement(s) from INSERT INTO \"orders\"",
          "Do NOT re-run the whole transaction: request 1 (applied) would be applied twice",
          "re-run only the writes of request 2 (1 D1 statement(s) from INSERT");
      assertFalse(m.contains("re-run the transaction"), m);
    }
    assertEquals(10, value("SELECT qty FROM orders WHERE id = 1"), "request 1 is applied");
    assertEquals(20, value("SELECT qty FROM orders WHERE id = 2"));
    assertEquals("ann", d1.d1("SELECT customer FROM orders WHERE id = 1").rows().get(0)[0]);
  }

  @Test
  void aWriteSplitAcrossRequestsIsNamedWithTheStatementsEachPartHolds() throws Exception {
    try (Connection c = d1.connect("maxStatementsPerRequest=2", "maxValueBytes=1000");
         java.sql.PreparedStatement insert = c.prepareStatement("INSERT INTO orders VALUES (?, ?, 1)")) {
      c.setAutoCommit(false);
      for (int id = 100; id <= 200; id++) {
        insert.setInt(1, id == 200 ? 1 : id); // the last row repeats key 1: the write's last statement fails
        insert.setString(2, "customer number " + id);
        insert.executeUpdate(); // 101 rows of ~30 bytes: one write, packed into statements of at most 1,000 bytes
      }
      D1CommitException e = assertThrows(D1CommitException.class, c::commit);
      String m = e.getMessage();
      java.util.regex.Matcher applied = java.util.regex.Pattern.compile("APPLIED: requests? 1(\\.\\.\\d+)? \\((\\d+)"
          + " D1 statement\\(s\\) from INSERT INTO \"orders\" \\[id, customer, qty\\] \\(101 rows\\): its D1 statements"
          + " 1-(\\d+) of (\\d+)\\), D1 reported (\\d+) row\\(s\\) changed").matcher(m);
      assertTrue(applied.find(), m);
      int appliedStatements = Integer.parseInt(applied.group(2));
      int all = Integer.parseInt(applied.group(4));
      assertEquals(appliedStatements, Integer.parseInt(applied.group(3)), m);
      assertTrue(appliedStatements < all, m);
      assertEquals(2 * e.requestsApplied(), appliedStatements, m);
      assertMentions(m, "NOT APPLIED: request " + e.requests() + " (" + (all - appliedStatements) + " D1 statement(s)"
          + " from INSERT INTO \"orders\" [id, customer, qty] (101 rows): its D1 statements " + (appliedStatements + 1)
          + "-" + all + " of " + all + ")");
      long reported = Long.parseLong(applied.group(5));
      assertTrue(reported > 0 && reported < 100, m);
      assertEquals(reported, value("SELECT count(*) FROM orders WHERE id >= 100"),
          "exactly the rows the message reports as applied are in D1");
    }
  }

  /**
   * Commits {@link #bufferSplitTransaction} and returns the message of its failure: request 1 applied, request 2's
   * outcome unknown (08007), and never the advice to re-run the whole transaction.
   */
  private static String unknownAfterRequestOne(Connection c) {
    D1CommitException e = assertThrows(D1CommitException.class, c::commit);
    assertEquals("08007", e.getSQLState());
    assertEquals(1, e.requestsApplied());
    assertMentions(e.getMessage(), "APPLIED: request 1 (", "OUTCOME UNKNOWN: request 2 (",
        "Do NOT re-run the whole transaction");
    return e.getMessage();
  }

  @Test
  void splitCommitWithUnresolvableLedgerNeverAdvisesRerunningTheWholeTransaction() throws Exception {
    try (Connection c = d1.connect("maxStatementsPerRequest=2", "commitLedger=true");
         Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      bufferSplitTransaction(s, 3);
      // Request 1 answers normally; request 2 and each of its 3 resends get a 500 (not run); the ledger reads
      // between them answer normally (the id is not there), so the ledger gives up after 3 resends.
      d1.server().faults().next(Fault.delay(Duration.ZERO)).next(Fault.serverError(500));
      for (int i = 0; i < 3; i++) {
        d1.server().faults().next(Fault.delay(Duration.ZERO)).next(Fault.serverError(500));
      }
      String m = unknownAfterRequestOne(c);
      assertMentions(m,
          "the outcome of request 2 of 2 (commit ",
          "3 resends were not answered either",
          "If the ledger query finds a row, the transaction is complete; if it finds none, re-run only the writes of"
              + " request 2 (1 D1 statement(s) from INSERT INTO \"orders\"");
      assertFalse(m.contains("re-run the transaction only if"), m);
    }
    assertEquals(10, value("SELECT qty FROM orders WHERE id = 1"));
    assertEquals(0, value("SELECT count(*) FROM orders WHERE id = 3"), "request 2 never ran");
  }

  @Test
  void splitCommitWithoutLedgerWhoseRequestTwoIsLostSaysWhatToCheck() throws Exception {
    try (Connection c = d1.connect("maxStatementsPerRequest=2"); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      bufferSplitTransaction(s, 3);
      d1.server().faults().next(Fault.delay(Duration.ZERO)).next(Fault.dropAfterExecute());
      String m = unknownAfterRequestOne(c);
      assertMentions(m,
          "The outcome of request 2 of 2 is UNKNOWN (SQLState 08007)",
          "Check first: read back a row that request 2 wrote (INSERT INTO \"orders\"",
          "if it is there, the transaction is complete; if it is absent, re-run only the writes of request 2");
      assertFalse(m.contains("this transaction wrote"), m);
    }
    assertEquals(1, value("SELECT count(*) FROM orders WHERE id = 3"), "the lost request had landed");
  }

  @Test
  void ledgerWaitsOutAServerThatIsBrieflyUnavailable() throws Exception {
    try (Connection c = d1.connect("commitLedger=true", FAST); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.executeUpdate("INSERT INTO notes VALUES (1, 'x')");
      s.executeUpdate("UPDATE orders SET qty = qty + 1 WHERE id = 1");
      // The COMMIT runs, its answer is lost; then 8 reads in a row get 503: 4 ledger reads of 2 attempts each
      // (the client's retries alone are over in well under a second).
      d1.server().faults().next(Fault.dropAfterExecute()).next(8, Fault.serverError(503));
      long start = System.nanoTime();
      c.commit();
      assertTrue(System.nanoTime() - start < 20_000_000_000L, "within the ledger's patience");
      assertTrue(hasWarning(c, "confirmed by the commit ledger"));
    }
    assertEquals(1, value("SELECT count(*) FROM notes"));
    assertEquals(2, value("SELECT qty FROM orders WHERE id = 1"), "applied once");
  }

  @Test
  void ledgerWaitsOutARealRestart() throws Exception {
    try (Connection c = d1.connect("commitLedger=true", FAST); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.executeUpdate("INSERT INTO notes VALUES (2, 'y')");
      s.executeUpdate("UPDATE orders SET qty = qty + 1 WHERE id = 2");
      // The COMMIT is held 1 s by d1-local; meanwhile the server goes down (the held request dies with it, or
      // lands: either way its answer is lost) and comes back 1.5 s later on the same port.
      d1.server().faults().next(Fault.delay(Duration.ofSeconds(1)));
      Thread restart = new Thread(() -> {
        try {
          Thread.sleep(300);
          d1.restart(Duration.ofMillis(1500));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      restart.start();
      try {
        c.commit();
      } finally {
        restart.join(10_000);
      }
    }
    assertEquals(1, value("SELECT count(*) FROM notes WHERE id = 2"), "exactly once");
    assertEquals(3, value("SELECT qty FROM orders WHERE id = 2"), "exactly once");
  }

  private static String proxyUrl(FaultProxy proxy, String... extra) {
    return "jdbc:d1:database=shop;accountId=" + D1LocalExtension.ACCOUNT + ";baseUrl=" + proxy.baseUrl() + ";apiToken="
        + D1LocalExtension.TOKEN + (extra.length == 0 ? "" : ";" + String.join(";", extra));
  }

  @Test
  void http200WithAnErrorEnvelopeAfterTheWriteRanIsAnUnknownOutcome() throws Exception {
    try (FaultProxy proxy = new FaultProxy(d1.server().baseUrl(), false)) {
      proxy.start();
      try (Connection c = DriverManager.getConnection(proxyUrl(proxy)); Statement s = c.createStatement()) {
        c.setAutoCommit(false);
        s.executeUpdate("INSERT INTO notes VALUES (3, 'z')");
        proxy.next(FaultProxy.Spoil.ERROR_ENVELOPE);
        D1CommitException e = assertThrows(D1CommitException.class, c::commit);
        assertEquals("08007", e.getSQLState(), e.getMessage());
        assertTrue(e.getMessage().contains("D1 answered HTTP 200 but with an error instead of results"),
            e.getMessage());
        assertTrue(e.getMessage().contains("Check before re-running"), e.getMessage());
      }
      assertEquals(1, value("SELECT count(*) FROM notes WHERE id = 3"), "it had run");
      // With the ledger: consulted, finds the commit, reports success.
      try (Connection c = DriverManager.getConnection(proxyUrl(proxy, "commitLedger=true"));
           Statement s = c.createStatement()) {
        c.setAutoCommit(false);
        s.executeUpdate("INSERT INTO notes VALUES (4, 'w')");
        s.executeUpdate("UPDATE orders SET qty = qty + 1 WHERE id = 1");
        proxy.next(FaultProxy.Spoil.ERROR_ENVELOPE);
        c.commit();
        assertTrue(hasWarning(c, "confirmed by the commit ledger"));
      }
      assertEquals(0, proxy.pending());
    }
    assertEquals(1, value("SELECT count(*) FROM notes WHERE id = 4"));
    assertEquals(2, value("SELECT qty FROM orders WHERE id = 1"), "applied once");
  }

  /**
   * An autocommit write whose answer is lost after D1 ran it: the SQLException the application catches carries
   * 08007 itself (not only a cause), for a pushed statement and for one run by key.
   */
  @Test
  void autocommitWriteWithALostAnswerIs08007OnTheExceptionTheApplicationCatches() throws Exception {
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      d1.server().faults().next(Fault.dropAfterExecute());
      SQLException e = assertThrows(SQLException.class, () -> s.executeUpdate("INSERT INTO notes VALUES (6, 'u')"));
      assertEquals("08007", e.getSQLState(), e.getMessage());
      // By key (UPPER stays in Calcite): the read passes, the write's answer is lost.
      d1.server().faults().next(Fault.delay(Duration.ZERO)).next(Fault.dropAfterExecute());
      e = assertThrows(SQLException.class,
          () -> s.executeUpdate("UPDATE orders SET qty = qty + 1 WHERE UPPER(customer) = 'ANN'"));
      assertEquals("08007", e.getSQLState(), e.getMessage());
      assertTrue(d1.lastRequestBody().contains("json_each"), "ran by key: " + d1.lastRequestBody());
    }
    assertEquals(1, value("SELECT count(*) FROM notes WHERE id = 6"), "it had run");
    assertEquals(2, value("SELECT qty FROM orders WHERE id = 1"), "it had run, once");
  }

  @Test
  void commitRefusedForTheTokenSaysItIsTheToken() throws Exception {
    try (FaultProxy proxy = new FaultProxy(d1.server().baseUrl(), false)) {
      proxy.start();
      try (Connection c = DriverManager.getConnection(proxyUrl(proxy)); Statement s = c.createStatement()) {
        c.setAutoCommit(false);
        s.executeUpdate("INSERT INTO notes VALUES (5, 'v')");
        s.executeUpdate("UPDATE orders SET qty = 7 WHERE id = 2");
        proxy.next(FaultProxy.Spoil.WRONG_TOKEN);
        D1CommitException e = assertThrows(D1CommitException.class, c::commit);
        String m = e.getMessage();
        assertEquals("28000", e.getSQLState(), m);
        assertMentions(m,
            "D1 refused the API token (HTTP 401, SQLState 28000), so no statement of this request" + " ran",
            "Nothing of this request was applied");
        assertFalse(m.contains("statements of the request failed"), m);
        assertFalse(m.contains("statement 1 of"), m);
      }
      assertEquals(0, proxy.pending());
    }
    assertEquals(0, value("SELECT count(*) FROM notes WHERE id = 5"));
    assertEquals(2, value("SELECT qty FROM orders WHERE id = 2"));
  }
}
