package io.github.calcited1.write;

import io.github.calcited1.jdbc.D1Connections;
import io.github.calcited1.testing.D1LocalExtension;
import org.apache.calcite.runtime.Hook;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static io.github.calcited1.testing.Errors.messages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SQLite column defaults, generated columns and the rowid alias through INSERTs with partial column lists and
 * explicit DEFAULT (checked in the SQLite file itself), and by-key UPDATE/DELETE of tables without a primary key.
 */
class D1ColumnDefaultsTest {
  @RegisterExtension static final D1LocalExtension d1 = new D1LocalExtension("shop", "other");

  @BeforeEach
  void tables() throws Exception {
    d1.d1Batch("DROP VIEW IF EXISTS nopk_view", "DROP TABLE IF EXISTS d", "DROP TABLE IF EXISTS src",
        "DROP TABLE IF EXISTS nopk", "DROP TABLE IF EXISTS alldef",
        "CREATE TABLE d (id INTEGER PRIMARY KEY, name TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'none',"
            + " n INTEGER DEFAULT 0, created TEXT DEFAULT CURRENT_TIMESTAMP, answer INTEGER DEFAULT (6 * 7),"
            + " note TEXT, g INTEGER GENERATED ALWAYS AS (n + 1) VIRTUAL,"
            + " gs TEXT GENERATED ALWAYS AS (upper(name)) STORED)",
        "CREATE TABLE src (k INTEGER PRIMARY KEY, who TEXT)",
        "INSERT INTO src VALUES (1, 'p'), (2, 'q')",
        "CREATE TABLE nopk (a INTEGER, b TEXT, c REAL)",
        "INSERT INTO nopk VALUES (1, 'x', 1.5), (1, 'x', 1.5), (2, NULL, NULL), (3, 'y', 0.1), (4, 'x', NULL)",
        "CREATE VIEW nopk_view AS SELECT * FROM nopk",
        "CREATE TABLE alldef (id INTEGER PRIMARY KEY, v TEXT DEFAULT 'v')");
  }

  /** Rows of the SQLite file, each as its columns joined by '|' (NULL as "null"). */
  static List<String> file(String sql) throws SQLException {
    return d1.fileRows(sql);
  }

  private static final String CHECK = "SELECT id, name, status, n, typeof(n), answer, note, g, gs,"
      + " created GLOB '2[0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] *' FROM d ORDER BY id";

  @Test
  void partialColumnListGetsEveryKindOfDefaultInAutocommit() throws Exception {
    List<String> sqls = new ArrayList<>();
    try (Hook.Closeable h = Hook.QUERY_PLAN.addThread((Object o) -> sqls.add(String.valueOf(o)));
         Connection c = d1.connect(); Statement s = c.createStatement()) {
      long before = d1.requestCount();
      assertEquals(2, s.executeUpdate("INSERT INTO d (name) VALUES ('x'), ('yy')"));
      assertEquals(before + 1, d1.requestCount());
    }
    assertEquals(List.of("1|x|none|0|integer|42|null|1|X|1", "2|yy|none|0|integer|42|null|1|YY|1"), file(CHECK));
    String body = d1.server().recordedRequests().get(d1.server().recordedRequests().size() - 1).body();
    assertTrue(body.contains("INSERT INTO \\\"d\\\" (\\\"name\\\") SELECT value->>0 FROM json_each(?)"), body);
  }

  @Test
  void defaultsInATransactionAndAJdbcBatch() throws Exception {
    try (Connection c = d1.connect(); Statement s = c.createStatement();
         PreparedStatement ps = c.prepareStatement("INSERT INTO d (name, n) VALUES (?, ?)")) {
      c.setAutoCommit(false);
      assertEquals(1, s.executeUpdate("INSERT INTO d (name, note) VALUES ('a', 'first')"));
      for (int i = 0; i < 3; i++) {
        ps.setString(1, "b" + i);
        ps.setInt(2, 10 + i);
        ps.addBatch();
      }
      ps.executeBatch();
      assertEquals(0, d1.count("d"), "buffered until COMMIT");
      long before = d1.requestCount();
      c.commit();
      assertEquals(before + 1, d1.requestCount());
      // 1 INSERT (name, note) + 3 INSERTs (name, n) coalesced into one statement.
      assertEquals(2, D1Connections.lastCommitStats(c).get(0).statementsSent());
    }
    assertEquals(List.of("1|a|none|0|integer|42|first|1|A|1", "2|b0|none|10|integer|42|null|11|B0|1",
        "3|b1|none|11|integer|42|null|12|B1|1", "4|b2|none|12|integer|42|null|13|B2|1"), file(CHECK));
  }

