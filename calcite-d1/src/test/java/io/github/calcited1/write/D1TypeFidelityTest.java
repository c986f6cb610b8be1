package io.github.calcited1.write;

import io.github.calcited1.testing.D1LocalExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Types;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rows travel as JSON text that SQLite parses (json_each / ->>): what SQLite stores must be exactly what was written.
 * Checked by reading the d1-local database file with sqlite-jdbc (storage class and value).
 */
class D1TypeFidelityTest {
  @RegisterExtension static final D1LocalExtension d1 = new D1LocalExtension("shop", "other");

  static final long[] INTS = {Long.MAX_VALUE, Long.MIN_VALUE, (1L << 53) + 1, -((1L << 53) + 1), 0, -1};
  static final double[] DOUBLES = {0.1, 1e300, -2.5e-300, Double.MIN_VALUE, 1.0, -0.5, 123456789.123456789};
  static final String[] TEXTS = {"it's \"quoted\"", "back\\slash", "new\nline\ttab", "\u00e9\u4e2d\ud83d\ude00",
      "[1,2]", "", "\u0001ctl"};

  @BeforeAll
  static void start() throws Exception {
    // Tables exist before the first connection reads the (cached) catalog.
    d1.d1Batch("CREATE TABLE ty (k INTEGER PRIMARY KEY, i INTEGER, r REAL, t TEXT, b BLOB)",
        "CREATE TABLE pc (id INTEGER PRIMARY KEY, v TEXT)");
  }

  @Test
  void valuesArriveExactly() throws Exception {
    byte[] all = new byte[256];
    for (int i = 0; i < 256; i++) {
      all[i] = (byte) i;
    }
    int rows = Math.max(INTS.length, Math.max(DOUBLES.length, TEXTS.length));
    try (Connection c = d1.connect();
         PreparedStatement ps = c.prepareStatement("INSERT INTO ty (k, i, r, t, b) VALUES (?, ?, ?, ?, ?)")) {
      for (int k = 0; k < rows; k++) {
        ps.setInt(1, k);
        if (k < INTS.length) {
          ps.setLong(2, INTS[k]);
        } else {
          ps.setNull(2, Types.BIGINT);
        }
        if (k < DOUBLES.length) {
          ps.setDouble(3, DOUBLES[k]);
        } else {
          ps.setNull(3, Types.DOUBLE);
        }
        if (k < TEXTS.length) {
          ps.setString(4, TEXTS[k]);
        } else {
          ps.setNull(4, Types.VARCHAR);
        }
        if (k == 0) {
          ps.setBytes(5, all);
        } else if (k == 1) {
          ps.setBytes(5, new byte[0]);
        } else {
          ps.setNull(5, Types.VARBINARY);
        }
        ps.addBatch();
      }
      ps.executeBatch();
    }
    try (Connection f = d1.sqlite(); Statement s = f.createStatement();
         ResultSet r = s.executeQuery("SELECT k, i, typeof(i), r, typeof(r), t, typeof(t), b, typeof(b) FROM ty"
             + " ORDER BY k")) {
      for (int k = 0; k < rows; k++) {
        assertTrue(r.next());
        assertEquals(k, r.getInt(1));
        if (k < INTS.length) {
          assertEquals(INTS[k], r.getLong(2));
          assertEquals("integer", r.getString(3));
        } else {
          assertEquals("null", r.getString(3));
        }
        if (k < DOUBLES.length) {
          assertEquals(DOUBLES[k], r.getDouble(4), "row " + k);
          assertEquals("real", r.getString(5));
        } else {
          assertEquals("null", r.getString(5));
        }
        if (k < TEXTS.length) {
          assertEquals(TEXTS[k], r.getString(6));
          assertEquals("text", r.getString(7));
        } else {
          assertNull(r.getString(6));
        }
        if (k == 0) {
          assertArrayEquals(all, r.getBytes(8));
          assertEquals("blob", r.getString(9));
        } else if (k == 1) {
          assertEquals("blob", r.getString(9));
          assertEquals(0, r.getBytes(8) == null ? 0 : r.getBytes(8).length);
        } else {
          assertEquals("null", r.getString(9));
        }
      }
    }
  }

  @Test
  void plainCalciteConnectionWritesAtOnce() throws Exception {
    String model = "inline:{\"version\":\"1.0\",\"defaultSchema\":\"shop\",\"schemas\":["
        + "{\"type\":\"custom\",\"name\":\"shop\",\"factory\":\"io.github.calcited1.schema.D1SchemaFactory\","
        + "\"operand\":{\"database\":\"shop\",\"accountId\":\"acc\",\"baseUrl\":\"" + d1.server().baseUrl()
        + "\",\"apiToken\":\"" + D1LocalExtension.TOKEN + "\"}}]}";
    try (Connection c = DriverManager.getConnection("jdbc:calcite:model=" + model);
         Statement s = c.createStatement()) {
      assertEquals(false, c.getAutoCommit()); // Calcite's own (non-JDBC) default; writes are still sent at once
      assertEquals(2, s.executeUpdate("INSERT INTO \"pc\" VALUES (1, 'a'), (2, 'b')"));
      assertEquals(2, d1.count("pc"));
      assertEquals(1, s.executeUpdate("UPDATE \"pc\" SET \"v\" = 'z' WHERE \"id\" = 2"));
      assertEquals(1, s.executeUpdate("DELETE FROM \"pc\" WHERE \"id\" = 1"));
      assertEquals(1, d1.count("pc"));
    }
  }
}
