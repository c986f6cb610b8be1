package io.github.calcited1.rel;

import static io.github.calcited1.rel.D1ExactPushdownTest.assertNumericOutOfRange;
import static io.github.calcited1.rel.D1ExactPushdownTest.exactRows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.calcited1.testing.CalciteReferenceSchema;
import io.github.calcited1.testing.D1LocalExtension;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.calcite.runtime.Hook;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DECIMAL SUMs that use a column more than once (TPC-H's Q1: {@code SUM(price)}, {@code SUM(price * (1 - discount))},
 * {@code SUM(price * (1 - discount) * (1 + tax))}) verify each stored value once per row, in a derived table
 * ({@link D1ScaledRows}), and still answer exactly as Calcite does, or fail with SQLState 22003 for every value that
 * is not exact: a REAL with a third decimal in a DECIMAL(15,2), a REAL past 10^13, text, a sum past 64 bits.
 */
class D1ScaledRowsTest {
  @RegisterExtension static final D1LocalExtension D1 = new D1LocalExtension("scaled");

  /** TPC-H's Q1 over a table, with a WHERE that keeps every row. */
  private static final String Q1 = "select g, sum(qty) sum_qty, sum(price) sum_base_price,"
      + " sum(price * (1 - discount)) sum_disc_price, sum(price * (1 - discount) * (1 + tax)) sum_charge,"
      + " avg(price) avg_price, count(*) count_order from %s where id > -1 group by g order by g";

  private static Connection calcite;
  private static Connection reference;
  private static Connection sqlite;

  @BeforeAll static void setUp() throws SQLException {
    try (Connection sqlite = D1.sqlite(); Statement st = sqlite.createStatement()) {
      for (String table : List.of("items", "overflow", "big_integer")) {
        String digits = table.equals("big_integer") ? "17" : "15";
        st.execute("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, g TEXT, qty INTEGER, price DECIMAL(" + digits
            + ",2), discount DECIMAL(15,2), tax DECIMAL(15,2))");
      }
      // NOT NULL: no COUNT beside each SUM, whose own check would find a value past the limit first
      for (String table : List.of("third_decimal", "past_limit", "texty")) {
        st.execute("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, g TEXT NOT NULL, price DECIMAL(15,2) NOT NULL,"
            + " discount DECIMAL(15,2) NOT NULL, tax DECIMAL(15,2) NOT NULL)");
        st.execute("INSERT INTO " + table + " (g, price, discount, tax) VALUES ('a', 14282.8, 0.07, 0.03),"
            + " ('b', -0.07, 0.1, 0)");
      }
      // REAL and INTEGER amounts (NUMERIC affinity stores 5.0 as 5), negatives, negative zero, the largest
      // DECIMAL(15,2) (without discount and tax: its product would be 19 digits at scale 6), NULLs, a group whose
      // prices are all NULL
      st.execute("INSERT INTO items (g, qty, price, discount, tax) VALUES ('a', 1, 14282.8, 0.07, 0.03),"
          + " ('a', 2, 25363.53, 0.03, 0.06), ('a', 3, 5, 0, 0), ('b', 4, 0.07, 0.1, 0.01), ('b', 5, -0.0, 0.05, 0),"
          + " ('b', NULL, -1234.56, 0.04, NULL), ('c', 7, 9999999999999.99, NULL, NULL), ('e', 8, 0.01, NULL, 0.02),"
          + " ('d', 9, NULL, 0.01, 0.02), ('d', 10, NULL, NULL, NULL), ('e', 11, 99999999.99, 0.02, 0.08)");
      st.execute("INSERT INTO third_decimal (g, price, discount, tax) VALUES ('a', 10.5, 0.005, 0.01)");
      st.execute("INSERT INTO past_limit (g, price, discount, tax) VALUES ('b', 10000000000000.5, 0, 0)");
      st.execute("INSERT INTO texty (g, price, discount, tax) VALUES ('a', 1.5, 0.01, 'ten')");
      // 10,000 × 9999999999999.99 is 10^19 hundredths: past 2^63
      st.execute("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 10000)"
          + " INSERT INTO overflow SELECT x, 'a', 1, 9999999999999.99, 0, 0 FROM n");
      // an INTEGER past 10^13 (in a DECIMAL(17,2)) is exact at any size
      st.execute("INSERT INTO big_integer SELECT * FROM items");
      st.execute("INSERT INTO big_integer (g, qty, price, discount, tax) VALUES ('f', 1, 100000000000000, NULL, NULL)");
    }
    calcite = D1.calcite("scaled", Map.of());
    sqlite = D1.sqlite();
    reference = CalciteReferenceSchema.connect(calcite, "scaled", sqlite, D1Values::toCalcite);
  }

  @AfterAll static void tearDown() throws SQLException {
    calcite.close();
    reference.close();
    sqlite.close();
  }

