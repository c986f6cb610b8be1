package io.github.calcited1.rel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.calcited1.testing.D1LocalExtension;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.calcite.runtime.Hook;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A scan read in keyset pages sees each page as the table is when that page is read; with the
 * {@code snapshotScans} operand it is one request, all rows as of one moment (docs/pushdown.md, "Large results").
 * The concurrent writer is a transaction that keeps the row count at {@value #ROWS}: it deletes 5 rows the scan
 * has already read and adds 5 at the end, after the first page has come back.
 */
class D1ScanConsistencyTest {
  @RegisterExtension static final D1LocalExtension D1 = new D1LocalExtension("scans");
  static final int ROWS = 3_000;
  static final int PAGE = 100;
  private static long requestsBefore;

  @BeforeEach void fill() throws SQLException {
    try (Connection c = D1.sqlite(); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS moving");
      s.execute("CREATE TABLE moving (id INTEGER PRIMARY KEY, v TEXT)");
      s.execute("WITH RECURSIVE q(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM q WHERE x < " + ROWS + ")"
          + " INSERT INTO moving SELECT x, 'v' || x FROM q");
    }
  }

  /** Reads {@code SELECT id, v FROM moving}, running the writer after the first row; returns the rows read. */
  private static int scanWhileWriting(String extraOperands, List<String> sent) throws SQLException {
    String url = "jdbc:d1:database=scans;accountId=" + D1.accountId() + ";baseUrl=" + D1.baseUrl() + ";apiToken="
        + D1.token() + ";pageSize=" + PAGE + extraOperands;
    int rows = 0;
    try (Connection calcite = DriverManager.getConnection(url); Statement st = calcite.createStatement()) {
      st.executeQuery("select id from moving where id = 1").close(); // the catalog, read before counting requests
      requestsBefore = D1.requestCount();
      try (Hook.Closeable ignored = Hook.QUERY_PLAN.addThread((Consumer<Object>) s -> sent.add((String) s));
           ResultSet rs = st.executeQuery("select id, v from moving")) {
        while (rs.next()) {
          if (++rows == 1) {
            try (Connection w = D1.sqlite(); Statement s = w.createStatement()) {
              w.setAutoCommit(false);
              s.execute("DELETE FROM moving WHERE id <= 5");
              s.execute("INSERT INTO moving SELECT id + " + ROWS + ", v FROM moving WHERE id BETWEEN 6 AND 10");
              w.commit();
            }
          }
        }
      }
    }
    return rows;
  }

  @Test void pagedScanSeesEachPageWhenItIsRead() throws SQLException {
    List<String> sent = new ArrayList<>();
    int rows = scanWhileWriting("", sent);
    assertTrue(sent.get(0).contains("LIMIT " + PAGE), sent::toString);
    assertEquals(ROWS / PAGE + 1, D1.requestCount() - requestsBefore, "one request per page, and a last, short one");
    // The table never held more than 3,000 rows; the scan saw rows 1-5 before they were deleted and the 5 rows
    // added at the end after: as documented, a paged scan is not a snapshot.
    assertEquals(ROWS + 5, rows);
  }

  @Test void snapshotScanIsOneRequestAsOfOneMoment() throws SQLException {
    List<String> sent = new ArrayList<>();
    int rows = scanWhileWriting(";snapshotScans=true", sent);
    assertEquals(1, D1.requestCount() - requestsBefore, "one request");
    assertFalse(sent.get(0).contains("LIMIT"), sent::toString);
    assertEquals(ROWS, rows);
  }
}
