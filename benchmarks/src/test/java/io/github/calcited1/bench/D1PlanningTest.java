package io.github.calcited1.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.calcited1.testing.D1LocalExtension;
import io.github.calcited1.testing.Rows;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Planning of the benchmark's 9-table query (8 joins and a GROUP BY; Q12 in docs/performance.md), on the
 * benchmark's schema ({@link Data#analytics}) with a few rows. The test asserts the plan (one statement, one
 * request, SQLite's answer), not its time: timing belongs to the benchmark itself. It lives here, beside the data and
 * the query, rather than in calcite-d1, so that neither is copied.
 */
class D1PlanningTest {
  @RegisterExtension static final D1LocalExtension D1 = new D1LocalExtension("bench");

  private static Connection calcite;

  @BeforeAll static void setUp() throws SQLException {
    // Prices in quarters, so that Calcite's sums and SQLite's are exact, whatever order each adds in.
    Data.analytics(D1.databaseFile(), 400, 100, 1000, Data.ItemPrice.QUARTERS);
    calcite = D1.connect();
  }

  @AfterAll static void tearDown() throws SQLException {
    calcite.close();
  }

  /** The 9-table GROUP BY query plans to one D1 statement, sent in one request, that answers as SQLite does. */
  @Test void nineTablesWithGroupByAreOneStatement() throws SQLException {
    List<String> sent = new ArrayList<>();
    long before = D1.requestCount();
    List<String> rows = Rows.query(calcite, OverheadBench.EIGHT_JOIN_SQL, sent);
    assertEquals(1, sent.size(), sent::toString);
    assertEquals(1, D1.requestCount() - before, "one request");
    String sql = sent.get(0);
    assertEquals(8, sql.split("INNER JOIN", -1).length - 1, sql);
    assertTrue(sql.contains("GROUP BY \"regions\".\"name\", \"categories\".\"name\""), sql);
    List<String> expected;
    try (Connection s = D1.sqlite(); Statement st = s.createStatement();
         ResultSet rs = st.executeQuery(OverheadBench.EIGHT_JOIN_SQL)) {
      expected = Rows.read(rs);
    }
    assertFalse(expected.isEmpty());
    Collections.sort(rows);
    Collections.sort(expected);
    assertEquals(expected, rows);
  }
}
