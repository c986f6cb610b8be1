package io.github.calcited1.testing;

/**
 * A small SQLite schema with what GUI tools show (issue 17): PRIMARY KEYs (a rowid alias, a composite one), FOREIGN
 * KEYs (one ON DELETE CASCADE), a UNIQUE column, an index with a DESC column, a CHECK, DEFAULTs
 * ({@code CURRENT_TIMESTAMP}, a string) and a view.
 */
public final class KeysSchema {
  public static final String[] STATEMENTS = {
      "CREATE TABLE customers (id INTEGER PRIMARY KEY AUTOINCREMENT, email VARCHAR(80) NOT NULL UNIQUE,"
          + " name TEXT, created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, status TEXT DEFAULT 'new',"
          + " balance DECIMAL(10, 2) CHECK (balance >= 0))",
      "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers (id)"
          + " ON DELETE CASCADE, total REAL, placed DATE)",
      "CREATE INDEX orders_by_customer ON orders (customer_id, placed DESC)",
      "CREATE TABLE order_lines (order_id INTEGER NOT NULL, line INTEGER NOT NULL, sku TEXT,"
          + " PRIMARY KEY (order_id, line), FOREIGN KEY (order_id) REFERENCES orders (id))",
      "CREATE VIEW big_orders AS SELECT o.id, o.total, c.email FROM orders o JOIN customers c"
          + " ON c.id = o.customer_id WHERE o.total > 100"};

  private KeysSchema() {
  }
}
