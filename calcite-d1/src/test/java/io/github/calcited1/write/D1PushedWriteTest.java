package io.github.calcited1.write;

import io.github.calcited1.testing.D1LocalExtension;
import org.apache.calcite.runtime.Hook;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pushed UPDATE/DELETE/INSERT ... SELECT are generated and bound as reads are, so a WHERE selects the same rows in a
 * write as in a SELECT; generated names never collide with the user's. Against d1-local.
 */
class D1PushedWriteTest {
  @RegisterExtension static final D1LocalExtension d1 = new D1LocalExtension("shop", "other");

  @BeforeEach
  void tables() throws Exception {
    d1.d1Batch("DROP TABLE IF EXISTS people", "DROP TABLE IF EXISTS copy", "DROP TABLE IF EXISTS j",
        "DROP TABLE IF EXISTS x",
        "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, e TEXT COLLATE NOCASE, n INTEGER, flag INTEGER)",
        "INSERT INTO people VALUES (1, 'ada', 'ada', 1, 0), (2, 'Ada', 'ADA', 2, 0), (3, 'bob', 'Bob', 3, 0),"
            + " (4, 'a_b', 'a%b', NULL, 0), (5, NULL, NULL, 5, 0), (6, 'Éva', 'éva', 6, 0)",
        "CREATE TABLE copy (id INTEGER PRIMARY KEY, name TEXT)",
        "CREATE TABLE j (id INTEGER PRIMARY KEY, j TEXT, x TEXT, value TEXT, key TEXT, j1 TEXT)",
        "INSERT INTO j VALUES (1, 'a', 'a', 'a', 'a', 'a'), (2, 'b', 'b', 'b', 'b', 'b'), (3, 'c', 'c', 'c', 'c', 'c')",
        "CREATE TABLE x (j TEXT, x TEXT, value TEXT)",
        "INSERT INTO x VALUES ('a', 'a', 'a'), ('b', 'b', 'b'), ('c', 'c', 'c')",
        "DROP TABLE IF EXISTS d1",
        "CREATE TABLE d1 (__d1_page_key TEXT, d1 BIGINT, __d1_order_0 TEXT)",
        "INSERT INTO d1 VALUES ('p', 9007199254740993, 'o'), ('q', 2, 'r')");
  }

  /** Runs a statement through Calcite; returns the SQL it sent to D1. */
  private static List<String> run(String sql, long expectedCount) throws SQLException {
    List<String> sent = new ArrayList<>();
    try (Hook.Closeable h =
             Hook.QUERY_PLAN.addThread((Consumer<Object>) o -> sent.add(String.valueOf(o).replace('\n', ' ')));
         Connection c = d1.connect(); Statement s = c.createStatement()) {
      assertEquals(expectedCount, s.executeUpdate(sql), sql);
    }
    return sent;
  }

