package io.github.calcited1.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.calcited1.client.D1Statement;
import io.github.calcited1.rel.D1Schema;
import io.github.calcited1.testing.D1LocalExtension;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.calcite.jdbc.CalciteConnection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What Apache Spark's JDBC data source does with {@code jdbc:d1:} (its module spark-example runs Spark itself),
 * checked here against d1-local without Spark: the schema probe {@code SELECT * FROM t WHERE 1=0} of a view with
 * computed columns gives each column a JDBC type a tool can read, the boolean column Spark creates ({@code BIT(1)})
 * reads as BOOLEAN, and the probe of a missing table fails with a 42xxx state.
 */
class D1SparkCompatibilityTest {
  @RegisterExtension static final D1LocalExtension d1 = new D1LocalExtension("shop", "other");

  @BeforeAll
  static void start() throws Exception {
    // Created before the first connection reads the (cached) catalog.
    d1.d1Batch("CREATE TABLE lines (id INTEGER PRIMARY KEY, name TEXT, price REAL, qty INTEGER, photo BLOB)",
        "INSERT INTO lines VALUES (1, 'ada', 2.5, 3, x'01'), (2, 'bob', 4, 2, x'02'), (3, NULL, NULL, NULL, NULL)",
        "CREATE VIEW line_totals AS SELECT id, price * qty AS total, upper(name) AS shout, qty + 1 AS next_qty,"
            + " coalesce(photo, x'00') AS tagged, CASE WHEN id = 1 THEN 'one' ELSE id END AS mixed FROM lines",
        "CREATE VIEW no_lines AS SELECT id, price * qty AS total FROM lines WHERE id < 0",
        "CREATE TABLE flags (id INTEGER PRIMARY KEY, f BIT(1), g BIT)",
        "INSERT INTO flags VALUES (1, 1, 0), (2, 0, NULL)",
        "CREATE TABLE amounts (id INTEGER PRIMARY KEY, n INTEGER, d DECIMAL(10,2))");
  }

  private static List<String> columnTypes(ResultSetMetaData md) throws SQLException {
    List<String> types = new ArrayList<>();
    for (int i = 1; i <= md.getColumnCount(); i++) {
      types.add(md.getColumnName(i) + " " + md.getColumnTypeName(i) + " " + md.getColumnType(i));
    }
    return types;
  }

