package io.github.calcited1.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.calcited1.write.D1CommitStats;
import io.github.calcited1.testing.D1LocalExtension;
import io.github.calcited1.write.D1Session;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The URL a {@code jdbc:d1:} connection reports never carries the API token, whatever the shape of the connect
 * string (else: SQLState 28000, never the raw URL); and a buffered pushed UPDATE/DELETE, whose update count 0 is not
 * "no row matched", leaves a warning saying where the real count is.
 */
class D1UrlTokenAndWarningsTest {
  static final String SECRET = "S3CRET-tok-0123456789";
  @RegisterExtension static final D1LocalExtension d1 = new D1LocalExtension("shop", "other");

  @BeforeAll
  static void start() throws Exception {
    // Before any connection reads the catalog.
    d1.d1Batch("CREATE TABLE wt (id INTEGER PRIMARY KEY, v TEXT, n INTEGER)",
        "INSERT INTO wt VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3)",
        "CREATE TABLE ww (id INTEGER PRIMARY KEY, n INTEGER)", "INSERT INTO ww VALUES (1, 0), (2, 0)");
  }

  private static String cut(String url, Properties info) throws SQLException {
    return D1Driver.withoutToken(url, info);
  }

  @Test
  void tokenAtTheEndAtTheStartAndQuotedIsCutAndMovedToInfo() throws Exception {
    Properties info = new Properties();
    assertEquals("jdbc:d1:database=shop;a=b", cut("jdbc:d1:database=shop;a=b;apiToken=" + SECRET, info));
    assertEquals(SECRET, info.getProperty("apiToken"));

    info = new Properties();
    assertEquals("jdbc:d1:database=shop", cut("jdbc:d1:apiToken=" + SECRET + ";database=shop", info));
    assertEquals(SECRET, info.getProperty("apiToken"));

    info = new Properties();
    assertEquals("jdbc:d1:database=shop;x=1", cut("jdbc:d1:database=shop; apiToken = 'a;b''c' ;x=1", info));
    assertEquals("a;b'c", info.getProperty("apiToken"));

    info = new Properties();
    assertEquals("jdbc:d1:database=shop", cut("jdbc:d1:database=shop;APITOKEN=\"x;\"\"y\"", info));
    assertEquals("x;\"y", info.getProperty("APITOKEN"));

    // The same key twice: both cut, the last one wins (as in the connect string parser).
    info = new Properties();
    String u = cut("jdbc:d1:apiToken=FIRST-" + SECRET + ";database=shop;apiToken=" + SECRET, info);
    assertEquals("jdbc:d1:database=shop", u);
    assertEquals(SECRET, info.getProperty("apiToken"));

    assertEquals("jdbc:d1:database=shop;apiTokenEnv=MY_TOKEN",
        cut("jdbc:d1:database=shop;apiTokenEnv=MY_TOKEN", new Properties()), "no token: unchanged");
  }

