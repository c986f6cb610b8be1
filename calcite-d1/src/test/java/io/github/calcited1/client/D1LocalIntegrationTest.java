package io.github.calcited1.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.calcited1.local.D1LocalServer;
import io.github.calcited1.local.fault.Fault;
import io.github.calcited1.testing.D1LocalExtension;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The client against d1-local: a real HTTP server over a real SQLite engine, answering as D1 does. */
class D1LocalIntegrationTest {
  private static final String TOKEN = "local-test-token";
  @RegisterExtension
  static final D1LocalExtension D1 = new D1LocalExtension("shop").withToken(TOKEN);
  private static D1LocalServer server;
  private static D1Client client;
  private static String db;

  @BeforeAll
  static void start() throws Exception {
    server = D1.server();
    client = new D1Client(D1ClientConfig.builder().baseUrl(server.baseUrl()).accountId("acc").apiToken(TOKEN)
        .readTimeout(Duration.ofSeconds(5)).maxAttempts(1).build()); // retries: reliability/FaultMatrixTest
    db = client.resolveDatabaseId("shop");
  }

  @BeforeEach
  void clean() throws Exception {
    server.faults().clear();
    client.batch(db, List.of(D1Statement.of("DROP TABLE IF EXISTS child"), D1Statement.of("DROP TABLE IF EXISTS t"),
        D1Statement.of("CREATE TABLE t (id INTEGER PRIMARY KEY, i INTEGER, r REAL, s TEXT UNIQUE, b BLOB,"
            + " d NUMERIC)")));
  }

  @Test
  void nameResolvesToTheServersId() throws Exception {
    assertEquals(server.databaseId("shop"), db);
    assertThrows(D1DatabaseNotFoundException.class, () -> client.resolveDatabaseId("nope"));
  }

  @Test
  void paramsAreStoredExactly() throws Exception {
    client.execute(db, D1Statement.of("INSERT INTO t (i, r, s, b, d) VALUES (?, ?, ?, ?, ?)",
        9007199254740993L, 1.5, "héllo ✓ 😀", new byte[] {0, -1, 7}, new BigDecimal("12.25")));
    D1Result r = client.execute(db, D1Statement.of("SELECT CAST(i AS TEXT), typeof(i), i, r, s, b, typeof(b),"
        + " d, typeof(d) FROM t"));
    assertArrayEquals(new Object[] {"9007199254740993", "integer", 9007199254740992L, 1.5, "héllo ✓ 😀",
        new byte[] {0, -1, 7}, "blob", 12.25, "real"}, r.rows().get(0));
  }

  /** Integer text of a flagged column becomes a Long when it is exactly an integer; any other text stays text. */
  @Test
  void flaggedIntegerTextIsDecodedOnlyWhenItIsAPlainInteger() throws Exception {
    String[] texts = {"0", "-5", "123456789012345678", "-123456789012345678", "1234567890123456789",
        "9223372036854775807", "+5", "1.5", "", "-", "abc", "0x10", "٣", "007"};
    StringBuilder sql = new StringBuilder("SELECT ");
    for (int i = 0; i < texts.length; i++) {
      sql.append(i > 0 ? ", " : "").append("?");
    }
    Object[] params = texts.clone();
    boolean[] flags = new boolean[texts.length + 1]; // one more than the columns: ignored
    java.util.Arrays.fill(flags, true);
    try (D1Cursor c = client.query(db, D1Statement.of(sql.toString(), params), flags)) {
      assertTrue(c.next());
      assertArrayEquals(new Object[] {0L, -5L, 123456789012345678L, -123456789012345678L, "1234567890123456789",
          "9223372036854775807", "+5", "1.5", "", "-", "abc", "0x10", "٣", 7L}, c.row());
    }
    try (D1Cursor c = client.query(db, D1Statement.of("SELECT ?, ?", "12", "34"), new boolean[] {false, true})) {
      assertTrue(c.next());
      assertArrayEquals(new Object[] {"12", 34L}, c.row());
    }
  }

  @Test
  void booleansAndIntegersBindAsIntegersWithCast() throws Exception {
    D1Result r = client.execute(db, D1Statement.of("SELECT typeof(CAST(? AS INTEGER)), CAST(? AS INTEGER),"
        + " CAST(? AS INTEGER) + 1, typeof(?)", true, false, Long.MAX_VALUE - 1, 5L));
    assertArrayEquals(new Object[] {"integer", 0L, 9.223372036854776E18, "text"}, r.rows().get(0));
    client.execute(db, D1Statement.of("INSERT INTO t (i) VALUES (?)", true));
    assertArrayEquals(new Object[] {1L, "integer"},
        client.execute(db, D1Statement.of("SELECT i, typeof(i) FROM t")).rows().get(0));
  }

