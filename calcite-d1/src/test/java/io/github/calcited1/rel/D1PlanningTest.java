package io.github.calcited1.rel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.calcited1.testing.D1LocalExtension;
import io.github.calcited1.testing.Rows;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import org.apache.calcite.runtime.Hook;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Planning of the benchmark's 9-table query (8 joins and a GROUP BY; Q12 in docs/performance.md), on the
 * benchmark's schema with a few rows. The test asserts the plan (one statement, one request, SQLite's answer), not
 * its time: timing belongs to benchmarks/.
 */
class D1PlanningTest {
  @RegisterExtension static final D1LocalExtension D1 = new D1LocalExtension("bench");

  /** {@code benchmarks/.../OverheadBench.EIGHT_JOIN_SQL}, verbatim. */
  static final String EIGHT_JOIN_SQL = "SELECT r.name AS region, cat.name AS category, COUNT(*) AS lines_, "
      + "SUM(oi.qty * oi.price) AS revenue FROM order_items oi "
      + "JOIN orders o ON oi.order_id = o.id JOIN customers c ON o.customer_id = c.id "
      + "JOIN countries co ON c.country_id = co.id JOIN regions r ON co.region_id = r.id "
      + "JOIN segments s ON c.segment_id = s.id JOIN products p ON oi.product_id = p.id "
      + "JOIN categories cat ON p.category_id = cat.id JOIN suppliers su ON p.supplier_id = su.id "
      + "WHERE s.name = 'Enterprise' AND su.country_id < 20 GROUP BY r.name, cat.name";

  private static Connection calcite;

  @BeforeAll static void setUp() throws SQLException {
    try (Connection c = D1.sqlite(); Statement s = c.createStatement()) {
      String seq = "WITH RECURSIVE q(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM q WHERE x < %d) ";
      s.execute("CREATE TABLE regions (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
      s.execute(String.format(seq, 8) + "INSERT INTO regions SELECT x, 'region-' || x FROM q");
      s.execute("CREATE TABLE segments (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
      s.execute("INSERT INTO segments VALUES (1, 'Consumer'), (2, 'SMB'), (3, 'Enterprise'), (4, 'Public')");
      s.execute("CREATE TABLE countries (id INTEGER PRIMARY KEY, name TEXT NOT NULL, region_id INTEGER NOT NULL)");
      s.execute(String.format(seq, 40) + "INSERT INTO countries SELECT x, 'country-' || x, 1 + x % 8 FROM q");
      s.execute("CREATE TABLE categories (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
      s.execute(String.format(seq, 20) + "INSERT INTO categories SELECT x, 'category-' || x FROM q");
      s.execute("CREATE TABLE suppliers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, country_id INTEGER NOT NULL)");
      s.execute(String.format(seq, 200) + "INSERT INTO suppliers SELECT x, 'supplier-' || x, 1 + (x * 7) % 40 FROM q");
      s.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, "
          + "country_id INTEGER NOT NULL, segment_id INTEGER NOT NULL, created TEXT NOT NULL)");
      s.execute(String.format(seq, 400) + "INSERT INTO customers SELECT x, 'customer-' || x, "
          + "'c' || x || '@example.com', 1 + (x * 31) % 40, 1 + (x * 17) % 4, '2023-01-01' FROM q");
      s.execute("CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL, category_id INTEGER NOT NULL, "
          + "supplier_id INTEGER NOT NULL, price REAL NOT NULL)");
      s.execute(String.format(seq, 100) + "INSERT INTO products SELECT x, 'product-' || x, 1 + (x * 7) % 20, "
          + "1 + (x * 11) % 200, round(1 + ((x * 7919) % 50000) / 100.0, 2) FROM q");
      s.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, status TEXT NOT NULL, "
          + "order_date TEXT NOT NULL, total REAL NOT NULL)");
      s.execute(String.format(seq, 1000) + "INSERT INTO orders SELECT x, 1 + (x * 7919) % 400, 'paid', "
          + "'2024-01-01', round(5 + ((x * 104729) % 100000) / 100.0, 2) FROM q");
      s.execute("CREATE TABLE order_items (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL, "
          + "product_id INTEGER NOT NULL, qty INTEGER NOT NULL, price REAL NOT NULL)");
      // Prices in quarters: sums of products of small integers and quarters are exact in doubles, in any order.
      s.execute(String.format(seq, 3000) + "INSERT INTO order_items SELECT x, 1 + (x - 1) / 3, "
          + "1 + (x * 61) % 100, 1 + (x * 13) % 10, 1 + (x % 40) * 0.25 FROM q");
    }
    calcite = DriverManager.getConnection("jdbc:d1:database=bench;accountId=" + D1.accountId() + ";baseUrl="
        + D1.baseUrl() + ";apiToken=" + D1.token());
  }

  @AfterAll static void tearDown() throws SQLException {
    calcite.close();
  }

  /** The 9-table GROUP BY query plans to one D1 statement, sent in one request, that answers as SQLite does. */
  @Test void nineTablesWithGroupByAreOneStatement() throws SQLException {
    List<String> sent = Collections.synchronizedList(new ArrayList<>());
    long before = D1.requestCount();
    List<String> rows;
    try (Hook.Closeable ignored = Hook.QUERY_PLAN.addThread((Consumer<Object>) s -> sent.add((String) s));
         PreparedStatement ps = calcite.prepareStatement(EIGHT_JOIN_SQL); ResultSet rs = ps.executeQuery()) {
      rows = Rows.read(rs);
    }
    assertEquals(1, sent.size(), sent::toString);
    assertEquals(1, D1.requestCount() - before, "one request");
    String sql = sent.get(0);
    assertEquals(8, sql.split("INNER JOIN", -1).length - 1, sql);
    assertTrue(sql.contains("GROUP BY \"regions\".\"name\", \"categories\".\"name\""), sql);
    List<String> expected;
    try (Connection s = D1.sqlite(); Statement st = s.createStatement();
         ResultSet rs = st.executeQuery(EIGHT_JOIN_SQL)) {
      expected = Rows.read(rs);
    }
    assertFalse(expected.isEmpty());
    Collections.sort(rows);
    Collections.sort(expected);
    assertEquals(expected, rows);
  }
}
