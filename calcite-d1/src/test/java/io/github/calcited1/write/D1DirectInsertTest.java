package io.github.calcited1.write;

import io.github.calcited1.jdbc.D1Connections;
import io.github.calcited1.testing.D1LocalExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A prepared single-row INSERT executed while writes are buffered (transaction, executeBatch) appends its parameters
 * without running the plan ({@link D1DirectInsert}); autocommit runs the plan. What SQLite stores must be identical:
 * the same rows, written through each path, are compared in the database file (value and storage class of every
 * column), for every column type and the usual setters, including values the direct path leaves to the plan.
 */
class D1DirectInsertTest {
  @RegisterExtension static final D1LocalExtension d1 = new D1LocalExtension("shop", "other");
  static final String COLS = "k INTEGER PRIMARY KEY, i INTEGER, r REAL, t TEXT, b BLOB, f BOOLEAN, d DATE,"
      + " ts TIMESTAMP, n NUMERIC(10,2), x, nn INTEGER NOT NULL, tn TEXT NOT NULL";
  static final String INSERT = " (k, i, r, t, b, f, d, ts, n, x, nn, tn) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  static final int ROWS = 24;

  @BeforeAll
  static void start() throws Exception {
    d1.d1Batch("CREATE TABLE planned (" + COLS + ")", "CREATE TABLE batched (" + COLS + ")",
        "CREATE TABLE txn (" + COLS + ")");
  }

  /** Row k: a different setter (or value) per column in turn, NULLs included. */
  static void bind(PreparedStatement ps, int k) throws Exception {
    ps.setInt(1, k);
    switch (k % 6) {
      case 0: ps.setLong(2, Long.MIN_VALUE + k); break;
      case 1: ps.setInt(2, -k); break;
      case 2: ps.setShort(2, (short) 7); break;
      case 3: ps.setNull(2, Types.BIGINT); break;
      case 4: ps.setObject(2, 42L); break;
      default: ps.setByte(2, (byte) -3); break;
    }
    switch (k % 5) {
      case 0: ps.setDouble(3, 0.1 * k); break;
      case 1: ps.setFloat(3, 1.1f); break; // widened by Calcite
      case 2: ps.setInt(3, k); break;
      case 3: ps.setNull(3, Types.DOUBLE); break;
      default: ps.setBigDecimal(3, new BigDecimal("123456789.123456789")); break;
    }
    switch (k % 4) {
      case 0: ps.setString(4, "it's \"q\" \u00e9\u4e2d\ud83d\ude00\n\t\\ " + k); break;
      case 1: ps.setString(4, ""); break;
      case 2: ps.setNull(4, Types.VARCHAR); break;
      default: ps.setString(4, "[1,2]"); break;
    }
    if (k % 3 == 0) {
      ps.setBytes(5, new byte[] {0, (byte) 255, (byte) k});
    } else if (k % 3 == 1) {
      ps.setBytes(5, new byte[0]);
    } else {
      ps.setNull(5, Types.VARBINARY);
    }
    if (k % 3 == 2) {
      ps.setNull(6, Types.BOOLEAN);
    } else {
      ps.setBoolean(6, k % 2 == 0);
    }
    if (k % 4 == 0) {
      ps.setDate(7, java.sql.Date.valueOf("2024-02-" + (10 + k % 19)));
    } else {
      ps.setNull(7, Types.DATE);
    }
    if (k % 4 == 1) {
      ps.setTimestamp(8, java.sql.Timestamp.valueOf("2024-03-04 05:06:07." + (100 + k)));
    } else {
      ps.setNull(8, Types.TIMESTAMP);
    }
    if (k % 8 == 0) {
      ps.setBigDecimal(9, new BigDecimal("12.3" + k % 10));
    } else {
      ps.setNull(9, Types.DECIMAL);
    }
    if (k % 7 == 0) {
      ps.setString(10, "any");
    } else if (k % 7 == 1) {
      ps.setLong(10, k);
    } else {
      ps.setNull(10, Types.OTHER);
    }
    ps.setLong(11, 1000L + k);
    ps.setString(12, "nn" + k);
  }

  @Test
  void sameStoredValuesThroughEveryPath() throws Exception {
    long direct;
    try (Connection c = d1.connect()) {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO planned" + INSERT)) {
        for (int k = 0; k < ROWS; k++) {
          bind(ps, k);
          assertEquals(1, ps.executeUpdate());
        }
      }
      assertEquals(0, D1Connections.session(c).directInsertRows(), "autocommit runs the plan");
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO batched" + INSERT)) {
        for (int k = 0; k < ROWS; k++) {
          bind(ps, k);
          ps.addBatch();
        }
        long[] counts = ps.executeLargeBatch();
        assertEquals(ROWS, counts.length);
        for (long n : counts) {
          assertEquals(1, n);
        }
      }
      long afterBatch = D1Connections.session(c).directInsertRows();
      assertTrue(afterBatch > 0 && afterBatch < ROWS, "some rows direct, some planned: " + afterBatch);
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO txn" + INSERT)) {
        for (int k = 0; k < ROWS; k++) {
          bind(ps, k);
          assertEquals(1, ps.executeUpdate());
        }
      }
      assertEquals(ROWS, D1Connections.pendingStatements(c));
      c.commit();
      direct = D1Connections.session(c).directInsertRows() - afterBatch;
      assertEquals(afterBatch, direct);
    }
    List<String> planned = dump("planned");
    assertEquals(ROWS, planned.size());
    assertEquals(planned, dump("batched"));
    assertEquals(planned, dump("txn"));
  }

  @Test
  void refusedValueFailsAsPlanned() throws Exception {
    try (Connection c = d1.connect()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO txn" + INSERT)) {
        bind(ps, 100);
        ps.setDouble(3, Double.NaN);
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, ps::executeUpdate);
        assertTrue(String.valueOf(e.getMessage()).contains("NaN"), e.toString());
      }
      c.rollback();
    }
  }

  /** Every row as text: each column's quote() and typeof() from SQLite itself. */
  static List<String> dump(String table) throws Exception {
    String[] cols = {"k", "i", "r", "t", "b", "f", "d", "ts", "n", "x", "nn", "tn"};
    StringBuilder sql = new StringBuilder("SELECT ");
    for (int i = 0; i < cols.length; i++) {
      sql.append(i > 0 ? ", " : "").append("quote(").append(cols[i]).append(") || ':' || typeof(").append(cols[i])
          .append(")");
    }
    sql.append(" FROM ").append(table).append(" ORDER BY k");
    List<String> out = new ArrayList<>();
    try (Connection f = d1.sqlite(); Statement s = f.createStatement();
         ResultSet r = s.executeQuery(sql.toString())) {
      while (r.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= cols.length; i++) {
          row.append(r.getString(i)).append(" | ");
        }
        out.add(row.toString());
      }
    }
    return out;
  }
}