  @Test
  void emptyResultKeepsDuplicateColumns() throws Exception {
    D1Result r = client.execute(db, D1Statement.of("SELECT id AS a, s AS a FROM t WHERE 0"));
    assertEquals(List.of("a", "a"), r.columns());
    assertTrue(r.rows().isEmpty());
  }

  @Test
  void batchIsAtomicAndReportsTheConstraint() throws Exception {
    client.execute(db, D1Statement.of("INSERT INTO t (s) VALUES (?)", "b"));
    D1ConstraintException e = assertThrows(D1ConstraintException.class, () -> client.batch(db, List.of(
        D1Statement.of("INSERT INTO t (s) VALUES (?)", "x1"),
        D1Statement.of("INSERT INTO t (s) VALUES (?)", "b"),
        D1Statement.of("INSERT INTO t (s) VALUES (?)", "x3"))));
    assertEquals("23505", e.getSQLState());
    assertEquals(7500, e.d1Code());
    assertTrue(e.d1Message().startsWith("UNIQUE constraint failed: t.s"), e.d1Message());
    assertEquals(1L, client.execute(db, D1Statement.of("SELECT count(*) FROM t")).rows().get(0)[0]);
  }

  @Test
  void batchResultsAndMeta() throws Exception {
    List<D1Result> rs = client.batch(db, List.of(
        D1Statement.of("INSERT INTO t (s) VALUES (?), (?)", "a", "b"),
        D1Statement.of("SELECT s FROM t ORDER BY s")));
    assertEquals(2, rs.get(0).meta().changes());
    assertTrue(rs.get(0).meta().changedDb());
    assertEquals(List.of("s"), rs.get(1).columns());
    assertEquals(2, rs.get(1).rows().size());
  }

  @Test
  void sqlErrorsAreTyped() {
    assertEquals("42S02", assertThrows(D1StatementException.class,
        () -> client.execute(db, D1Statement.of("SELECT * FROM nope"))).getSQLState());
    assertEquals("42S22", assertThrows(D1StatementException.class,
        () -> client.execute(db, D1Statement.of("SELECT nope FROM t"))).getSQLState());
    assertEquals("42000", assertThrows(D1StatementException.class,
        () -> client.execute(db, D1Statement.of("SELEC 1"))).getSQLState());
    assertEquals("0A000", assertThrows(D1StatementException.class,
        () -> client.execute(db, D1Statement.of("BEGIN"))).getSQLState());
    Object[] many = new Object[101];
    java.util.Arrays.fill(many, 1L);
    assertEquals("54000", assertThrows(D1TooBigException.class, () -> client.execute(db,
        D1Statement.of("SELECT " + "?,".repeat(100) + "?", many))).getSQLState());
  }

  @Test
  void wrongTokenAndUnknownDatabase() {
    D1Client wrong = new D1Client(client.config().toBuilder().apiToken("wrong").build());
    D1AuthenticationException auth = assertThrows(D1AuthenticationException.class,
        () -> wrong.execute(db, D1Statement.of("SELECT 1")));
    assertEquals(401, auth.httpStatus());
    assertEquals(10000, auth.d1Code());
    D1DatabaseNotFoundException missing = assertThrows(D1DatabaseNotFoundException.class,
        () -> client.execute("00000000-0000-0000-0000-000000000000", D1Statement.of("SELECT 1")));
    assertEquals(7404, missing.d1Code());
  }

  @Test
  void faultsFromTheRealServer() throws Exception {
    server.faults().next(Fault.rateLimited(Duration.ofSeconds(7)));
    D1RateLimitException limited = assertThrows(D1RateLimitException.class,
        () -> client.execute(db, D1Statement.of("SELECT 1")));
    assertEquals(Duration.ofSeconds(7), limited.retryAfter().orElseThrow());

    server.faults().next(Fault.serverError(503));
    D1Exception down = assertThrows(D1Exception.class, () -> client.execute(db, D1Statement.of("SELECT 1")));
    assertEquals(503, down.httpStatus());
    assertTrue(down.isTransient());

    server.faults().next(Fault.dropMidBody());
    D1ProtocolException cut = assertThrows(D1ProtocolException.class, () -> client.execute(db, D1Statement.of(
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000) SELECT x FROM c")));
    assertEquals("08006", cut.getSQLState());
    assertTrue(cut.isTransient());

    server.faults().next(Fault.dropAfterExecute());
    D1Exception dropped = assertThrows(D1Exception.class, () -> client.execute(db, D1Statement.of("SELECT 1")));
    assertTrue(dropped.isTransient(), dropped.getMessage());

    D1Client impatient = new D1Client(client.config().toBuilder().readTimeout(Duration.ofMillis(200)).build());
    server.faults().next(Fault.delay(Duration.ofMillis(1000)));
    D1ConnectionException slow = assertThrows(D1ConnectionException.class,
        () -> impatient.execute(db, D1Statement.of("SELECT 1")));
    assertEquals("08006", slow.getSQLState());
    // Let the delayed request finish before the server stops.
    Thread.sleep(1000);
  }
}