  @Test
  void explicitDefaultInMixedRowsKeepsRowOrder() throws Exception {
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      long before = d1.requestCount();
      assertEquals(4, s.executeUpdate("INSERT INTO d (name, status, n) VALUES ('a', DEFAULT, 1),"
          + " ('b', 'set', DEFAULT), ('c', DEFAULT, DEFAULT), ('d', 'set2', 5)"));
      assertEquals(before + 1, d1.requestCount(), "one request, one INSERT per run of rows with the same columns");
    }
    assertEquals(List.of("1|a|none|1|integer|42|null|2|A|1", "2|b|set|0|integer|42|null|1|B|1",
        "3|c|none|0|integer|42|null|1|C|1", "4|d|set2|5|integer|42|null|6|D|1"), file(CHECK));
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      assertEquals(1, s.executeUpdate("INSERT INTO d (id, name, status) VALUES (DEFAULT, 'e', DEFAULT)"));
      c.commit();
    }
    assertEquals(List.of("5|e|none|0|42"), file("SELECT id, name, status, n, answer FROM d WHERE id = 5"));
  }

  @Test
  void withoutColumnListGeneratedColumnsAreLeftOutAndCannotBeInserted() throws Exception {
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      // 7 values for the 7 columns that are not generated.
      assertEquals(1, s.executeUpdate("INSERT INTO d VALUES (10, 'q', 's', 4, '2024-01-01 00:00:00', 1, 'nb')"));
      long before = d1.requestCount();
      SQLException e = assertThrows(SQLException.class,
          () -> s.executeUpdate("INSERT INTO d (name, g) VALUES ('z', 5)"));
      assertTrue(messages(e).contains("generated"), messages(e));
      SQLException e2 = assertThrows(SQLException.class,
          () -> s.executeUpdate("INSERT INTO d (status) VALUES ('z')"));
      assertTrue(messages(e2).toUpperCase().contains("NAME"), messages(e2));
      assertEquals(before, d1.requestCount(), "refused before anything was sent");
    }
    assertEquals(List.of("10|q|s|4|integer|1|nb|5|Q|1"), file(CHECK));
  }

  @Test
  void insertSelectInsideD1NamesOnlyTheGivenColumns() throws Exception {
    List<String> sqls = new ArrayList<>();
    try (Hook.Closeable h = Hook.QUERY_PLAN.addThread((Object o) -> sqls.add(String.valueOf(o).replace('\n', ' ')));
         Connection c = d1.connect(); Statement s = c.createStatement()) {
      long before = d1.requestCount();
      assertEquals(2, s.executeUpdate("INSERT INTO d (name, note) SELECT who, 'copied' FROM src"));
      assertEquals(before + 1, d1.requestCount(), "pushed: one statement, no read");
    }
    assertTrue(sqls.stream().anyMatch(q -> q.startsWith("INSERT INTO \"d\" (\"name\", \"note\") SELECT")),
        sqls.toString());
    assertEquals(List.of("1|p|none|0|integer|42|copied|1|P|1", "2|q|none|0|integer|42|copied|1|Q|1"), file(CHECK));
  }

  @Test
  void everyColumnDefaultedBecomesDefaultValues() throws Exception {
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      assertEquals(2, s.executeUpdate("INSERT INTO alldef (id) VALUES (DEFAULT), (DEFAULT)"));
      assertEquals(1, s.executeUpdate("INSERT INTO alldef (v) VALUES ('w')"));
    }
    assertEquals(List.of("1|v", "2|v", "3|w"), file("SELECT id, v FROM alldef ORDER BY id"));
  }

  @Test
  void mergeWithAShortInsertBranchIsRefusedClearly() throws Exception {
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      d1.d1("INSERT INTO src VALUES (3, 'r')");
      long before = d1.requestCount();
      SQLException e = assertThrows(SQLException.class, () -> s.executeUpdate("MERGE INTO src t"
          + " USING (VALUES (9, 'nine')) AS x (k, w) ON t.k = x.k"
          + " WHEN MATCHED THEN UPDATE SET who = x.w WHEN NOT MATCHED THEN INSERT (k) VALUES (x.k)"));
      assertTrue(messages(e).contains("must give every column"), messages(e));
      assertEquals(before, d1.requestCount());
    }
  }

  @Test
  void byKeyDeleteAndUpdateWithoutPrimaryKeyMatchWholeRows() throws Exception {
    List<String> bodies = new ArrayList<>();
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      // UPPER stays in Calcite (Unicode vs SQLite's ASCII), so these run by key; nopk has no primary key.
      assertEquals(3, s.executeUpdate("UPDATE nopk SET b = UPPER(b) || '!' WHERE UPPER(b) = 'X'"));
      bodies.add(d1.server().recordedRequests().get(d1.server().recordedRequests().size() - 1).body());
      c.setAutoCommit(false);
      assertEquals(4, s.executeUpdate("DELETE FROM nopk WHERE UPPER(b) = 'X!' OR (a = 2 AND UPPER(b) IS NULL)"));
      c.commit();
      bodies.add(d1.server().recordedRequests().get(d1.server().recordedRequests().size() - 1).body());
    }
    assertTrue(bodies.get(0).contains("\\\"nopk\\\".\\\"a\\\" IS j.value->>0"), bodies.get(0));
    assertTrue(bodies.get(1).contains("DELETE FROM \\\"nopk\\\" WHERE EXISTS"), bodies.get(1));
    assertEquals(List.of("3|y|0.1"), file("SELECT a, b, c FROM nopk ORDER BY a"));
  }

  @Test
  void byKeyWriteOnAViewIsRefusedBeforeSending() throws Exception {
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      long before = d1.requestCount();
      SQLException e = assertThrows(SQLException.class,
          () -> s.executeUpdate("DELETE FROM nopk_view WHERE UPPER(b) = 'X'"));
      assertTrue(messages(e).contains("view 'nopk_view'"), messages(e));
      assertEquals(before, d1.requestCount());
    }
    assertEquals(5, d1.count("nopk"));
  }
}
