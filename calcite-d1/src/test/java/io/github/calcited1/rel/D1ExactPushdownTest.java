package io.github.calcited1.rel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.calcited1.testing.CalciteReferenceSchema;
import io.github.calcited1.testing.D1LocalExtension;
import io.github.calcited1.testing.Rows;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.calcite.runtime.Hook;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DECIMAL and TIMESTAMP questions pushed whole to D1 in their exact forms (docs/pushdown.md, "Exact decimals" and
 * "Dates and timestamps"), each answered exactly as Calcite answers it over the same tables
 * ({@link CalciteReferenceSchema}), on edge data: every ISO-8601 spelling of one instant (T or space, fractions
 * past the millisecond, Z, offsets, a bare date), leap days, NULLs, negative zero, whole values stored as INTEGER and
 * decimals as REAL. Decimals are compared digit for digit (not rounded as {@link Rows} rounds doubles).
 */
class D1ExactPushdownTest {
  @RegisterExtension static final D1LocalExtension D1 = new D1LocalExtension("exact");

  private static Connection calcite;
  private static Connection reference;
  private static Connection sqlite;

  /** Stored as given: TEXT spellings, REAL and INTEGER amounts (NUMERIC affinity keeps 5 and 5.0 as INTEGER). */
  static final Object[][] EVENTS = {
      {"2023-12-01 00:00:00", 10.5, "a"},
      {"2023-12-01T00:00:00", 0.1, "a"},
      {"2023-12-01T01:00:00+01:00", 0.2, "b"}, // the same instant, with an offset
      {"2023-12-01", 5L, "b"}, // midnight
      {"2023-11-30T23:59:59.9999Z", 99999999.99, "a"}, // Calcite truncates to .999: before the boundary
      {"2023-11-30 23:59:59.999", -99999999.99, "c"},
      {"2023-12-01 00:00:00.001", -0.0, "c"},
      {"2024-02-29 12:00", 1234.56, "a"}, // leap day, no seconds
      {"2024-02-29T23:59:59.5", 0.07, null},
      {"2024-03-01T00:30:00+01:00", 7L, "b"}, // the leap day's last half hour in UTC
      {"2024-01-31T22:00:00-03:00", 0.3, "c"}, // 2024-02-01 01:00 UTC: another month
      {"2023-12-31 23:59:59", 19.99, "a"},
      {null, 3.33, "a"},
      {"2024-12-31T23:59:59.999999", null, "b"},
      {"2023-12-01 00:00:00", 0.01, "d"},
      // offsets that move a row across the day boundary: the range on the stored text must let them through
      {"2023-11-30T10:00:00-14:00", 1.25, "a"}, // 2023-12-01 00:00 UTC: the boundary, stored a day before it
      {"2023-12-02T01:00:00+05:00", 2.5, "a"}, // 2023-12-01 20:00 UTC, stored a day after it
      {"2023-12-01T09:00:00+14:00", 0.75, "a"}, // 2023-11-30 19:00 UTC, stored on the boundary's day
  };