  @Test
  void anInlineModelHoldingATokenMovesToInfo() throws Exception {
    String model = "inline:{\"version\":\"1.0\",\"schemas\":[{\"name\":\"s\",\"type\":\"custom\",\"factory\":\"f\","
        + "\"operand\":{\"database\":\"shop\",\"apiToken\":\"" + SECRET + "\"}}]}";
    Properties info = new Properties();
    String u = cut("jdbc:d1:model=" + model + ";caseSensitive=true", info);
    assertEquals("jdbc:d1:caseSensitive=true", u);
    assertEquals(model, info.getProperty("model"));
    // YAML-style key, token also as a key of its own.
    info = new Properties();
    u = cut("jdbc:d1:apiToken=" + SECRET + ";model='inline:{apiToken: " + SECRET + "}'", info);
    assertEquals("jdbc:d1:", u);
    // apiTokenEnv in a model is no token: the model stays.
    String envModel = "inline:{\"operand\":{\"apiTokenEnv\":\"T\"}}";
    assertEquals("jdbc:d1:model=" + envModel, cut("jdbc:d1:model=" + envModel, new Properties()));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "jdbc:d1:APITOKEN=" + SECRET + ";apiToken=" + SECRET, // two spellings
      "jdbc:d1:schema='x;apiToken=" + SECRET + "';apiToken=" + SECRET, // a value that hides ;apiToken=
      "jdbc:d1:database=shop;apiToken='" + SECRET, // unterminated quote
  })
  void aTokenThatCannotBeCutCleanlyFailsWith28000(String url) {
    SQLException e = assertThrows(SQLException.class, () -> cut(url, new Properties()));
    assertEquals("28000", e.getSQLState());
    assertFalse(e.getMessage().contains(SECRET), e.getMessage());
    assertTrue(e.getMessage().contains("driver property") && e.getMessage().contains("CLOUDFLARE_API_TOKEN")
        && e.getMessage().contains("apiTokenEnv"), e.getMessage());
  }

  @Test
  void twoSpellingsOfTheKeyFailAtConnect() {
    SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(
        "jdbc:d1:database=shop;accountId=acc;baseUrl=" + d1.server().baseUrl() + ";APITOKEN=" + SECRET
            + ";apiToken=" + D1LocalExtension.TOKEN).close());
    assertEquals("28000", e.getSQLState());
    assertFalse(e.getMessage().contains(SECRET), e.getMessage());
  }

  @Test
  void theReportedUrlHasNoTokenButTheConnectionWorks() throws Exception {
    try (Connection c = d1.connect()) {
      String url = c.getMetaData().getURL();
      assertFalse(url.contains(D1LocalExtension.TOKEN), url);
      assertTrue(url.startsWith("jdbc:d1:database="), url);
      try (Statement s = c.createStatement()) {
        s.executeQuery("SELECT 1").close();
      }
    }
  }

  @Test
  void aBufferedPushedUpdateWarnsThatItsCountIsKnownAtCommit() throws Exception {
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      assertNull(D1Connections.warnings(c));
      assertEquals(0, s.executeUpdate("UPDATE wt SET v = 'z' WHERE n >= 2"));
      SQLWarning w = D1Connections.warnings(c);
      assertTrue(w != null, "a warning on the buffered count");
      assertEquals("01000", w.getSQLState());
      assertTrue(w.getMessage().contains("known only at COMMIT") && w.getMessage().contains("lastCommitStats")
          && w.getMessage().contains("UPDATE") && w.getMessage().contains("wt"), w.getMessage());
      assertNull(w.getNextWarning());
      // The same kind on the same table again: no second copy (a loop of updates does not grow the chain).
      assertEquals(0, s.executeUpdate("UPDATE wt SET v = 'y' WHERE n = 1"));
      assertNull(D1Connections.warnings(c).getNextWarning());
      assertEquals(0, s.executeUpdate("DELETE FROM wt WHERE n = 3"));
      assertTrue(D1Connections.warnings(c).getNextWarning().getMessage().contains("DELETE"));
      c.commit();
      List<D1CommitStats> stats = D1Connections.lastCommitStats(c);
      assertEquals(4, stats.stream().mapToLong(D1CommitStats::changes).sum(), stats.toString());
      D1Connections.clearWarnings(c);
      // Autocommit: D1's count at once, no warning.
      c.setAutoCommit(true);
      assertEquals(2, s.executeUpdate("UPDATE wt SET v = 'q' WHERE n <= 2"));
      assertNull(D1Connections.warnings(c));
    }
  }

  private static int length(SQLWarning w) {
    int n = 0;
    for (; w != null; w = w.getNextWarning()) {
      n++;
    }
    return n;
  }

  @Test
  void warningsOfALongLivedConnectionAreBoundedAndConnectionClearWarningsClearsThem() throws Exception {
    int commits = D1Session.MAX_WARNINGS + 5;
    try (Connection c = d1.connect("maxStatementsPerRequest=1");
         PreparedStatement a = c.prepareStatement("UPDATE ww SET n = n + 1 WHERE id = 1");
         PreparedStatement b = c.prepareStatement("UPDATE ww SET n = n + 1 WHERE id = 2")) {
      c.setAutoCommit(false);
      for (int i = 0; i < commits; i++) {
        a.executeUpdate();
        b.executeUpdate();
        c.commit(); // 2 requests: one split warning each time
      }
      SQLWarning w = c.getWarnings();
      assertTrue(w == D1Connections.warnings(c), "Connection.getWarnings() is the connection's chain");
      assertEquals(D1Session.MAX_WARNINGS, length(w), "bounded");
      SQLWarning last = w;
      while (last.getNextWarning() != null) {
        last = last.getNextWarning();
      }
      assertEquals(D1Session.TOO_MANY_WARNINGS_STATE, last.getSQLState());
      assertTrue(last.getMessage().contains("More warnings followed and were dropped"), last.getMessage());
      c.clearWarnings();
      assertNull(c.getWarnings());
      assertNull(D1Connections.warnings(c));
      a.executeUpdate();
      b.executeUpdate();
      c.commit();
      assertEquals(2, length(c.getWarnings()), "the count warning and one split warning, after clearing");
    }
    assertEquals(commits + 1, ((Number) d1.d1("SELECT n FROM ww WHERE id = 1").rows().get(0)[0]).longValue());
  }

  @Test
  void aSessionKeepsAtMostMaxWarningsWhateverIsAdded() {
    D1Session session = new D1Session(() -> false);
    for (int i = 0; i < 20_000; i++) {
      session.addWarning(new SQLWarning("split commit " + i, "01D01"));
    }
    assertEquals(D1Session.MAX_WARNINGS, length(session.warnings()));
    assertEquals("split commit 0", session.warnings().getMessage());
    session.clearWarnings();
    assertNull(session.warnings());
  }
}
