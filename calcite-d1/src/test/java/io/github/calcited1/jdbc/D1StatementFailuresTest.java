package io.github.calcited1.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.calcited1.client.D1Exception;
import io.github.calcited1.testing.D1LocalExtension;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a {@code jdbc:d1:} user sees when a statement fails inside Calcite or is refused by D1 (issue 18, issue 13
 * item 12): an SQLException with an SQLState and a message that names the problem, never a raw AssertionError or
 * StackOverflowError, and D1's own message before the SQL that was sent.
 */
class D1StatementFailuresTest {
  @RegisterExtension static final D1LocalExtension D1 = new D1LocalExtension("failures");

  private static Connection calcite;

  @BeforeAll static void setUp() throws SQLException {
    try (Connection c = D1.sqlite(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
      s.execute("CREATE TABLE gone (id INTEGER PRIMARY KEY)");
      s.execute("INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')");
    }
    calcite = DriverManager.getConnection("jdbc:d1:database=failures;accountId=" + D1.accountId() + ";baseUrl="
        + D1.baseUrl() + ";apiToken=" + D1.token());
  }

  @AfterAll static void tearDown() throws SQLException {
    calcite.close();
  }

  private static SQLException fails(String sql) {
    return assertThrows(SQLException.class, () -> {
      try (Statement st = calcite.createStatement(); ResultSet rs = st.executeQuery(sql)) {
        while (rs.next()) {
          rs.getObject(1);
        }
      }
    });
  }

  /** Calcite's own AssertionError (before: thrown raw at the caller, no SQLException at all). */
  @Test void internalErrorOfCalciteIsXX000NamingTheConstruct() {
    SQLException e = fails("select 37 / - cast(null as integer) * - 33");
    assertEquals(D1StatementFailures.INTERNAL_ERROR, e.getSQLState(), e::toString);
    assertTrue(e.getMessage().contains("not a literal: /(37, null)"), e::getMessage);
    assertInstanceOf(AssertionError.class, e.getCause());
  }

  /** Before: a StackOverflowError. */
  @Test void hundredsOfOrsAre54001() {
    String ors = IntStream.rangeClosed(1, 600).mapToObj(i -> "id = " + i).collect(Collectors.joining(" or "));
    SQLException e = fails("select count(*) from t where " + ors);
    assertEquals(D1StatementFailures.TOO_COMPLEX, e.getSQLState(), e::toString);
    assertTrue(e.getMessage().startsWith("The statement is too large for Calcite to plan"), e::getMessage);
    assertTrue(e.getMessage().matches("(?s).*Statement: select count.{150,}… \\(\\d+ characters\\)"),
        "the statement, abbreviated, with its length: " + e.getMessage());
  }

  @Test void inListOfTenThousandConstantsIs54001() {
    String list = IntStream.rangeClosed(1, 10_000).mapToObj(Integer::toString).collect(Collectors.joining(", "));
    SQLException e = fails("select count(*) from t where id in (" + list + ")");
    StringBuilder chain = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      chain.append(t.getClass().getName()).append(": ").append(String.valueOf(t.getMessage()), 0,
          Math.min(300, String.valueOf(t.getMessage()).length())).append("\n");
    }
    assertEquals(D1StatementFailures.TOO_COMPLEX, e.getSQLState(), chain::toString);
  }

  /** Before: "D1 failed to run: SELECT ... (the whole statement) \n no such table", without SQLState. */
  @Test void d1RefusalStartsWithD1sMessage() throws SQLException {
    try (Statement st = calcite.createStatement(); ResultSet rs = st.executeQuery("select id from gone")) {
      rs.next(); // the catalog now knows the table
    }
    try (Connection c = D1.sqlite(); Statement s = c.createStatement()) {
      s.execute("DROP TABLE gone");
    }
    SQLException e = fails("select id from gone where id > 0");
    assertTrue(e.getMessage().startsWith("no such table: gone"), e::getMessage);
    assertTrue(e.getMessage().contains("Statement sent to D1: SELECT"), e::getMessage);
    assertEquals("42S02", e.getSQLState());
    assertInstanceOf(D1Exception.class, e.getCause());
  }
}