  private static TreeSet<Long> ids(String sql) throws SQLException {
    TreeSet<Long> out = new TreeSet<>();
    try (Connection c = d1.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getLong(1));
      }
    }
    return out;
  }

  private static TreeSet<Long> fileIds(String sql) throws SQLException {
    return d1.fileRows(sql).stream().map(Long::valueOf).collect(Collectors.toCollection(TreeSet::new));
  }


  @Test
  void likeTouchesTheSameRowInSelectUpdateDeleteAndInsertSelect() throws Exception {
    d1.d1Batch("DELETE FROM people WHERE id > 3");
    assertEquals(new TreeSet<>(List.of(2L)), ids("SELECT id FROM people WHERE name LIKE 'A%'"));
    List<String> sent = run("INSERT INTO copy (id, name) SELECT id, name FROM people WHERE name LIKE 'A%'", 1);
    assertTrue(sent.get(0).contains("GLOB ?"), sent.toString());
    assertEquals(1, d1.count("copy"));
    sent = run("UPDATE people SET flag = 1 WHERE name LIKE 'A%'", 1);
    assertTrue(sent.get(0).contains("\"name\" GLOB ?") && !sent.get(0).contains("json_each"), sent.toString());
    assertEquals(new TreeSet<>(List.of(2L)), fileIds("SELECT id FROM people WHERE flag = 1"));
    sent = run("DELETE FROM people WHERE name LIKE 'A%'", 1);
    assertTrue(sent.get(0).startsWith("DELETE FROM \"people\"") && sent.get(0).contains("GLOB ?"), sent.toString());
    assertEquals(new TreeSet<>(List.of(1L, 3L)), fileIds("SELECT id FROM people"));
  }

  /** For each WHERE, the rows an UPDATE changes are the rows the same SELECT returns. */
  @Test
  void updateChangesExactlyTheRowsTheSelectReturns() throws Exception {
    List<String> predicates = List.of("name LIKE 'A%'", "name LIKE '%a'", "name NOT LIKE 'a%'", "name LIKE 'a_b'",
        "name LIKE 'a!_%' ESCAPE '!'", "name = 'Ada'", "name > 'B'", "name IN ('ada', 'bob')", "e = 'ada'",
        "e > 'b'", "e LIKE 'A%'", "e IN ('ADA', 'éva')", "n + 1 > 3", "n BETWEEN 2 AND 5", "name IS NULL",
        "CHAR_LENGTH(name) = 3", "UPPER(name) = 'ADA'", "TRIM(e) = 'Bob'", "id IN (SELECT id FROM people WHERE n > 2)",
        "COALESCE(e, 'z') >= 'a'");
    for (String p : predicates) {
      d1.d1("UPDATE people SET flag = 0");
      TreeSet<Long> selected = ids("SELECT id FROM people WHERE " + p);
      try (Connection c = d1.connect(); Statement s = c.createStatement()) {
        assertEquals(selected.size(), s.executeUpdate("UPDATE people SET flag = 1 WHERE " + p), p);
      }
      assertEquals(selected, fileIds("SELECT id FROM people WHERE flag = 1"), p);
      assertFalse(selected.isEmpty(), "a predicate that selects nothing proves little: " + p);
    }
  }

  /** A table with a COLLATE NOCASE column no longer makes every UPDATE run by key: WHERE id = 1 is exact. */
  @Test
  void updatesOfACollatedTableArePushedWhole() throws Exception {
    List<String> sent = run("UPDATE people SET n = n + 1 WHERE id = 1", 1);
    assertEquals(1, sent.size(), sent.toString());
    assertTrue(sent.get(0).startsWith("UPDATE \"people\" SET \"n\" = \"people\".\"n\" + CAST(? AS INTEGER)")
        && !sent.get(0).contains("json_each"),
        sent.toString());
    sent = run("UPDATE people SET flag = 1 WHERE e = 'ADA'", 1);
    assertTrue(sent.get(0).contains("\"people\".\"e\" COLLATE BINARY = ?"), sent.toString());
    assertEquals(new TreeSet<>(List.of(2L)), fileIds("SELECT id FROM people WHERE flag = 1"));
    sent = run("DELETE FROM people WHERE e = 'Bob'", 1);
    assertTrue(sent.get(0).startsWith("DELETE FROM \"people\" WHERE \"people\".\"e\" COLLATE BINARY = ?"),
        sent.toString());
    assertEquals(5, d1.count("people"));
  }

  /** User tables and columns named like every generated alias: the by-key statements change exactly their rows. */
  @Test
  void generatedAliasesNeverCollideWithTheUsersNames() throws Exception {
    // UPPER stays in Calcite: by key.
    run("UPDATE j SET \"value\" = UPPER(\"value\") WHERE UPPER(j) = 'A'", 1);
    assertTrue(d1.lastRequestBody().contains("FROM json_each(?) AS j2 WHERE"), d1.lastRequestBody());
    assertEquals(List.of("1|A", "2|b", "3|c"), d1.fileRows("SELECT id, value FROM j ORDER BY id"));
    run("DELETE FROM j WHERE UPPER(\"key\") = 'B'", 1);
    assertTrue(d1.lastRequestBody().contains("FROM json_each(?) AS j2 JOIN \\\"j\\\" AS x1"), d1.lastRequestBody());
    assertEquals(List.of("1|A", "3|c"), d1.fileRows("SELECT id, value FROM j ORDER BY id"));
    run("UPDATE x SET \"value\" = UPPER(x) WHERE UPPER(j) = 'B'", 1);
    run("DELETE FROM x WHERE UPPER(\"value\") = 'C'", 1);
    assertEquals(List.of("a|a", "b|B"), d1.fileRows("SELECT x, value FROM x ORDER BY x"));
    // The read path's names: the outer query's alias "d1", the paging key and the order keys.
    List<String> read = new ArrayList<>();
    try (Connection c = d1.connect(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT __d1_page_key, d1, __d1_order_0 FROM d1 WHERE UPPER(__d1_order_0) > 'A'"
             + " ORDER BY __d1_page_key DESC")) {
      while (rs.next()) {
        read.add(rs.getString(1) + "|" + rs.getLong(2) + "|" + rs.getString(3));
      }
    }
    assertEquals(List.of("q|2|r", "p|9007199254740993|o"), read);
    d1.d1("DELETE FROM d1 WHERE d1 = 2");
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      assertEquals(1, s.executeUpdate("UPDATE d1 SET __d1_page_key = UPPER(__d1_page_key) WHERE d1 > 5"));
    }
    assertEquals(List.of("P|9007199254740993"), d1.fileRows("SELECT __d1_page_key, d1 FROM d1"));
  }

}
