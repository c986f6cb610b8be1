package io.github.calcited1.rel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.calcited1.catalog.D1TableDefinition;
import io.github.calcited1.testing.D1LocalExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.calcite.runtime.Hook;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Expressions SQLite would compute differently from Calcite if they were sent as written: each case asserts
 * Calcite's answer and the SQL actually sent to d1-local.
 */
class D1SemanticsTest {
  @RegisterExtension static final D1LocalExtension D1 = new D1LocalExtension("semantics");

  private static Connection calcite;

  @BeforeAll static void setUp() throws SQLException {
    try (Connection s = D1.sqlite(); Statement st = s.createStatement()) {
      st.execute("CREATE TABLE amounts (id INTEGER PRIMARY KEY, amount NUMERIC, price DECIMAL)");
      st.execute("INSERT INTO amounts VALUES (1, 5, 3), (2, 7, 4)");
      st.execute("CREATE TABLE halved (id INTEGER PRIMARY KEY, amount NUMERIC)");
      st.execute("INSERT INTO halved VALUES (1, 5), (2, 7)");
      st.execute("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT)");
      st.execute("INSERT INTO people VALUES (1, 'Alexander'), (2, 'Al')");
      st.execute("CREATE TABLE folded (id INTEGER PRIMARY KEY, \"e\" TEXT COLLATE NOCASE,"
          + " r VARCHAR(10) CONSTRAINT c COLLATE \"RTRIM\" NOT NULL, plain TEXT DEFAULT 'a COLLATE NOCASE')");
      st.execute("INSERT INTO folded VALUES (1, 'Bob', 'x', 'p'), (2, 'bob', 'x ', 'p'), (3, 'BOB', 'x', 'q')");
      st.execute("CREATE TABLE folded_w (id INTEGER PRIMARY KEY, e TEXT COLLATE NOCASE, n INTEGER)");
      st.execute("INSERT INTO folded_w VALUES (1, 'Bob', 0), (2, 'bob', 0), (3, 'BOB', 0)");
    }
    calcite = D1.calcite("sem", Map.of());
  }

  @AfterAll static void tearDown() throws SQLException {
    calcite.close();
  }

