package io.github.calcited1.write;

import io.github.calcited1.jdbc.D1Connections;
import io.github.calcited1.testing.D1LocalExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * INSERT INTO d1 ... SELECT FROM another JDBC database (a sqlite-jdbc file through Calcite's JDBC adapter): the rows
 * are read by Calcite and arrive in D1 packed as json_each statements, in the fewest requests. Also proves the insert
 * goes to D1 and is not hijacked by the source schema's JdbcTableModificationRule.
 */
class D1BulkInsertTest {
  @RegisterExtension static final D1LocalExtension d1 = new D1LocalExtension("shop", "other");
  static Path source;

  @BeforeAll
  static void start() throws Exception {
    source = d1.dataDir().resolve("source.sqlite");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, price REAL, big INTEGER)");
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO items VALUES (?, ?, ?, ?)")) {
        for (int i = 1; i <= 100_000; i++) {
          ps.setInt(1, i);
          ps.setString(2, i % 7 == 0 ? "it's \"item\" \u00e9\u4e2d " + i : "item-" + i);
          ps.setDouble(3, i / 8.0);
          ps.setLong(4, Long.MAX_VALUE - i); // beyond 2^53: must stay exact
          ps.addBatch();
        }
        ps.executeBatch();
      }
      c.commit();
    }
  }

  private Connection connect() throws Exception {
    String model = "inline:{\"version\":\"1.0\",\"defaultSchema\":\"shop\",\"schemas\":["
        + "{\"type\":\"custom\",\"name\":\"shop\",\"factory\":\"io.github.calcited1.schema.D1SchemaFactory\","
        + "\"operand\":{\"database\":\"shop\",\"accountId\":\"acc\",\"baseUrl\":\"" + d1.server().baseUrl()
        + "\",\"apiToken\":\"" + D1LocalExtension.TOKEN + "\"}},"
        + "{\"type\":\"jdbc\",\"name\":\"src\",\"jdbcUrl\":\"jdbc:sqlite:" + source.toString().replace("\\", "/")
        + "\",\"jdbcDriver\":\"org.sqlite.JDBC\"}]}";
    return DriverManager.getConnection("jdbc:d1:model=" + model);
  }

  private void copy(int rows, int expectedRequests) throws Exception {
    d1.d1Batch("DROP TABLE IF EXISTS items",
        "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, price REAL, big INTEGER)");
    try (Connection c = connect(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      long before = d1.requestCount();
      int n = s.executeUpdate("INSERT INTO shop.items SELECT id, name, price, big FROM src.items WHERE id <= " + rows);
      assertEquals(rows, n);
      assertEquals(before, d1.requestCount());
      c.commit();
      assertEquals(before + expectedRequests, d1.requestCount(), "requests for " + rows + " rows");
      D1CommitStats stats = D1Connections.lastCommitStats(c).get(0);
      assertEquals(rows, stats.rowsInserted());
      assertEquals(rows, stats.changes());
      System.out.println("D1BulkInsertTest " + rows + " rows: " + stats);
    }
    // Compare every row exactly, reading the D1 database file with SQLite itself (no JSON, no rounding).
    try (Connection src = DriverManager.getConnection("jdbc:sqlite:" + source);
         Connection dst = d1.sqlite();
         Statement a = src.createStatement(); Statement b = dst.createStatement();
         ResultSet ra = a.executeQuery("SELECT id, name, price, big, typeof(big) FROM items WHERE id <= " + rows
             + " ORDER BY id");
         ResultSet rb = b.executeQuery("SELECT id, name, price, big, typeof(big) FROM items ORDER BY id")) {
      int seen = 0;
      while (ra.next()) {
        assertEquals(true, rb.next());
        assertEquals(ra.getLong(1), rb.getLong(1));
        assertEquals(ra.getString(2), rb.getString(2));
        assertEquals(ra.getDouble(3), rb.getDouble(3));
        assertEquals(ra.getLong(4), rb.getLong(4));
        assertEquals("integer", rb.getString(5));
        seen++;
      }
      assertEquals(false, rb.next());
      assertEquals(rows, seen);
    }
    try (Connection src = DriverManager.getConnection("jdbc:sqlite:" + source); Statement a = src.createStatement();
         ResultSet r = a.executeQuery("SELECT count(*) FROM items")) {
      r.next();
      assertEquals(100_000, r.getInt(1), "the source database is untouched (no hijacked insert)");
    }
  }

  @Test
  void tenThousandRowsInOneRequest() throws Exception {
    copy(10_000, 1);
  }

  @Test
  void hundredThousandRowsInOneRequest() throws Exception {
    copy(100_000, 1);
  }
}
