package io.github.calcited1.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;

/**
 * A small shop, written straight into a D1 database's SQLite file: customers, products, orders, order items, a
 * view, a WITHOUT ROWID table, and values that stress the mapping (NULLs, unicode, 64-bit integers, blobs, dates).
 * {@code tallies} holds what SQLite evaluates differently from Calcite: NUMERIC columns whose whole values SQLite
 * stores as integers (so SQLite divides them as integers), and a {@code COLLATE NOCASE} column (SQLite compares,
 * groups and orders it ignoring ASCII case). Deterministic: the same rows every time.
 */
public final class ShopData {
  public static final String[] NAMES = {"Ada", "Zoë", "Björn", "Łucja", "Ærøskøbing AS", "北京商店", "Grüße GmbH",
      "O'Brien", "café ☕", "Émile", "ada", "BOB", "bob", "Ünal", "😀 Smiley"};
  public static final String[] COUNTRIES = {"DE", "FR", "NO", "PL", "DK", "CN", "US", null};
  public static final String[] STATUSES = {"new", "paid", "shipped", "cancelled", "Shipped"};
  /** {@code tallies.tag}: case variants (ASCII and not), NULL. */
  public static final String[] TAGS = {"red", "Red", "RED", "blue", "Blue", null, "grün", "GRÜN", "Grün", "b", "B",
      "green"};
  /** {@code tallies.amount} (NUMERIC): whole values, odd and negative, one fraction, NULL. */
  public static final Object[] AMOUNTS = {7L, 10L, -3L, 0L, 1L, null, 2.5, -7L, 9L, 4L, 11L, 100L};

  private ShopData() {}

