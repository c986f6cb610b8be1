package io.github.calcited1.jdbc;

import io.github.calcited1.testing.D1LocalExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import sqlline.SqlLine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.calcite.avatica.AvaticaStatement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The jdbc:d1: driver: service registration, the one-database shortcut, SQLite-like identifiers, sqlline. */
class D1DriverTest {
  @RegisterExtension static final D1LocalExtension d1 = new D1LocalExtension("shop", "other");

  @BeforeAll
  static void start() throws Exception {
    d1.d1Batch("DROP TABLE IF EXISTS Orders",
        "CREATE TABLE Orders (id INTEGER PRIMARY KEY, Customer TEXT)",
        "INSERT INTO Orders VALUES (1, 'ann'), (2, 'bob')");
  }

  /**
   * Statements of one connection made and closed from several threads at once each get their own number (Avatica
   * counts them with an unguarded {@code statementCount++} and Calcite keeps them in a plain HashMap: two statements
   * sharing a number failed with an AssertionError, or would share their state).
   */
  @Test
  void statementsOfOneConnectionMayBeMadeAndClosedFromManyThreads() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (Connection c = d1.connect()) {
      Set<Integer> ids = ConcurrentHashMap.newKeySet();
      List<Future<?>> threads = new ArrayList<>();
      for (int thread = 0; thread < 4; thread++) {
        threads.add(pool.submit(() -> {
          for (int i = 0; i < 2000; i++) {
            try (Statement s = c.createStatement()) {
              ids.add(s.unwrap(AvaticaStatement.class).getId());
            }
            if (i % 10 == 0) {
              try (PreparedStatement ps = c.prepareStatement("SELECT customer FROM orders WHERE id = ?")) {
                ids.add(ps.unwrap(AvaticaStatement.class).getId());
              }
            }
          }
          return null;
        }));
      }
      for (Future<?> f : threads) {
        f.get(120, TimeUnit.SECONDS);
      }
      assertEquals(4 * 2200, ids.size(), "every statement had a number of its own");
      try (PreparedStatement ps = c.prepareStatement("SELECT customer FROM orders WHERE id = ?")) {
        ps.setInt(1, 2);
        try (ResultSet r = ps.executeQuery()) {
          assertTrue(r.next());
          assertEquals("bob", r.getString(1));
        }
      }
    } finally {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void driverIsAServiceAndAcceptsItsPrefix() throws Exception {
    boolean found = false;
    for (Driver d : ServiceLoader.load(Driver.class)) {
      found |= d instanceof D1Driver;
    }
    assertTrue(found);
    assertTrue(DriverManager.getDriver("jdbc:d1:database=x") instanceof D1Driver);
  }

  @Test
  void shortcutMakesTheDatabaseTheDefaultSchemaAndIgnoresCase() throws Exception {
    try (Connection c = d1.connect(); Statement s = c.createStatement();
         ResultSet r = s.executeQuery("SELECT customer FROM orders WHERE ID = 2")) {
      assertTrue(r.next());
      assertEquals("bob", r.getString(1));
      assertEquals("shop", c.getSchema());
    }
    try (Connection c = d1.connect(); Statement s = c.createStatement();
         ResultSet r = s.executeQuery("SELECT \"ID\" FROM \"ORDERS\" ORDER BY \"Id\"")) {
      assertTrue(r.next());
      assertEquals(1, r.getInt(1));
      assertTrue(r.next());
    }
  }

  @Test
  void sqllineAutocommitOffCommitAndRollback() throws Exception {
    String script = String.join("\n",
        "!autocommit off",
        "INSERT INTO orders VALUES (30, 'rolled back');",
        "!rollback",
        "INSERT INTO orders VALUES (31, 'committed');",
        "UPDATE orders SET customer = 'ANN' WHERE id = 1;",
        "!commit",
        "INSERT INTO orders VALUES (32, 'lost on close');",
        "!quit", "");
    SqlLine sqlline = new SqlLine();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    sqlline.setOutputStream(new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
    sqlline.setErrorStream(new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
    SqlLine.Status status = sqlline.begin(new String[] {"-u", d1.url(), "-n", "", "-p", "", "--color=false"},
        new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)), false);
    String log = out.toString(StandardCharsets.UTF_8);
    assertEquals(SqlLine.Status.OK, status, log);
    assertEquals(0, d1.count("Orders WHERE id = 30"), log);
    assertEquals(1, d1.count("Orders WHERE id = 31"), log);
    assertEquals(0, d1.count("Orders WHERE id = 32"), log);
    assertEquals(1, d1.count("Orders WHERE Customer = 'ANN'"), log);
  }
}
