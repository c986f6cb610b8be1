package io.github.calcited1.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.calcited1.rel.D1Schema;
import io.github.calcited1.testing.D1LocalExtension;
import io.github.calcited1.testing.Rows;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.runtime.Hook;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A statement's text is planned once per connection ({@link D1PlanCache}): counted by Calcite's
 * {@link Hook#PARSE_TREE}, which fires once per planning, while every execution still asks D1 and gets its answer.
 */
class D1PlanCacheTest {
  @RegisterExtension static final D1LocalExtension D1 = new D1LocalExtension("plans", "plans_other");

  @BeforeAll static void setUp() throws SQLException {
    try (Connection c = D1.sqlite(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
      s.execute("WITH RECURSIVE q(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM q WHERE x < 100) "
          + "INSERT INTO t SELECT x, 'v' || x FROM q");
      s.execute("CREATE TABLE grows (id INTEGER PRIMARY KEY, a TEXT)"); // a column is added by a test
      s.execute("INSERT INTO grows VALUES (1, 'x')");
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + D1.server().databaseFile("plans_other"));
         Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
      s.execute("INSERT INTO t VALUES (1, 'other')");
    }
  }

  private static Connection connect() throws SQLException {
    return DriverManager.getConnection("jdbc:d1:database=plans;accountId=" + D1.accountId() + ";baseUrl="
        + D1.baseUrl() + ";apiToken=" + D1.token());
  }

  /** Counts plannings on this thread while open. */
  private static final class Plannings implements AutoCloseable {
    final AtomicInteger count = new AtomicInteger();
    private final Hook.Closeable hook = Hook.PARSE_TREE.addThread((Consumer<Object>) o -> count.incrementAndGet());

    @Override public void close() {
      hook.close();
    }
  }

  private static List<String> query(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      return Rows.read(rs);
    }
  }

  @Test void theSameTextAsAStatementIsPlannedOnceAndAskedEachTime() throws SQLException {
    String sql = "SELECT COUNT(*) AS n, MAX(v) AS m FROM t WHERE id > 10";
    try (Connection c = connect(); Statement s = c.createStatement(); Plannings plannings = new Plannings()) {
      long before = D1.requestCount();
      List<String> first = query(s, sql);
      List<String> second = query(s, sql);
      assertEquals(List.of("90 | v99"), first);
      assertEquals(first, second);
      assertEquals(1, plannings.count.get(), "planned once");
      assertEquals(2, D1.requestCount() - before, "each execution asks D1");
      query(s, sql.replace("10", "20")); // another text is planned
      assertEquals(2, plannings.count.get());
    }
  }

  @Test void preparingTheSameTextAgainReusesThePlanWithItsOwnParameters() throws SQLException {
    String sql = "SELECT v FROM t WHERE id = ?";
    try (Connection c = connect(); Plannings plannings = new Plannings()) {
      for (int id = 1; id <= 5; id++) {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          ps.setInt(1, id);
          try (ResultSet rs = ps.executeQuery()) {
            assertEquals(List.of("v" + id), Rows.read(rs));
          }
        }
      }
      assertEquals(1, plannings.count.get(), "planned once for five prepareStatement calls");
    }
  }

  @Test void theSqlSentIsReportedWhenThePlanIsReusedToo() throws SQLException {
    List<Object> sent = new ArrayList<>();
    try (Connection c = connect(); Statement s = c.createStatement();
         Hook.Closeable ignored = Hook.QUERY_PLAN.addThread((Consumer<Object>) sent::add)) {
      query(s, "SELECT v FROM t WHERE id = 3");
      query(s, "SELECT v FROM t WHERE id = 3");
    }
    assertEquals(2, sent.size(), sent::toString);
    assertEquals(sent.get(0), sent.get(1));
  }

  @Test void maxRowsIsPartOfTheKey() throws SQLException {
    String sql = "SELECT id FROM t ORDER BY id";
    try (Connection c = connect(); Statement s = c.createStatement()) {
      assertEquals(100, query(s, sql).size());
      s.setMaxRows(3);
      assertEquals(List.of("1", "2", "3"), query(s, sql));
      s.setMaxRows(0);
      assertEquals(100, query(s, sql).size());
    }
  }

  /** The same text against another default schema is another statement: the tables it names are others. */
  @Test void theDefaultSchemaIsPartOfTheKey() throws SQLException {
    String schema = "{\"name\": \"%s\", \"type\": \"custom\", \"factory\": \"" + D1Driver.SCHEMA_FACTORY
        + "\", \"operand\": {\"baseUrl\": \"" + D1.baseUrl() + "\", \"accountId\": \"" + D1.accountId()
        + "\", \"apiToken\": \"" + D1.token() + "\", \"database\": \"%s\"}}";
    String model = "inline:{\"version\": \"1.0\", \"defaultSchema\": \"a\", \"schemas\": ["
        + String.format(schema, "a", "plans") + ", " + String.format(schema, "b", "plans_other") + "]}";
    java.util.Properties info = new java.util.Properties();
    info.setProperty("model", model);
    String sql = "SELECT v FROM t WHERE id = 1";
    try (Connection c = DriverManager.getConnection("jdbc:d1:", info); Statement s = c.createStatement()) {
      assertEquals(List.of("v1"), query(s, sql));
      c.setSchema("b");
      assertEquals(List.of("other"), query(s, sql));
      c.setSchema("a");
      assertEquals(List.of("v1"), query(s, sql));
    }
  }

  /** A reloaded catalog (here: a column added, then refreshCatalog) makes every statement be planned again. */
  @Test void aCatalogReloadInvalidatesThePlans() throws SQLException {
    String sql = "SELECT * FROM grows";
    try (Connection c = connect(); Statement s = c.createStatement(); Plannings plannings = new Plannings()) {
      assertEquals(List.of("1 | x"), query(s, sql));
      try (Connection sqlite = D1.sqlite(); Statement st = sqlite.createStatement()) {
        st.execute("ALTER TABLE grows ADD COLUMN b TEXT DEFAULT 'y'");
      }
      assertEquals(List.of("1 | x"), query(s, sql), "within the catalog's TTL, the table is as it was read");
      assertEquals(1, plannings.count.get());
      D1Schema schema = c.unwrap(CalciteConnection.class).getRootSchema().getSubSchema("plans")
          .unwrap(D1Schema.class);
      try {
        schema.refreshCatalog();
      } catch (io.github.calcited1.client.D1Exception e) {
        throw new AssertionError(e);
      }
      assertEquals(List.of("1 | x | y"), query(s, sql));
      assertEquals(2, plannings.count.get(), "planned again after the reload");
    }
  }

  /**
   * A table created and a column added by another process, within the catalog's TTL: the first statement naming
   * them reloads the catalog (one request: the reload finds the changed lists) and succeeds, rather than failing
   * until the TTL expires. A name that exists nowhere costs one reload and fails with 42S02 as before.
   */
  @Test void aTableOrColumnMadeElsewhereIsFoundAtItsFirstUse() throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      assertEquals(List.of("100"), query(s, "SELECT COUNT(*) FROM t"));
      try (Connection sqlite = D1.sqlite(); Statement st = sqlite.createStatement()) {
        st.execute("CREATE TABLE late (id INTEGER PRIMARY KEY, w TEXT)");
        st.execute("INSERT INTO late VALUES (7, 'seven')");
        st.execute("ALTER TABLE t ADD COLUMN extra TEXT DEFAULT 'e'");
      }
      long before = D1.requestCount();
      assertEquals(List.of("7 | seven"), query(s, "SELECT * FROM late"));
      assertEquals(3, D1.requestCount() - before, "the reload (the lists and known tables, then the new table's"
          + " description) and the query");
      before = D1.requestCount();
      assertEquals(List.of("e"), query(s, "SELECT extra FROM t WHERE id = 1"));
      assertEquals(1, D1.requestCount() - before, "the reload above has the new column already: only the query");
      long beforeMissing = D1.requestCount();
      SQLException missing = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
          () -> query(s, "SELECT * FROM never_made"));
      assertEquals("42S02", missing.getSQLState(), missing.getMessage());
      assertTrue(missing.getMessage().contains("NEVER_MADE") || missing.getMessage().contains("never_made"),
          missing.getMessage());
      assertEquals(1, D1.requestCount() - beforeMissing, "one reload that finds nothing new, no query");
      SQLException missingColumn = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
          () -> query(s, "SELECT nowhere FROM late"));
      assertEquals("42S22", missingColumn.getSQLState(), missingColumn.getMessage());
    } finally {
      try (Connection sqlite = D1.sqlite(); Statement st = sqlite.createStatement()) {
        st.execute("DROP TABLE late");
        st.execute("ALTER TABLE t DROP COLUMN extra");
      }
    }
  }

  /** Threads executing the same text on one connection, each with its own values, each get their own answer. */
  @Test void concurrentExecutionsOfOnePlanAreIndependent() throws Exception {
    String sql = "SELECT v FROM t WHERE id = ?";
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (Connection c = connect()) {
      List<Future<Integer>> results = new ArrayList<>();
      for (int thread = 0; thread < 4; thread++) {
        int offset = thread * 25;
        results.add(pool.submit(() -> {
          int checked = 0;
          for (int id = offset + 1; id <= offset + 25; id++) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
              ps.setInt(1, id);
              try (ResultSet rs = ps.executeQuery()) {
                assertEquals(List.of("v" + id), Rows.read(rs));
                checked++;
              }
            }
          }
          return checked;
        }));
      }
      int total = 0;
      for (Future<Integer> f : results) {
        total += f.get(60, TimeUnit.SECONDS);
      }
      assertEquals(100, total);
    } finally {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }
  }

  /**
   * A COMMIT with the commit ledger on sends the ledger's CREATE TABLE IF NOT EXISTS: that is no DDL of the user's,
   * so it neither reloads the catalog (one more request per COMMIT) nor voids the cached plans.
   */
  @Test void aCommitWithTheLedgerKeepsTheCatalogAndThePlans() throws SQLException {
    String sql = "SELECT COUNT(*) AS n FROM t WHERE id > 50";
    try (Connection c = DriverManager.getConnection("jdbc:d1:database=plans;accountId=" + D1.accountId()
            + ";baseUrl=" + D1.baseUrl() + ";apiToken=" + D1.token() + ";commitLedger=true");
         Statement s = c.createStatement(); Plannings plannings = new Plannings()) {
      assertEquals(List.of("50"), query(s, sql));
      c.setAutoCommit(false);
      s.executeUpdate("INSERT INTO grows (id, a) VALUES (1000, 'ledger')");
      long before = D1.requestCount();
      c.commit();
      assertEquals(1, D1.requestCount() - before, "the COMMIT is one request, and no catalog reload follows");
      int planned = plannings.count.get();
      assertEquals(List.of("50"), query(s, sql));
      assertEquals(planned, plannings.count.get(), "not planned again: the COMMIT did not void the plan");
      s.executeUpdate("DELETE FROM grows WHERE id = 1000");
      planned = plannings.count.get();
      s.executeUpdate("DELETE FROM grows WHERE id = 1000");
      assertEquals(planned, plannings.count.get(), "a DML text is planned once too");
      c.commit();
    }
  }
}