  static Stream<String> answers() {
    return Stream.of(String.format(Q1, "items"),
        // no rows: no groups; without GROUP BY one row of NULL sums
        String.format(Q1, "items").replace("id > -1", "id < 0"),
        "select sum(price), sum(price * (1 - discount)), sum(price * (1 - discount) * (1 + tax)), count(*)"
            + " from items where id < 0",
        "select sum(price), sum(price * (1 - discount)), count(price) from items",
        // a BIGINT-like INTEGER operand (scale 0) used twice, and a DECIMAL used under a CASE (verified per use)
        "select g, sum(price * qty), sum(qty * price * (1 + tax)), sum(case when qty > 2 then price else 0 end)"
            + " from items where price < 100000 group by g",
        "select g, sum(price) s, sum(price * (1 + tax)) from items group by g having sum(price) > 0"
            + " order by s desc nulls last",
        // an INTEGER past 10^13, exact in both
        String.format(Q1, "big_integer"),
        "select id, price * 2, price + 0.01, price * (1 - discount) from big_integer");
  }

  /** The answer is Calcite's, in one statement. */
  @ParameterizedTest
  @MethodSource("answers")
  void answersAsCalcite(String sql) throws SQLException {
    List<String> sent = new ArrayList<>();
    List<String> actual;
    long before = D1.requestCount();
    try (Hook.Closeable ignored = Hook.QUERY_PLAN.addThread((Consumer<Object>) s -> sent.add((String) s))) {
      actual = exactRows(calcite, sql);
    }
    List<String> expected = exactRows(reference, sql);
    if (!sql.contains("order by")) {
      Collections.sort(actual);
      Collections.sort(expected);
    }
    assertEquals(expected, actual, sql + "; D1 got " + sent);
    assertEquals(1, D1.requestCount() - before, sent.toString());
  }

  /**
   * Q1 verifies each of its three DECIMAL columns once per row, in a derived table that SQLite cannot flatten into
   * the aggregate ({@code LIMIT -1}); each SUM adds the derived columns.
   */
  @Test void eachColumnIsVerifiedOnce() throws SQLException {
    String sql = sentFor(String.format(Q1, "items"));
    assertTrue(sql.contains("LIMIT -1) AS \"d1_rows\""), sql);
    for (String column : List.of("price", "discount", "tax")) {
      assertEquals(1, count(sql, "TYPEOF(\"items\".\"" + column + "\")"), column + " in " + sql);
    }
    assertEquals(0, count(sql, "TYPEOF(\"items\".\"qty\")"), sql); // an INTEGER column summed as it is
    assertTrue(sql.contains("SUM(\"d1_rows\".\"price_scaled\")"), sql);
  }

  /** A column used once keeps its verification in place: no derived table. */
  @Test void aColumnUsedOnceNeedsNoDerivedTable() throws SQLException {
    String sql = sentFor("select g, sum(price * (1 - discount)) from items group by g");
    assertTrue(!sql.contains("d1_rows") && !sql.contains("LIMIT"), sql);
  }

  /**
   * Every value that is not exact still fails, in each column of the derived table: 0.005 in a DECIMAL(15,2)
   * (a third decimal), 10000000000000.5 (past 10^13: 16 digits, more than a double's text carries), the text 'ten'.
   * Calcite refuses the first and the last too.
   */
  @ParameterizedTest
  @ValueSource(strings = {"third_decimal", "past_limit", "texty"})
  void inexactValuesAreErrorsWithSqlState22003(String table) {
    String sql = "select g, sum(price), sum(price * (1 - discount)), sum(discount + tax), sum(tax), count(*) from "
        + table + " group by g";
    assertNumericOutOfRange(assertThrows(SQLException.class, () -> exactRows(calcite, sql), sql));
    if (!table.equals("past_limit")) { // which Calcite reads as the decimal of the double's shortest text
      assertThrows(Exception.class, () -> exactRows(reference, sql), "Calcite itself refuses " + table);
    }
  }

  /** A sum past 64 bits is SQLite's integer overflow in the derived form too: an error, never a rounded number. */
  @Test void sumPastSixtyFourBitsIsAnErrorWithSqlState22003() {
    for (String sql : List.of(String.format(Q1, "overflow"),
        "select sum(price), sum(price * (1 + tax)) from overflow")) {
      assertNumericOutOfRange(assertThrows(SQLException.class, () -> exactRows(calcite, sql), sql));
    }
  }

  private static String sentFor(String sql) throws SQLException {
    List<String> sent = new ArrayList<>();
    try (Hook.Closeable ignored = Hook.QUERY_PLAN.addThread((Consumer<Object>) s -> sent.add((String) s))) {
      exactRows(calcite, sql);
    }
    assertEquals(1, sent.size(), sent.toString());
    return sent.get(0).replaceAll("\\s+", " ");
  }

  private static int count(String text, String fragment) {
    Matcher m = Pattern.compile(Pattern.quote(fragment), Pattern.CASE_INSENSITIVE).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
