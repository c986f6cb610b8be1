package io.github.calcited1.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Generates the SQLite files d1-local serves, deterministically, with SQLite itself (recursive CTEs), before the
 * server opens them: an analytical schema of 9 tables ("bench"), a wide-ish table for the scan ("scan"), and an empty
 * database for the writes ("bulk"). {@code D1PlanningTest} plans the 8-join query on the same schema, a few rows.
 */
final class Data {
  static final int CUSTOMERS = 20_000;
  static final int PRODUCTS = 2_000;
  static final int ORDERS = 50_000;
  /** Three lines per order. */
  static final int ITEMS = 3 * ORDERS;

  /** The prices of {@code order_items}. */
  enum ItemPrice {
    /** 1.00 to 500.99 in cents, as a shop's: what the benchmark measures. */
    CENTS("round(1 + ((x * 7919) % 50000) / 100.0, 2)"),
    /**
     * 1.00 to 10.75 in quarters: products of small integers and quarters, and their sums, are exact in doubles in
     * any order, so a test can compare Calcite's sums with SQLite's exactly.
     */
    QUARTERS("1 + (x % 40) * 0.25");

    /** The price of line {@code x}, in SQL. */
    final String sql;

    ItemPrice(String sql) {
      this.sql = sql;
    }
  }

  private Data() {
  }

  /** The benchmark's analytics database. */
  static void analytics(Path file) throws SQLException {
    analytics(file, CUSTOMERS, PRODUCTS, ORDERS, ItemPrice.CENTS);
  }

  /** The analytics schema with these row counts ({@code orders} orders of three lines each) and line prices. */
  static void analytics(Path file, int customers, int products, int orders, ItemPrice itemPrice) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
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
      s.execute(String.format(seq, customers) + "INSERT INTO customers SELECT x, 'customer-' || x, "
          + "'c' || x || '@example.com', 1 + (x * 31) % 40, 1 + (x * 17) % 4, "
          + "date('2023-01-01', '+' || ((x * 13) % 700) || ' days') FROM q");
      s.execute("CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL, category_id INTEGER NOT NULL, "
          + "supplier_id INTEGER NOT NULL, price REAL NOT NULL)");
      s.execute(String.format(seq, products) + "INSERT INTO products SELECT x, 'product-' || x, 1 + (x * 7) % 20, "
          + "1 + (x * 11) % 200, round(1 + ((x * 7919) % 50000) / 100.0, 2) FROM q");
      s.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, status TEXT NOT NULL, "
          + "order_date TEXT NOT NULL, total REAL NOT NULL)");
      s.execute(String.format(seq, orders) + "INSERT INTO orders SELECT x, 1 + (x * 7919) % " + customers + ", "
          + "CASE x % 5 WHEN 0 THEN 'new' WHEN 1 THEN 'paid' WHEN 2 THEN 'shipped' WHEN 3 THEN 'shipped' "
          + "ELSE 'returned' END, date('2024-01-01', '+' || ((x * 37) % 730) || ' days'), "
          + "round(5 + ((x * 104729) % 100000) / 100.0, 2) FROM q");
      s.execute("CREATE TABLE order_items (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL, "
          + "product_id INTEGER NOT NULL, qty INTEGER NOT NULL, price REAL NOT NULL)");
      s.execute(String.format(seq, 3 * orders) + "INSERT INTO order_items SELECT x, 1 + (x - 1) / 3, "
          + "1 + (x * 6151) % " + products + ", 1 + (x * 13) % 10, " + itemPrice.sql + " FROM q");
      s.execute("CREATE INDEX orders_customer ON orders (customer_id)");
      s.execute("CREATE INDEX items_order ON order_items (order_id)");
      s.execute("CREATE INDEX items_product ON order_items (product_id)");
      s.execute("CREATE INDEX customers_country ON customers (country_id, segment_id)");
      c.commit();
      c.setAutoCommit(true);
      s.execute("ANALYZE");
    }
  }

  /** {@code scan_t(id, k, v, s, t)}: 5 columns, about 60 bytes of JSON per row. */
  static void scan(Path file, int rows) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("CREATE TABLE scan_t (id INTEGER PRIMARY KEY, k INTEGER NOT NULL, v REAL NOT NULL, s TEXT NOT NULL, "
          + "t TEXT)");
      s.execute("WITH RECURSIVE q(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM q WHERE x < " + rows + ") "
          + "INSERT INTO scan_t SELECT x, (x * 7919) % 1000003, x * 0.5 + 0.25, 'name-' || x, "
          + "CASE WHEN x % 10 = 0 THEN NULL ELSE 'tag-' || (x % 100) END FROM q");
      c.commit();
    }
  }

  static void empty(Path file) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS placeholder (id INTEGER PRIMARY KEY)");
    }
  }
}