  @Test
  void computedViewColumnsHaveTheTypeOfTheirValues() throws Exception {
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      try (ResultSet r = s.executeQuery("SELECT * FROM line_totals WHERE 1=0")) {
        // mixed: 'one' and integers, which no single type holds, stays ANY (values as stored).
        assertEquals(List.of("id BIGINT " + Types.BIGINT, "total DOUBLE " + Types.DOUBLE,
            "shout VARCHAR " + Types.VARCHAR, "next_qty BIGINT " + Types.BIGINT,
            "tagged VARBINARY " + Types.VARBINARY, "mixed ANY " + Types.JAVA_OBJECT), columnTypes(r.getMetaData()));
      }
      try (ResultSet r = s.executeQuery("SELECT id, total, shout, next_qty FROM line_totals ORDER BY id")) {
        List<String> rows = new ArrayList<>();
        while (r.next()) {
          rows.add(r.getObject(1) + "|" + r.getObject(2) + "|" + r.getObject(3) + "|" + r.getObject(4));
        }
        // SQLite: 2.5 * 3 = 7.5, 4.0 * 2 = 8.0 (price is REAL), NULLs propagate.
        assertEquals(List.of("1|7.5|ADA|4", "2|8.0|BOB|3", "3|null|null|null"), rows);
      }
      try (ResultSet r = s.executeQuery("SELECT * FROM no_lines WHERE 1=0")) {
        // An empty view gives no values to look at: TEXT, documented.
        assertEquals(List.of("id BIGINT " + Types.BIGINT, "total VARCHAR " + Types.VARCHAR),
            columnTypes(r.getMetaData()));
      }
    }
  }

  @Test
  void aViewIsTypedByOneRequestOnItsFirstUseAfterACatalogLoad() throws Exception {
    try (Connection c = d1.connect()) {
      D1Schema schema = c.unwrap(CalciteConnection.class).getRootSchema().getSubSchema("shop")
          .unwrap(D1Schema.class);
      long before = d1.server().requestCount();
      schema.refreshCatalog();
      assertEquals(1, d1.server().requestCount() - before, "the reload: one batch, no view is typed yet");
      for (int i = 0; i < 2; i++) {
        try (Connection other = d1.connect(); Statement s = other.createStatement();
             ResultSet r = s.executeQuery("SELECT * FROM line_totals WHERE 1=0")) {
          assertEquals("total DOUBLE " + Types.DOUBLE, columnTypes(r.getMetaData()).get(1));
        }
      }
      // line_totals typed once for every connection; no_lines, not used, costs nothing; WHERE 1=0 sends nothing.
      assertEquals(2, d1.server().requestCount() - before);
    }
  }

  /**
   * A view whose rows raise an error (malformed JSON) cannot be sampled: the catalog still loads, and its computed
   * column stays ANY, as before. In the database "other", so that the views of "shop" are typed.
   */
  @Test
  void aViewThatCannotBeReadLeavesTheCatalogUsable() throws Exception {
    String other = d1.server().databaseId("other");
    d1.client().batch(other, List.of(D1Statement.of("CREATE TABLE docs (id INTEGER PRIMARY KEY, body TEXT)"),
        D1Statement.of("INSERT INTO docs VALUES (1, 'not json')"),
        D1Statement.of("CREATE VIEW doc_titles AS SELECT id, json_extract(body, '$.title') AS title FROM docs")));
    try (Connection c = DriverManager.getConnection(d1.url().replace("database=shop", "database=other"));
         Statement s = c.createStatement();
         ResultSet r = s.executeQuery("SELECT * FROM doc_titles WHERE 1=0")) {
      assertEquals(List.of("id BIGINT " + Types.BIGINT, "title ANY " + Types.JAVA_OBJECT),
          columnTypes(r.getMetaData()));
    }
  }

  @Test
  void bitOneIsBoolean() throws Exception {
    try (Connection c = d1.connect(); Statement s = c.createStatement();
         ResultSet r = s.executeQuery("SELECT id, f, g FROM flags ORDER BY id")) {
      assertEquals(List.of("id BIGINT " + Types.BIGINT, "f BOOLEAN " + Types.BOOLEAN, "g BOOLEAN " + Types.BOOLEAN),
          columnTypes(r.getMetaData()));
      r.next();
      assertEquals(List.of(true, false), List.of(r.getObject(2), r.getObject(3)));
      r.next();
      assertEquals(false, r.getObject(2));
      assertEquals(null, r.getObject(3));
    }
  }

  @Test
  void booleanParameterIntoARealColumn() throws Exception {
    try (Connection c = d1.connect();
         PreparedStatement ps = c.prepareStatement("INSERT INTO lines (id, price) VALUES (?, ?)")) {
      c.setAutoCommit(false);
      ps.setLong(1, 10);
      ps.setBoolean(2, true);
      ps.addBatch();
      ps.executeBatch();
      c.commit();
    }
    assertEquals(1.0, ((Number) d1.d1("SELECT price FROM lines WHERE id = 10").rows().get(0)[0]).doubleValue());
  }

  @Test
  void booleanParametersIntoIntegerAndDecimalColumns() throws Exception {
    try (Connection c = d1.connect();
         PreparedStatement ps = c.prepareStatement("INSERT INTO amounts (id, n, d) VALUES (?, ?, ?)")) {
      c.setAutoCommit(false);
      ps.setLong(1, 1);
      ps.setBoolean(2, true);
      ps.setBoolean(3, false);
      ps.addBatch();
      ps.setLong(1, 2);
      ps.setBoolean(2, false);
      ps.setBoolean(3, true);
      ps.addBatch();
      ps.executeBatch();
      c.commit();
    }
    assertEquals("[[1, integer, 1, integer, 0], [2, integer, 0, integer, 1]]", rows(d1.d1(
        "SELECT id, typeof(n), n, typeof(d), d FROM amounts ORDER BY id").rows()));
    try (Connection c = d1.connect();
         PreparedStatement ps = c.prepareStatement("SELECT id FROM amounts WHERE n = ? AND d = ?")) {
      ps.setBoolean(1, false);
      ps.setBoolean(2, true);
      try (ResultSet r = ps.executeQuery()) {
        assertTrue(r.next());
        assertEquals(2, r.getLong(1));
        assertFalse(r.next());
      }
    }
  }

  private static String rows(List<Object[]> rows) {
    List<String> out = new ArrayList<>();
    for (Object[] row : rows) {
      out.add(Arrays.toString(row));
    }
    return out.toString();
  }

  @Test
  void probeOfAMissingTableIs42S02() throws Exception {
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      SQLException e = assertThrows(SQLException.class, () -> s.executeQuery("SELECT 1 FROM nowhere WHERE 1=0"));
      assertEquals("42S02", e.getSQLState());
    }
  }
}
