package io.github.calcited1.rel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.calcited1.testing.D1LocalExtension;
import io.github.calcited1.testing.Rows;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Joins of 10 to 20 D1 tables in the style of SQLite's sqllogictest {@code select5}: tables of unknown size listed in
 * random order, joined by equalities in random order in the WHERE clause. Each must be one statement (one request)
 * and give SQLite's own answer. Before, the planner's estimate for such a join (100 rows per table, 15% of pairs
 * matching) exceeded a request's cost, so it split the join into one statement per few tables joined in Calcite:
 * 15 tables took 6 statements and seconds. Timing is in {@code benchmarks/} ({@code WideJoinBench}).
 */
class D1WideJoinTest {
  @RegisterExtension static final D1LocalExtension D1 = new D1LocalExtension("wide");
  static final int TABLES = 20;

  private static Connection calcite;
  private static Connection sqlite;

  @BeforeAll static void setUp() throws SQLException {
    sqlite = D1.sqlite();
    try (Statement s = sqlite.createStatement()) {
      for (int t = 1; t <= TABLES; t++) {
        s.execute("CREATE TABLE t" + t + " (a" + t + " INTEGER, b" + t + " INTEGER, x" + t + " VARCHAR(40))");
        for (int r = 1; r <= 10; r++) {
          // b is a permutation of a, so that every chain of joins keeps 10 rows; one NULL b drops a chain
          String b = t == 7 && r == 4 ? "NULL" : Integer.toString((r * 3) % 10 + 1);
          s.execute("INSERT INTO t" + t + " VALUES (" + r + ", " + b + ", 'table " + t + " row " + r + "')");
        }
      }
    }
    calcite = DriverManager.getConnection("jdbc:d1:database=wide;accountId=" + D1.accountId() + ";baseUrl="
        + D1.baseUrl() + ";apiToken=" + D1.token());
  }

  @AfterAll static void tearDown() throws SQLException {
    calcite.close();
    sqlite.close();
  }

  /**
   * {@code SELECT x.. FROM t.., t.. WHERE a_i = b_(i-1) AND ...}: a chain over the first {@code n} tables, listed in
   * FROM in a stride order (1, 8, 15, ... modulo n; n is not a multiple of 7), so that most neighbours in FROM are
   * cross products; conditions in reverse order, plus a range on the middle table.
   */
  static String select5Style(int n) {
    List<String> columns = new ArrayList<>();
    List<String> tables = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      int t = (k * 7) % n + 1;
      columns.add("x" + t);
      tables.add("t" + t);
    }
    List<String> conditions = new ArrayList<>(List.of("a" + (n / 2) + " > 2"));
    for (int t = n; t > 1; t--) {
      conditions.add(t % 2 == 0 ? "a" + t + " = b" + (t - 1) : "b" + (t - 1) + " = a" + t);
    }
    return "SELECT " + String.join(", ", columns) + " FROM " + String.join(", ", tables) + " WHERE "
        + String.join(" AND ", conditions);
  }

  @ParameterizedTest(name = "{0} tables")
  @ValueSource(ints = {10, 15, 20})
  void wideJoinIsOneStatementWithSqlitesAnswer(int tables) throws SQLException {
    String sql = select5Style(tables);
    List<String> sent = new ArrayList<>();
    long before = D1.requestCount();
    List<String> actual = Rows.query(calcite, sql, sent);
    List<String> expected;
    try (Statement st = sqlite.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      expected = Rows.read(rs);
    }
    Collections.sort(actual);
    Collections.sort(expected);
    assertEquals(expected, actual, sql);
    assertEquals(1, sent.size(), "one statement for the whole join: " + sent);
    assertEquals(1, D1.requestCount() - before, "one request");
  }
}