  @BeforeAll static void setUp() throws SQLException {
    try (Connection sqlite = D1.sqlite(); Statement st = sqlite.createStatement()) {
      st.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, created_at DATETIME, amount DECIMAL(10,2), kind TEXT)");
      st.execute("CREATE TABLE other (id INTEGER PRIMARY KEY, happened DATETIME, price DECIMAL(6,3))");
      st.execute("CREATE TABLE inexact (id INTEGER PRIMARY KEY, amount DECIMAL(10,2))");
      st.execute("CREATE TABLE ledger (id INTEGER PRIMARY KEY, amount DECIMAL(10,2), booked DATETIME)");
      st.execute("INSERT INTO ledger VALUES (1, 0.1, '2023-12-01T00:00:00Z'), (2, 0.7, '2023-11-30 12:00:00')");
      st.execute("CREATE TABLE wide (id INTEGER PRIMARY KEY, amount DECIMAL(15,2), big DECIMAL(19,0))");
      try (var insert = sqlite.prepareStatement("INSERT INTO events (created_at, amount, kind) VALUES (?, ?, ?)")) {
        for (Object[] row : EVENTS) {
          for (int i = 0; i < 3; i++) {
            insert.setObject(i + 1, row[i]);
          }
          insert.executeUpdate();
        }
      }
      st.execute("INSERT INTO other VALUES (1, '2023-12-01T00:00:00Z', 1.125), (2, '2024-02-29 12:00:00', -2.5),"
          + " (3, NULL, NULL), (4, '2023-12-01 00:00:00.000', 0.001)");
      st.execute("INSERT INTO inexact VALUES (1, 1.25), (2, 0.125)");
      // AVG edge groups: exact halves, thirds, negatives, a one-row group, only NULLs, sums past DECIMAL(15,2)
      st.execute("CREATE TABLE averages (id INTEGER PRIMARY KEY, g INTEGER, amount DECIMAL(15,2))");
      st.execute("INSERT INTO averages (g, amount) VALUES (1, 0.05), (1, 0.00), (2, -0.05), (2, 0.00), (3, 0.01),"
          + " (3, 0.01), (3, 0.00), (4, 0.03), (4, 0), (4, 0), (4, 0), (5, 7.77), (6, NULL), (7, -0.07), (7, 0.00),"
          + " (8, 0.04), (8, 0.02), (8, -0.02), (9, 9999999999999.99), (9, 9999999999999.98)");
      // DECIMAL(10,6) averages whose quotient rounded at 6 decimals would differ from truncated: 0.000002 / 3
      st.execute("CREATE TABLE fine (id INTEGER PRIMARY KEY, g INTEGER, x DECIMAL(10,6))");
      st.execute("INSERT INTO fine (g, x) VALUES (1, 0.000001), (1, 0.000001), (1, 0), (2, -0.000001),"
          + " (2, -0.000001), (2, 0), (3, 0.999999), (3, 0.999999), (3, 0.999998), (4, 3333.333333), (4, 0.000001),"
          + " (4, 0.000001)");
      // T20's shape: an integer against half of an integer (sum); equal halves (5 > 0.5 * 10 is false), NULLs
      st.execute("CREATE TABLE halves (id INTEGER PRIMARY KEY, g INTEGER, avail INTEGER, q INTEGER,"
          + " amount DECIMAL(15,2))");
      st.execute("INSERT INTO halves (g, avail, q, amount) VALUES (1, 5, 10, 2.50), (1, 5, 9, 2.49), (1, 4, 9, 2.51),"
          + " (2, -5, -10, -2.50), (2, -5, -11, -2.51), (2, -4, -9, NULL), (3, NULL, 4, 0.00), (3, 3, NULL, 1.50),"
          + " (4, 0, 0, 0), (4, 0, 1, -0.01), (5, 999999999999999, 1999999999999998, 499999999999.99),"
          + " (5, 999999999999999, 1999999999999999, 500000000000.00)");
      st.execute("CREATE TABLE bighalves (id INTEGER PRIMARY KEY, avail INTEGER, q INTEGER)");
      st.execute("INSERT INTO bighalves VALUES (1, 922337203685477580, 1), (2, 922337203685477581, 1),"
          + " (3, 1, 9223372036854775807)");
      st.execute("CREATE TABLE texty (id INTEGER PRIMARY KEY, amount DECIMAL(10,2))");
      st.execute("INSERT INTO texty VALUES (1, '12.50'), (2, 'twelve')"); // NUMERIC affinity: REAL 12.5, TEXT
      st.execute("CREATE TABLE huge (id INTEGER PRIMARY KEY, amount DECIMAL(15,2))");
      st.execute("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 10000)"
          + " INSERT INTO huge SELECT x, 9999999999999.99 FROM n");
      st.execute("INSERT INTO wide VALUES (1, 9999999999999.99, 9007199254740993),"
          + " (2, 9999999999999.99, 9223372036854775807), (3, 0.01, -9223372036854775807)");
    }
    calcite = D1.calcite("exact", Map.of());
    sqlite = D1.sqlite();
    reference = CalciteReferenceSchema.connect(calcite, "exact", sqlite, D1Values::toCalcite);
  }

  @AfterAll static void tearDown() throws SQLException {
    calcite.close();
    reference.close();
    sqlite.close();
  }

  /** Questions answered in one D1 statement, nothing left for Calcite but naming the columns. */
  static Stream<String> whole() {
    return Stream.of(
        // the four questions of issue 12
        "select count(*) from events where created_at >= timestamp '2023-12-01 00:00:00'",
        "select * from events order by created_at desc, id limit 10",
        "select kind, sum(amount) from events group by kind",
        "select cast(created_at as date) d, count(*) from events group by cast(created_at as date)",
        // timestamps: comparisons and ranges over every spelling
        "select id from events where created_at = timestamp '2023-12-01 00:00:00'",
        "select id from events where created_at < timestamp '2023-12-01 00:00:00'",
        "select id from events where created_at > timestamp '2023-11-30 23:59:59.999'",
        "select id from events where created_at <= timestamp '2023-12-01 20:00:00'",
        "select id from events where created_at between timestamp '2023-12-01 00:00:00'"
            + " and timestamp '2023-12-01 20:00:00'",
        "select id from events where created_at between timestamp '2024-02-29 00:00:00'"
            + " and timestamp '2024-02-29 23:59:59.999'",
        "select id from events where created_at in (timestamp '2023-12-01 00:00:00', timestamp '2024-02-29 12:00:00')",
        "select id from events where created_at <> timestamp '2023-12-01 00:00:00'",
        "select id, created_at from events order by created_at, id",
        "select id from events order by created_at nulls first, id limit 4 offset 2",
        "select created_at, count(*) from events group by created_at",
        "select count(distinct created_at) from events",
        "select min(created_at), max(created_at) from events",
        "select kind, min(created_at), max(created_at) from events group by kind",
        "select extract(year from created_at), extract(month from created_at), extract(day from created_at),"
            + " count(*) from events group by extract(year from created_at), extract(month from created_at),"
            + " extract(day from created_at)",
        "select floor(created_at to month), count(*) from events group by floor(created_at to month)",
        "select floor(created_at to year), floor(created_at to day) from events",
        "select cast(created_at as date) from events where cast(created_at as date) = date '2024-02-29'",
        "select e.id, o.id from events e join other o on e.created_at = o.happened",
        // decimals: sums, arithmetic, comparisons, order
        "select sum(amount), count(amount), count(*) from events",
        "select kind, sum(amount) from events where amount > 0 group by kind having sum(amount) > 1",
        "select id, amount + 1.5, amount - 0.01, amount * 2 from events",
        "select events.id, amount * price from events, other where events.id = other.id",
        "select events.id, amount + price, amount - price from events, other where events.id = other.id",
        "select sum(amount + amount), sum(amount - 0.5) from events",
        "select id from events where amount + 0.1 = 0.2",
        "select kind, sum(amount) s from events group by kind order by s desc nulls last",
        "select min(amount), max(amount) from events",
        "select id from events where created_at in (timestamp '2023-12-01 00:00:00', timestamp '2024-02-29 12:00:00',"
            + " timestamp '2023-11-30 23:59:59.999', timestamp '2024-02-01 01:00:00', timestamp '2023-12-31 23:59:59',"
            + " timestamp '2024-12-31 23:59:59.999', timestamp '2024-03-01 00:30:00', timestamp '2020-01-01 00:00:00',"
            + " timestamp '2021-01-01 00:00:00', timestamp '2022-01-01 00:00:00', timestamp '2023-01-01 00:00:00',"
            + " timestamp '2023-02-01 00:00:00', timestamp '2023-03-01 00:00:00', timestamp '2023-04-01 00:00:00',"
            + " timestamp '2023-05-01 00:00:00', timestamp '2023-06-01 00:00:00', timestamp '2023-07-01 00:00:00')",
        "select sum(price) from other",
        "select kind, avg(amount), avg(price) from events join other on events.id = other.id group by kind",
        "select kind, sum(distinct amount), count(distinct amount) from events group by kind",
        // nested DECIMAL arithmetic, integer (BIGINT) operands, SUMs of computed decimals, results past 15 digits
        "select kind, sum(amount * (1 - amount)), sum(amount * (1 - amount) * (1 + amount)), count(*) from events"
            + " where amount between -100000 and 100000 group by kind",
        "select events.id, amount * (1 - price) * (1 + price), amount - price * 2 + 1 from events, other"
            + " where events.id = other.id",
        "select id, amount * id, id * 0.5, (amount + id) * id from events",
        "select kind, sum(amount * id) from events group by kind having sum(amount * id) > 10",
        "select sum(case when kind = 'a' then amount * (1 - amount) else 0 end), sum(amount * amount) from events"
            + " where amount between -100000 and 100000",
        "select kind, sum(amount * amount) s from events where amount > -100000 and amount < 100000 group by kind"
            + " order by s desc nulls last, kind",
        "select kind, sum(amount) * 0.01, 0.5 * sum(id) from events group by kind",
        "select sum(amount) from wide",
        "select id, big * 2, big + 0.5, amount * 100 + big from wide where id = 1",
        "select sum(amount * 1000), sum(amount + amount + amount) from wide",
        // AVG of a non-nullable value per group: SUM / COUNT(*), a count never 0
        "select kind, avg(id), avg(cast(id as double)) from events group by kind",
        // comparisons with a correlated aggregate: a semi-join on a unique (grouped) right side, as an inner join;
        // both sides read the same table (TPC-H's Q17 shape)
        "select id from events e where id < (select 0.2 * avg(cast(e2.id as double)) * 4 from events e2"
            + " where e2.kind = e.kind)",
        "select sum(amount) from events e where id < (select 0.5 * avg(cast(e2.id as double)) * 3 from events e2"
            + " where e2.kind = e.kind)",
        "select e.id, o.price from events e, other o where e.id = o.id and e.amount = (select min(e2.amount)"
            + " from events e2, other o2 where e2.id = o2.id and e2.kind = e.kind)",
        "select id from events e where not exists (select 1 from other o where o.id = e.id and o.price > 0)",
        // AVG of a DECIMAL: the division too (truncated toward zero at the scale; NULL for no values)
        "select g, avg(amount), count(amount) from averages where g <> 9 group by g",
        "select avg(amount) from averages where g = 1",
        "select avg(amount) from averages where g = 100",
        "select g, avg(x) from fine group by g",
        "select avg(x) from fine where g = 2",
        "select id from averages where amount > (select avg(amount) from averages where g <> 9 and amount > 0.00)",
        "select id from averages where amount >= (select avg(amount) from averages where g = 8)",
        "select a.g, count(*), sum(a.amount) from averages a where a.g in (1, 2, 3, 4, 5, 7, 8) and a.amount"
            + " > (select avg(amount) from averages where amount > 0.00 and g <> 9) and not exists (select *"
            + " from events e where e.id = a.id) group by a.g order by a.g",
        // an integer or DECIMAL against a scaled DECIMAL (T20: ps_availqty > 0.5 * SUM(l_quantity))
        "select id from halves where avail > 0.5 * q",
        "select id from halves where avail >= 0.5 * q",
        "select id from halves where avail = 0.5 * q",
        "select id from halves where avail < 0.5 * q or avail <> 0.5 * q",
        "select id from halves where amount > 0.25 * q",
        "select id from halves where 0.5 * q <= amount",
        "select id from halves h where h.avail > (select 0.5 * sum(x.q) from halves x where x.g = h.g)",
        "select id from halves h where h.id in (select x.id from halves x where x.avail > (select 0.5 * sum(y.q)"
            + " from halves y where y.g = x.g and y.id <> x.id))");
  }

  @ParameterizedTest
  @MethodSource("whole")
  void answeredInOneStatementAsCalciteAnswers(String sql) throws SQLException {
    List<String> sent = new ArrayList<>();
    long before = D1.requestCount();
    List<String> actual;
    try (Hook.Closeable ignored = Hook.QUERY_PLAN.addThread((Consumer<Object>) s -> sent.add((String) s))) {
      actual = exactRows(calcite, sql);
    }
    List<String> expected = exactRows(reference, sql);
    if (!sql.contains("order by")) {
      Collections.sort(actual);
      Collections.sort(expected);
    }
    assertEquals(expected, actual, sql + "; D1 got " + sent);
    assertEquals(1, D1.requestCount() - before, "one request: " + sent);
    assertEquals(1, sent.size(), sent.toString());
    String plan = explain(sql);
    String calcitePart = plan.substring(0, plan.indexOf("D1ToEnumerableConverter")).strip();
    assertTrue(calcitePart.isEmpty() || calcitePart.startsWith("EnumerableCalc") && calcitePart.lines().count() == 1
        && !calcitePart.contains("$condition"), "Calcite does part of " + sql + ":\n" + plan);
  }

  /** A TIMESTAMP parameter is sent in the key's spelling, and compares with every stored spelling. */
  @Test void timestampParameter() throws SQLException {
    String sql = "select id from events where created_at >= ? and created_at < ?";
    for (String[] range : new String[][] {{"2023-12-01 00:00:00", "2024-01-01 00:00:00"},
        {"2023-11-30 23:59:59.999", "2023-12-01 00:00:00.001"}, {"2024-02-29 23:30:00", "2024-03-01 00:00:00"}}) {
      List<List<String>> answers = new ArrayList<>();
      for (Connection c : List.of(calcite, reference)) {
        try (var ps = c.prepareStatement(sql)) {
          ps.setTimestamp(1, java.sql.Timestamp.valueOf(range[0]));
          ps.setTimestamp(2, java.sql.Timestamp.valueOf(range[1]));
          List<String> ids = new ArrayList<>();
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              ids.add(rs.getString(1));
            }
          }
          Collections.sort(ids);
          answers.add(ids);
        }
      }
      assertEquals(answers.get(1), answers.get(0), String.join(" .. ", range));
      assertFalse(answers.get(0).isEmpty(), String.join(" .. ", range));
    }
  }

  /**
   * A pushed UPDATE computes DECIMAL arithmetic and TIMESTAMP comparisons in their exact forms too: 0.1 + 0.2 is
   * stored as 0.3 (SQLite's own + would store 0.30000000000000004), and the row at midnight UTC in another spelling
   * is matched.
   */
  @Test void pushedUpdateIsExact() throws SQLException {
    try (Statement st = calcite.createStatement()) {
      assertEquals(1, st.executeUpdate(
          "update ledger set amount = amount + 0.2 where booked >= timestamp '2023-12-01 00:00:00'"));
    }
    try (Statement st = sqlite.createStatement();
         ResultSet rs = st.executeQuery("select amount, typeof(amount) from ledger order by id")) {
      rs.next();
      assertEquals("0.3", rs.getString(1));
      rs.next();
      assertEquals("0.7", rs.getString(1));
    }
  }

  /** What each of the four questions sends: the answer's rows, no table pages. */
  @Test void theFourQuestionsSendTheirAnswers() throws SQLException {
    assertSent("select count(*) from events where created_at >= timestamp '2023-12-01 00:00:00'", 1,
        "COUNT(*)", "STRFTIME('%Y-%m-%d %H:%M:%f'", "!__d1_page_key", "!LIMIT",
        "'-1 day')) AND CASE WHEN"); // the cheap range first: the key only for the rows it lets through
    assertSent("select * from events order by created_at desc limit 10", 10, "LIMIT 10", "DESC", "STRFTIME(");
    assertSent("select kind, sum(amount) from events group by kind", 5, "GROUP BY", "SUM(CASE WHEN");
    assertSent("select cast(created_at as date) d, count(*) from events group by cast(created_at as date)", 7,
        "GROUP BY STRFTIME('%Y-%m-%d'");
  }

  private static void assertSent(String sql, int rows, String... fragments) throws SQLException {
    List<String> sent = new ArrayList<>();
    long before = D1.requestCount();
    List<String> answer;
    try (Hook.Closeable ignored = Hook.QUERY_PLAN.addThread((Consumer<Object>) s -> sent.add((String) s))) {
      answer = exactRows(calcite, sql);
    }
    assertEquals(rows, answer.size(), sql + " -> " + answer);
    assertEquals(1, D1.requestCount() - before, sql);
    String all = String.join("\n", sent).replaceAll("\\s+", " ");
    for (String fragment : fragments) {
      if (fragment.startsWith("!")) {
        assertFalse(all.contains(fragment.substring(1)), fragment + " in " + all);
      } else {
        assertTrue(all.contains(fragment), fragment + " not in " + all);
      }
    }
  }

  /** A stored REAL with more decimals than the scale: Calcite refuses to read it; the pushed SUM refuses too. */
  @Test void inexactStoredDecimalIsAnErrorWithSqlState22003() {
    SQLException e = assertThrows(SQLException.class, () -> exactRows(calcite, "select sum(amount) from inexact"));
    assertNumericOutOfRange(e);
    assertTrue(exactRowsOrError(reference, "select sum(amount) from inexact").startsWith("ERROR"),
        "Calcite itself refuses 0.125 in a DECIMAL(10,2)");
  }

  /** Text that is no number, stored in a DECIMAL column: the reader refuses it, and so does the pushed SUM. */
  @Test void textInDecimalColumnIsAnErrorWithSqlState22003() {
    SQLException e = assertThrows(SQLException.class, () -> exactRows(calcite, "select sum(amount) from texty"));
    assertNumericOutOfRange(e);
    assertTrue(exactRowsOrError(reference, "select sum(amount) from texty").startsWith("ERROR"));
    assertTrue(exactRowsOrError(calcite, "select amount from texty").contains("twelve"));
  }

  /**
   * A scaled sum past 64 bits (10,000 × 9999999999999.99 is 10^19 hundredths) raises SQLite's "integer overflow":
   * an error, never a rounded number.
   */
  @Test void sumPastSixtyFourBitsIsAnErrorWithSqlState22003() {
    SQLException e = assertThrows(SQLException.class, () -> exactRows(calcite, "select sum(amount) from huge"));
    assertNumericOutOfRange(e);
  }

  /**
   * An overflow inside nested DECIMAL arithmetic is detected even when the final value is small: {@code a * a + 1 -
   * a * a} with {@code a * a} past 64 bits is 0.0 in SQLite's floating point (Calcite: 0.0001), and products past
   * 64 bits fail too. A BIGINT or DECIMAL(19,0) value near 2^63 that overflows fails where Calcite would return a
   * 19-digit number.
   */
  @Test void overflowInsideDecimalArithmeticIsAnErrorWithSqlState22003() throws SQLException {
    for (String sql : List.of("select amount * amount + 0.0001 - amount * amount from wide where id = 1",
        "select amount * amount * amount from wide where id = 1", "select sum(amount * amount) from wide",
        "select id, big + 1 from wide where id = 2", "select big * 0.5 from wide where id = 2")) {
      SQLException e = assertThrows(SQLException.class, () -> exactRows(calcite, sql), sql);
      assertNumericOutOfRange(e);
    }
    assertEquals(exactRows(reference, "select id, big + 1 from wide where id <> 2"),
        exactRows(calcite, "select id, big + 1 from wide where id <> 2"));
  }

  /**
   * A stored DECIMAL(19,0) column is not summed in D1 (SQLite's 64-bit sum could overflow on the way to a sum that
   * fits, where Calcite sums exactly), and DECIMAL(15,2) values of 15 digits, stored as REAL, read exactly (SQLite's
   * own text of 9999999999999.99 is 9999999999999.9902).
   */
  @Test void wideDecimalsStayExact() throws SQLException {
    for (String sql : List.of("select sum(big), min(big), max(big) from wide",
        "select id from wide where big = 9007199254740993", "select id, amount from wide",
        "select sum(amount * 3) from events", "select max(amount), min(amount) from wide",
        "select sum(amount) filter (where kind = 'a'), sum(amount) from events")) {
      assertEquals(exactRows(reference, sql), exactRows(calcite, sql), sql);
    }
  }

  static void assertNumericOutOfRange(SQLException e) {
    Throwable t = e;
    while (t != null && !(t instanceof SQLException s && "22003".equals(s.getSQLState()))) {
      t = t.getCause();
    }
    assertTrue(t != null && t.getMessage().contains("CAST the column to DOUBLE"), () -> "no SQLState 22003 in "
        + e);
  }

  /** Rows as text; decimals digit for digit without trailing zeros, everything else as {@link Rows} has it. */
  static List<String> exactRows(Connection connection, String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          int type = rs.getMetaData().getColumnType(i);
          Object v = type == java.sql.Types.DATE || type == java.sql.Types.TIMESTAMP ? rs.getString(i)
              : rs.getObject(i);
          row.add(v instanceof BigDecimal d ? d.stripTrailingZeros().toPlainString() : Rows.normalize(v));
        }
        rows.add(String.join(" | ", row));
      }
    }
    return rows;
  }

  /**
   * Calcite's AVG of a DECIMAL(p,s) is {@code CAST(CAST(SUM(x) AS DECIMAL(p,s)) / COUNT(x) AS DECIMAL(p,s))}: the
   * quotient truncated toward zero at scale s (0.025 is 0.02, -0.035 is -0.03, 0.03 / 4 is 0.00), a sum past
   * DECIMAL(p,s) an error even where the average would fit, NULL for no values. The answers through D1 must stay
   * these when the division is pushed (issue 12, T22): SQLite's integer division of the scaled sum by the count
   * truncates the same way.
   */
  @Test void decimalAverageIsCalcites() throws SQLException {
    for (String sql : List.of("select g, avg(amount), count(amount) from averages where g <> 9 group by g",
        "select avg(amount) from averages where g = 1", "select avg(amount) from averages where g = 100",
        "select id from averages where amount > (select avg(amount) from averages where g <> 9 and amount > 0.00)")) {
      List<String> expected = exactRows(reference, sql);
      List<String> actual = exactRows(calcite, sql);
      Collections.sort(expected);
      Collections.sort(actual);
      assertEquals(expected, actual, sql);
    }
    assertEquals("[1 | 0.02 | 2, 2 | -0.02 | 2, 3 | 0 | 3, 4 | 0 | 4, 5 | 7.77 | 1, 6 | NULL | 0, 7 | -0.03 | 2,"
        + " 8 | 0.01 | 3]", exactRows(calcite, "select g, avg(amount), count(amount) from averages where g <> 9"
        + " group by g order by g").toString());
    String tooWide = "select avg(amount) from averages where g = 9";
    assertTrue(exactRowsOrError(reference, tooWide).contains("cannot be represented as a DECIMAL(15, 2)"));
    assertNumericOutOfRange(assertThrows(SQLException.class, () -> exactRows(calcite, tooWide)));
    assertEquals("[1 | 0, 2 | 0, 3 | 0.999998, 4 | 1111.111111]",
        exactRows(calcite, "select g, avg(x) from fine group by g order by g").toString());
  }

  /**
   * Comparisons on scaled integers are exact to 64 bits and fail past them, never compare doubles: {@code avail >
   * 0.5 * q} is compared as {@code avail * 10 > 5 * q}. 922337203685477580 and 922337203685477581 are one double;
   * here they differ. {@code 922337203685477581 * 10} and {@code 5 * (2^63 - 1)} are past 2^63: SQLite's "integer
   * overflow" (SQLState 22003), where Calcite, computing with BigDecimal, may still answer: a clear error, never
   * another number.
   */
  @Test void scaledComparisonIsExactToSixtyFourBitsAndFailsPastThem() throws SQLException {
    for (String sql : List.of("select id from bighalves where id = 1 and avail > 0.5 * q",
        "select id from bighalves where id = 1 and avail = 922337203685477580.5 - 0.5",
        "select id from bighalves where id = 1 and avail < 922337203685477580.5")) {
      assertEquals(exactRows(reference, sql), exactRows(calcite, sql), sql);
      assertFalse(exactRows(calcite, sql).isEmpty(), sql);
    }
    for (String sql : List.of("select id from bighalves where id = 2 and avail > 0.5 * q",
        "select id from bighalves where id = 3 and avail < 0.5 * q")) {
      assertNumericOutOfRange(assertThrows(SQLException.class, () -> exactRows(calcite, sql), sql));
    }
  }

  private static String exactRowsOrError(Connection connection, String sql) {
    try {
      return exactRows(connection, sql).toString();
    } catch (SQLException | RuntimeException e) {
      return "ERROR: " + e;
    }
  }

  private static String explain(String sql) throws SQLException {
    try (Statement st = calcite.createStatement(); ResultSet rs = st.executeQuery("explain plan for " + sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