  /** The rows (columns joined by " | ") and, into {@code sent}, every statement sent to D1. */
  private static List<String> query(String sql, List<String> sent) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Hook.Closeable ignored = Hook.QUERY_PLAN.addThread((Consumer<Object>) s -> sent.add((String) s));
         Statement st = calcite.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          b.append(i > 1 ? " | " : "").append(rs.getObject(i));
        }
        rows.add(b.toString());
      }
    }
    return rows;
  }

  private static String one(List<String> sent) {
    assertEquals(1, sent.size(), sent::toString);
    return sent.get(0);
  }

  // 1. NUMERIC without precision is DOUBLE in Calcite, whole numbers are INTEGERs in SQLite.

  @Test void divisionOfNumericColumnIsFloatingPoint() throws SQLException {
    List<String> sent = new ArrayList<>();
    assertEquals(List.of("2.5", "3.5"), query("select amount / 2 from amounts order by id", sent));
    assertTrue(one(sent).contains("CAST(\"amounts\".\"amount\" AS REAL) / CAST(? AS INTEGER)"), sent::toString);
  }

  @Test void arithmeticOfNumericColumnsIsFloatingPoint() throws SQLException {
    List<String> sent = new ArrayList<>();
    assertEquals(List.of("0.5", "0.75"), query("select (amount - price) / 4 from amounts order by id", sent));
    assertTrue(
        one(sent).contains("(CAST(\"amounts\".\"amount\" AS REAL) - \"amounts\".\"price\") / CAST(? AS INTEGER)"),
        sent::toString);
    sent.clear();
    assertEquals(List.of("1.5"), query("select amount * 3 / 10 from amounts where id = 1", sent));
    assertTrue(one(sent).contains("CAST(\"amounts\".\"amount\" AS REAL) * CAST(? AS INTEGER) / CAST(? AS INTEGER)"),
        sent::toString);
  }

  @Test void pushedUpdateDividesInFloatingPoint() throws SQLException {
    List<String> sent = new ArrayList<>();
    try (Hook.Closeable ignored = Hook.QUERY_PLAN.addThread((Consumer<Object>) s -> sent.add((String) s));
         Statement st = calcite.createStatement()) {
      assertEquals(2, st.executeUpdate("update halved set amount = amount / 2"));
    }
    assertTrue(sent.stream()
        .anyMatch(s -> s.startsWith("UPDATE") && s.contains("CAST(\"halved\".\"amount\" AS REAL) /")), sent::toString);
    try (Connection s = D1.sqlite(); Statement st = s.createStatement();
         ResultSet rs = st.executeQuery("select amount from halved order by id")) {
      rs.next();
      assertEquals(2.5, rs.getDouble(1));
      rs.next();
      assertEquals(3.5, rs.getDouble(1));
    }
  }

  // 2. A D1 text column has no length: a cast to VARCHAR(n) truncates in Calcite.

  @Test void castToShorterVarcharTruncates() throws SQLException {
    List<String> sent = new ArrayList<>();
    assertEquals(List.of("Ale", "Al"), query("select cast(name as varchar(3)) from people order by id", sent));
    assertFalse(one(sent).contains("CAST(\"name\" AS TEXT)"), sent::toString);
  }

  // 3. COLLATE NOCASE / RTRIM columns compare as BINARY, as in Calcite.

  @Test void nocaseColumnComparesAsBinary() throws SQLException {
    List<String> sent = new ArrayList<>();
    assertEquals(List.of("1"), query("select count(*) from folded where e = 'BOB'", sent));
    assertTrue(one(sent).contains("\"e\" COLLATE BINARY AS \"e\""), sent::toString);
    sent.clear();
    assertEquals(List.of("3 | 2"), query("select count(distinct e), count(distinct r) from folded", sent));
    assertTrue(one(sent).contains("\"r\" COLLATE BINARY AS \"r\""), sent::toString);
    assertFalse(sent.get(0).contains("\"plain\" COLLATE"), sent::toString);
    sent.clear();
    assertEquals(List.of("BOB", "Bob", "bob"), query("select e from folded group by e order by e", sent));
    assertTrue(one(sent).contains("COLLATE BINARY"), sent::toString);
    sent.clear();
    assertEquals(List.of("BOB | bob"), query("select min(e), max(e) from folded", sent));
    sent.clear();
    assertEquals(List.of("1"), query("select count(*) from folded where r = 'x '", sent));
  }

  @Test void updateOnNocaseColumnChangesOnlyBinaryMatches() throws SQLException {
    try (Statement st = calcite.createStatement()) {
      assertEquals(1, st.executeUpdate("update folded_w set n = 1 where e = 'bob'"));
      assertEquals(1, st.executeUpdate("delete from folded_w where e = 'BOB'"));
    }
    try (Connection s = D1.sqlite(); Statement st = s.createStatement();
         ResultSet rs = st.executeQuery("select id, n from folded_w order by id")) {
      List<String> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(rs.getInt(1) + ":" + rs.getInt(2));
      }
      assertEquals(List.of("1:0", "2:1"), rows);
    }
  }

  @Test void collationsAreReadFromTheTableDefinitions() {
    D1TableDefinition d = D1TableDefinition.parse(
        "CREATE TABLE t (\"a,b\" TEXT CHECK (x COLLATE NOCASE = 'y') COLLATE rtrim, [c] TEXT DEFAULT 'COLLATE NOCASE',"
        + " `d` TEXT /* COLLATE NOCASE */ COLLATE \"NOCASE\", e TEXT COLLATE BINARY,"
        + " CONSTRAINT k UNIQUE (a COLLATE NOCASE))");
    assertEquals(Map.of("a,b", "RTRIM", "d", "NOCASE"), d.collations());
    assertFalse(d.descendingPrimaryKey());
  }

  /** Only a column's own PRIMARY KEY DESC stops an INTEGER PRIMARY KEY being the rowid's alias. */
  @Test void descendingPrimaryKeyIsReadFromTheColumnDefinition() {
    assertTrue(D1TableDefinition.parse("CREATE TABLE t (id INTEGER PRIMARY KEY DESC, v)").descendingPrimaryKey());
    assertFalse(D1TableDefinition.parse("CREATE TABLE t (id INTEGER PRIMARY KEY ASC, v)").descendingPrimaryKey());
    assertFalse(D1TableDefinition.parse("CREATE TABLE t (id INTEGER, v, PRIMARY KEY (id DESC))")
        .descendingPrimaryKey());
    assertFalse(D1TableDefinition.parse("CREATE TABLE t (id INTEGER PRIMARY KEY, v CHECK (v <> 'PRIMARY KEY DESC'))")
        .descendingPrimaryKey());
  }
}
