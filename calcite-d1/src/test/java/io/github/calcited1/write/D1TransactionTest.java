package io.github.calcited1.write;

import io.github.calcited1.jdbc.D1Connections;
import io.github.calcited1.local.RecordedRequest;
import io.github.calcited1.testing.D1LocalExtension;
import org.apache.calcite.runtime.Hook;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static io.github.calcited1.testing.Errors.messages;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Buffered transactions through jdbc:d1: against d1-local: one request per COMMIT, rollback, visibility, errors. */
class D1TransactionTest {
  @RegisterExtension static final D1LocalExtension d1 = new D1LocalExtension("shop", "other");

  @BeforeEach
  void tables() throws Exception {
    d1.d1Batch("DROP TABLE IF EXISTS orders",
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT NOT NULL, amount REAL, qty INTEGER)",
        "INSERT INTO orders VALUES (1, 'ann', 10.5, 1), (2, 'bob', 20.0, 2)");
  }

  /** Rows of a query through Calcite (reads are immediate and see committed state only). */
  private static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      long n = 0;
      while (rs.next()) {
        n++;
      }
      return n;
    }
  }

  private static long value(String sql) throws SQLException {
    return ((Number) d1.d1(sql).rows().get(0)[0]).longValue();
  }

  @Test
  void autocommitIsOnByDefault() throws Exception {
    try (Connection c = d1.connect()) {
      assertTrue(c.getAutoCommit());
    }
  }

  @Test
  void commitSendsEverythingInOneRequestAndBufferedWritesAreInvisibleBefore() throws Exception {
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      long before = d1.requestCount();
      assertEquals(2, s.executeUpdate("INSERT INTO orders VALUES (3, 'cy', 1.25, 3), (4, 'di', 2.5, 4)"));
      assertEquals(0, s.executeUpdate("UPDATE orders SET qty = qty + 10 WHERE customer = 'ann'"));
      assertEquals(0, s.executeUpdate("DELETE FROM orders WHERE id = 2"));
      assertEquals(before, d1.requestCount(), "buffered writes send nothing");
      assertEquals(3, D1Connections.pendingStatements(c));
      // Reads are immediate and see committed state only.
      assertEquals(2, count(c, "SELECT id FROM orders"));
      assertEquals(2, d1.count("orders"));
      long beforeCommit = d1.requestCount();
      c.commit();
      assertEquals(beforeCommit + 1, d1.requestCount(), "COMMIT is exactly one request");
      assertEquals(3, count(c, "SELECT id FROM orders"));
      assertEquals(11, value("SELECT qty FROM orders WHERE id = 1"));
      List<D1CommitStats> stats = D1Connections.lastCommitStats(c);
      assertEquals(1, stats.size());
      assertEquals(1, stats.get(0).requestsSent());
      assertEquals(3, stats.get(0).writesBuffered());
      assertEquals(2, stats.get(0).rowsInserted());
      assertEquals(4, stats.get(0).changes()); // 2 inserted + 1 updated + 1 deleted
      assertEquals(0, D1Connections.pendingStatements(c));
    }
  }

  @Test
  void rollbackAndCloseLeaveD1Untouched() throws Exception {
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.executeUpdate("INSERT INTO orders VALUES (5, 'eve', 1.0, 1)");
      s.executeUpdate("DELETE FROM orders");
      long before = d1.requestCount();
      c.rollback();
      assertEquals(before, d1.requestCount(), "ROLLBACK sends nothing");
      c.commit(); // nothing left to send
      assertEquals(before, d1.requestCount());
      assertEquals(2, d1.count("orders"));
      s.executeUpdate("DELETE FROM orders");
    }
    assertEquals(2, d1.count("orders"), "closing without commit discards");
  }

  @Test
  void switchingAutocommitBackOnCommits() throws Exception {
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.executeUpdate("INSERT INTO orders VALUES (6, 'fay', 1.0, 1)");
      assertEquals(2, d1.count("orders"));
      c.setAutoCommit(true);
      assertEquals(3, d1.count("orders"));
    }
  }

  @Test
  void autocommitStatementIsOneRequestWithD1Counts() throws Exception {
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      long before = d1.requestCount();
      assertEquals(2, s.executeUpdate("UPDATE orders SET qty = 0 WHERE qty > 0"));
      assertEquals(before + 1, d1.requestCount());
      assertEquals(0, s.executeUpdate("DELETE FROM orders WHERE id = 99"));
      assertEquals(1, s.executeUpdate("INSERT INTO orders (id, customer) VALUES (7, 'gus')"));
      assertEquals(before + 3, d1.requestCount());
    }
  }

  @Test
  void failingStatementLeavesNothingAppliedAndIsNamed() throws Exception {
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.executeUpdate("INSERT INTO orders VALUES (8, 'hal', 1.0, 1)");
      s.executeUpdate("UPDATE orders SET qty = 99");
      s.executeUpdate("INSERT INTO orders VALUES (1, 'dup', 1.0, 1)"); // primary key 1 exists
      s.executeUpdate("DELETE FROM orders WHERE id = 2");
      SQLException e = assertThrows(SQLException.class, c::commit);
      D1CommitException ce = e instanceof D1CommitException ? (D1CommitException) e
          : (D1CommitException) e.getCause();
      assertTrue(ce.getMessage().contains("UNIQUE constraint failed: orders.id"), ce.getMessage());
      assertEquals(3, ce.failedStatement(), ce.getMessage());
      assertTrue(ce.failedWrite().contains("INSERT INTO \"orders\""), ce.failedWrite());
      assertTrue(ce.getMessage().contains("Nothing of this request was applied"), ce.getMessage());
      assertEquals(0, D1Connections.pendingStatements(c), "the buffer is cleared");
    }
    assertEquals(2, d1.count("orders"));
    assertEquals(3, ((Number) d1.d1("SELECT sum(qty) FROM orders").rows().get(0)[0]).longValue());
  }

  @Test
  void twoConnectionsHaveSeparateBuffers() throws Exception {
    try (Connection a = d1.connect(); Connection b = d1.connect();
         Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
      a.setAutoCommit(false);
      b.setAutoCommit(false);
      sa.executeUpdate("INSERT INTO orders VALUES (10, 'a', 1.0, 1)");
      sb.executeUpdate("INSERT INTO orders VALUES (20, 'b', 1.0, 1)");
      a.rollback();
      long before = d1.requestCount();
      b.commit();
      assertEquals(before + 1, d1.requestCount());
      assertEquals(1, d1.count("orders WHERE id = 20"));
      assertEquals(0, d1.count("orders WHERE id = 10"));
    }
  }

  @Test
  void jdbcBatchInAutocommitIsOneRequest() throws Exception {
    try (Connection c = d1.connect();
         PreparedStatement ps =
             c.prepareStatement("INSERT INTO orders (id, customer, amount, qty) VALUES (?, ?, ?, ?)")) {
      for (int i = 100; i < 400; i++) {
        ps.setInt(1, i);
        ps.setString(2, "c" + i);
        ps.setDouble(3, i / 4.0);
        ps.setLong(4, i);
        ps.addBatch();
      }
      long before = d1.requestCount();
      int[] counts = ps.executeBatch();
      assertEquals(before + 1, d1.requestCount(), "a JDBC batch is one D1 request");
      assertEquals(300, counts.length);
      for (int n : counts) {
        assertEquals(1, n);
      }
      assertEquals(302, d1.count("orders"));
      // 300 single-row INSERTs were coalesced into one packed statement.
      assertEquals(1, D1Connections.lastCommitStats(c).get(0).statementsSent());
    }
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      s.addBatch("UPDATE orders SET qty = 0 WHERE id < 200");
      s.addBatch("DELETE FROM orders WHERE id >= 300");
      long before = d1.requestCount();
      int[] counts = s.executeBatch();
      assertEquals(before + 1, d1.requestCount());
      assertArrayEquals(new int[] {102, 100}, counts, "UPDATE/DELETE counts of an autocommit batch are D1's");
    }
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.addBatch("UPDATE orders SET qty = 1 WHERE id < 200");
      s.addBatch("INSERT INTO orders (id, customer, amount, qty) VALUES (900, 'zed', 1.0, 1)");
      int[] counts = s.executeBatch();
      // buffered: a pushed UPDATE's count is unknown until COMMIT, which JDBC's batch says as SUCCESS_NO_INFO
      assertArrayEquals(new int[] {Statement.SUCCESS_NO_INFO, 1}, counts);
      c.rollback();
    }
  }

  @Test
  void pushedUpdateAndDeleteAreOneStatementEach() throws Exception {
    List<String> sqls = new ArrayList<>();
    try (Hook.Closeable h = Hook.QUERY_PLAN.addThread((Object o) -> sqls.add(String.valueOf(o).replace('\n', ' ')));
         Connection c = d1.connect(); Statement s = c.createStatement()) {
      long before = d1.requestCount();
      assertEquals(1, s.executeUpdate("UPDATE orders SET amount = amount * 2, qty = qty + 1 WHERE qty >= 2"));
      assertEquals(1, s.executeUpdate("DELETE FROM orders WHERE customer = 'ann'"));
      assertEquals(before + 2, d1.requestCount());
    }
    List<String> writes = sqls.stream().filter(q -> q.startsWith("UPDATE") || q.startsWith("DELETE")).toList();
    assertEquals(List.of(
        // DOUBLE arithmetic is made REAL in SQLite too (docs/pushdown.md): a no-op on this REAL column
        // every column read is qualified, never a bare "name" SQLite could take for a string (D1SqlDialect)
        "UPDATE \"orders\" SET \"amount\" = CAST(\"orders\".\"amount\" AS REAL) * CAST(? AS INTEGER),"
            + " \"qty\" = \"orders\".\"qty\" + CAST(? AS INTEGER) WHERE \"orders\".\"qty\" >= CAST(? AS INTEGER)",
        // literals are bound, as in reads (one generator for both)
        "DELETE FROM \"orders\" WHERE \"orders\".\"customer\" = ?"), writes);
    List<RecordedRequest> recorded = d1.server().recordedRequests();
    assertTrue(recorded.get(recorded.size() - 1).body().contains("DELETE FROM"));
    assertEquals(40, value("SELECT amount FROM orders WHERE id = 2"));
    assertEquals(3, value("SELECT qty FROM orders WHERE id = 2"));
    assertEquals(1, d1.count("orders"));
  }

  @Test
  void updateThatD1CannotComputeRunsByPrimaryKey() throws Exception {
    // Calcite's UPPER is Unicode-aware, SQLite's is ASCII-only, so the read path keeps UPPER in Calcite: the UPDATE
    // cannot be one statement inside D1. Calcite computes the rows; D1 gets one by-key UPDATE.
    d1.d1("UPDATE orders SET customer = '\u00e9mile' WHERE id = 2");
    List<String> bodies = new ArrayList<>();
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      long before = d1.requestCount();
      assertEquals(2, s.executeUpdate("UPDATE orders SET customer = UPPER(customer) WHERE qty > 0"));
      for (RecordedRequest r : d1.server().recordedRequests()) {
        bodies.add(r.body());
      }
      assertEquals(before + 2, d1.requestCount(), "one read of the rows, one write");
    }
    assertTrue(bodies.get(bodies.size() - 1).contains("FROM json_each(?) AS j WHERE \\\"orders\\\".\\\"id\\\""),
        bodies.get(bodies.size() - 1));
    assertEquals("\u00c9MILE", d1.d1("SELECT customer FROM orders WHERE id = 2").rows().get(0)[0]);
    assertEquals("ANN", d1.d1("SELECT customer FROM orders WHERE id = 1").rows().get(0)[0]);
  }

  @Test
  void mergeBecomesOneUpsertStatement() throws Exception {
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      long before = d1.requestCount();
      int n = s.executeUpdate("MERGE INTO orders t"
          + " USING (VALUES (1, 'ann2', 3.5, 7), (9, 'nine', 4.5, 1)) AS src (id, cu, am, q)"
          + " ON t.id = src.id"
          + " WHEN MATCHED THEN UPDATE SET customer = src.cu, qty = src.q"
          + " WHEN NOT MATCHED THEN INSERT (id, customer, amount, qty) VALUES (src.id, src.cu, src.am, src.q)");
      assertEquals(2, n, d1.server().recordedRequests().get(d1.server().recordedRequests().size() - 1).body());
      assertTrue(d1.requestCount() - before <= 2, "at most one read (the target rows) and one write");
    }
    String body = d1.server().recordedRequests().get(d1.server().recordedRequests().size() - 1).body();
    assertTrue(body.contains("ON CONFLICT (\\\"id\\\") DO UPDATE SET"), body);
    assertEquals(3, d1.count("orders"));
    assertEquals("ann2", d1.d1("SELECT customer FROM orders WHERE id = 1").rows().get(0)[0]);
    assertEquals(7, value("SELECT qty FROM orders WHERE id = 1"));
    assertEquals(10.5, ((Number) d1.d1("SELECT amount FROM orders WHERE id = 1").rows().get(0)[0]).doubleValue(),
        "columns the MERGE does not set keep their values");
    assertEquals("nine", d1.d1("SELECT customer FROM orders WHERE id = 9").rows().get(0)[0]);
    assertEquals(4.5, ((Number) d1.d1("SELECT amount FROM orders WHERE id = 9").rows().get(0)[0]).doubleValue());
    // Update values that differ from the insert values: a by-key UPDATE plus INSERT ... DO NOTHING, one request.
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.executeUpdate("MERGE INTO orders t"
          + " USING (VALUES (2, 'bob', 1.0, 5), (10, 'ten', 2.0, 6)) AS src (id, cu, am, q)"
          + " ON t.id = src.id"
          + " WHEN MATCHED THEN UPDATE SET qty = t.qty + src.q"
          + " WHEN NOT MATCHED THEN INSERT (id, customer, amount, qty) VALUES (src.id, src.cu, src.am, src.q)");
      long before = d1.requestCount();
      c.commit();
      assertEquals(before + 1, d1.requestCount());
    }
    assertEquals(7, value("SELECT qty FROM orders WHERE id = 2"));
    assertEquals(6, value("SELECT qty FROM orders WHERE id = 10"));
  }

  @Test
  void readOnlySchemaRefusesWritesBeforeSending() throws Exception {
    try (Connection c = d1.connect("readOnly=true"); Statement s = c.createStatement()) {
      long before = d1.requestCount();
      SQLException e = assertThrows(SQLException.class, () -> s.executeUpdate("DELETE FROM orders"));
      assertTrue(messages(e).contains("read-only"), e.getMessage());
      assertThrows(SQLException.class, () -> s.executeUpdate("INSERT INTO orders VALUES (9, 'x', 1, 1)"));
      assertEquals(before, d1.requestCount());
      assertEquals(2, count(c, "SELECT id FROM orders"));
    }
  }

  @Test
  void splitTransactionWarnsAndStrictSettingRefuses() throws Exception {
    try (Connection c = d1.connect("maxStatementsPerRequest=2"); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.executeUpdate("UPDATE orders SET qty = 5 WHERE id = 1");
      s.executeUpdate("UPDATE orders SET qty = 6 WHERE id = 2");
      s.executeUpdate("DELETE FROM orders WHERE id = 3");
      long before = d1.requestCount();
      c.commit();
      assertEquals(before + 2, d1.requestCount());
      SQLWarning w = D1Connections.warnings(c);
      assertNotNull(w);
      // The chain also holds the buffered update counts' warning (count known only at COMMIT).
      while (w != null && !w.getMessage().contains("needs 2 requests")) {
        w = w.getNextWarning();
      }
      assertNotNull(w, "the split warning");
      assertEquals(2, D1Connections.lastCommitStats(c).get(0).requestsSent());
    }
    try (Connection c = d1.connect("maxStatementsPerRequest=2", "strictAtomicity=true");
         Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.executeUpdate("UPDATE orders SET qty = 7 WHERE id = 1");
      s.executeUpdate("UPDATE orders SET qty = 8 WHERE id = 2");
      s.executeUpdate("DELETE FROM orders WHERE id = 1");
      long before = d1.requestCount();
      SQLException e = assertThrows(SQLException.class, c::commit);
      assertTrue(e.getMessage().contains("strictAtomicity"), e.getMessage());
      assertEquals(before, d1.requestCount(), "nothing is sent");
      assertFalse(D1Connections.pendingStatements(c) > 0);
    }
    assertEquals(5, ((Number) d1.d1("SELECT qty FROM orders WHERE id = 1").rows().get(0)[0]).longValue());
  }
}