  public static void create(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email VARCHAR(80),"
          + " country TEXT, vip BOOLEAN, signup DATE, balance DECIMAL(10,2), score REAL)");
      s.execute("CREATE TABLE products (id INTEGER PRIMARY KEY, sku TEXT NOT NULL UNIQUE, title TEXT,"
          + " price REAL NOT NULL, weight_g INTEGER, image BLOB, serial BIGINT)");
      s.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers(id),"
          + " ordered_at TIMESTAMP, ship_date DATE, status TEXT NOT NULL, note TEXT)");
      s.execute("CREATE TABLE order_items (order_id INTEGER NOT NULL REFERENCES orders(id),"
          + " product_id INTEGER NOT NULL REFERENCES products(id), qty INTEGER NOT NULL, unit_price REAL NOT NULL,"
          + " PRIMARY KEY (order_id, product_id)) WITHOUT ROWID");
      s.execute("CREATE TABLE big_numbers (id INTEGER PRIMARY KEY, n BIGINT, label TEXT)");
      s.execute("CREATE TABLE tallies (id INTEGER PRIMARY KEY, name TEXT NOT NULL, tag TEXT COLLATE NOCASE,"
          + " amount NUMERIC, qty NUMERIC NOT NULL)");
      s.execute("CREATE VIEW customer_totals AS SELECT c.id AS customer_id, c.name AS name,"
          + " COUNT(o.id) AS orders FROM customers c LEFT JOIN orders o ON o.customer_id = c.id GROUP BY c.id");
    }
    Random r = new Random(42);
    c.setAutoCommit(false);
    try (PreparedStatement p = c.prepareStatement("INSERT INTO customers VALUES (?,?,?,?,?,?,?,?)")) {
      for (int i = 1; i <= 60; i++) {
        String name = NAMES[i % NAMES.length] + (i > NAMES.length ? " " + i : "");
        p.setInt(1, i);
        p.setString(2, name);
        p.setString(3, i % 7 == 0 ? null : "user" + i + "@example." + (i % 2 == 0 ? "com" : "org"));
        p.setString(4, COUNTRIES[i % COUNTRIES.length]);
        if (i % 5 == 0) {
          p.setNull(5, java.sql.Types.INTEGER);
        } else {
          p.setInt(5, i % 3 == 0 ? 1 : 0);
        }
        p.setString(6, i % 9 == 0 ? null : String.format("20%02d-%02d-%02d", 19 + i % 6, 1 + i % 12, 1 + i % 28));
        p.setDouble(7, Math.round((r.nextDouble() * 2000 - 500) * 100) / 100.0);
        if (i % 11 == 0) {
          p.setNull(8, java.sql.Types.REAL);
        } else {
          p.setDouble(8, Math.round(r.nextDouble() * 10000) / 100.0);
        }
        p.addBatch();
      }
      p.executeBatch();
    }
    try (PreparedStatement p = c.prepareStatement("INSERT INTO products VALUES (?,?,?,?,?,?,?)")) {
      for (int i = 1; i <= 40; i++) {
        p.setInt(1, i);
        p.setString(2, String.format("SKU-%04d", i * 7));
        p.setString(3, i % 8 == 0 ? null : (i % 3 == 0 ? "Grüner Tee " : i % 3 == 1 ? "Widget " : "gadget ") + i);
        p.setDouble(4, Math.round(r.nextDouble() * 50000) / 100.0 + 0.5);
        if (i % 6 == 0) {
          p.setNull(5, java.sql.Types.INTEGER);
        } else {
          p.setInt(5, 100 + r.nextInt(5000));
        }
        if (i % 4 == 0) {
          p.setNull(6, java.sql.Types.BLOB);
        } else {
          byte[] image = new byte[i % 5];
          r.nextBytes(image);
          p.setBytes(6, image);
        }
        p.setLong(7, i == 1 ? Long.MAX_VALUE : i == 2 ? Long.MIN_VALUE : i == 3 ? 9007199254740993L
            : 1_000_000_000_000L * i + r.nextInt(1000));
        p.addBatch();
      }
      p.executeBatch();
    }
    try (PreparedStatement p = c.prepareStatement("INSERT INTO orders VALUES (?,?,?,?,?,?)")) {
      for (int i = 1; i <= 300; i++) {
        p.setInt(1, i);
        if (i % 50 == 0) {
          p.setNull(2, java.sql.Types.INTEGER);
        } else {
          p.setInt(2, 1 + r.nextInt(60));
        }
        int day = 1 + r.nextInt(28);
        int month = 1 + r.nextInt(12);
        p.setString(3, String.format("2024-%02d-%02d %02d:%02d:%02d", month, day, r.nextInt(24), r.nextInt(60),
            r.nextInt(60)));
        p.setString(4, i % 4 == 0 ? null : String.format("2024-%02d-%02d", month, Math.min(28, day + 2)));
        p.setString(5, STATUSES[r.nextInt(STATUSES.length)]);
        p.setString(6, i % 10 == 0 ? "gift wrap: \"red\" 🎁" : null);
        p.addBatch();
      }
      p.executeBatch();
    }
    try (PreparedStatement p = c.prepareStatement("INSERT INTO order_items VALUES (?,?,?,?)")) {
      for (int order = 1; order <= 300; order++) {
        int n = 1 + r.nextInt(4);
        int first = 1 + r.nextInt(37);
        for (int k = 0; k < n; k++) {
          p.setInt(1, order);
          p.setInt(2, first + k);
          p.setInt(3, 1 + r.nextInt(9));
          p.setDouble(4, Math.round(r.nextDouble() * 10000) / 100.0);
          p.addBatch();
        }
      }
      p.executeBatch();
    }
    try (PreparedStatement p = c.prepareStatement("INSERT INTO big_numbers VALUES (?,?,?)")) {
      long[] values = {Long.MAX_VALUE, Long.MIN_VALUE, 9007199254740993L, 9007199254740992L, -9007199254740993L,
          0, 1, -1, 1234567890123456789L, 9007199254740991L, -9007199254740991L}; // +-(2^53 - 1): sent as numbers
      for (int i = 0; i < values.length; i++) {
        p.setInt(1, i + 1);
        p.setLong(2, values[i]);
        p.setString(3, "v" + i);
        p.addBatch();
      }
      p.setInt(1, values.length + 1);
      p.setNull(2, java.sql.Types.BIGINT);
      p.setString(3, "null");
      p.addBatch();
      p.executeBatch();
    }
    try (PreparedStatement p = c.prepareStatement("INSERT INTO tallies VALUES (?,?,?,?,?)")) {
      for (int i = 0; i < TAGS.length; i++) {
        p.setInt(1, i + 1);
        // U+FFxx sorts after a surrogate pair in UTF-16 (Calcite), before it in UTF-8 (SQLite)
        p.setString(2, i == 10 ? "Ｚｏｅ" : i == 11 ? "ｚ😀" : NAMES[i % NAMES.length]);
        p.setString(3, TAGS[i]);
        p.setObject(4, AMOUNTS[i]);
        p.setLong(5, 3L * i + 1); // whole: SQLite keeps them INTEGER
        p.addBatch();
      }
      p.executeBatch();
    }
    c.commit();
    c.setAutoCommit(true);
  }
}
