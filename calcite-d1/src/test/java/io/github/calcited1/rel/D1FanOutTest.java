package io.github.calcited1.rel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.calcited1.local.fault.Fault;
import io.github.calcited1.testing.CalciteReferenceSchema;
import io.github.calcited1.testing.D1LocalExtension;
import io.github.calcited1.testing.Rows;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Several D1 databases as one schema (D1FanOutSchema): answers equal Calcite's own evaluation of the union of the
 * databases' tables as SQLite holds them, each database costs one request per pushed query, a filter on the database
 * column leaves databases out, and bad input fails with a typed error naming the problem.
 */
class D1FanOutTest {
  /** t_a..t_d match the pattern t_*; t_c's orders table is empty; t_b's has an extra column; x_1's amount is TEXT. */
  @RegisterExtension static final D1LocalExtension D1 = new D1LocalExtension("t_a", "t_b", "t_c", "t_d", "x_1");
  static final List<String> FANNED = List.of("t_a", "t_b", "t_c", "t_d");

  private static Connection calcite;
  private static Connection sqlite;
  private static Connection reference;

  @BeforeAll static void setUp() throws SQLException {
    Random random = new Random(15);
    String[] regions = {"north", "south", "east", null};
    int[] sizes = {40, 25, 0, 60};
    for (int d = 0; d < FANNED.size(); d++) {
      try (Connection c = sqliteOf(FANNED.get(d)); Statement st = c.createStatement()) {
        st.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, region TEXT, amount INTEGER, price REAL"
            + (d == 1 ? ", note TEXT" : "") + ")");
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO orders (id, region, amount, price"
            + (d == 1 ? ", note" : "") + ") VALUES (?, ?, ?, ?" + (d == 1 ? ", ?" : "") + ")")) {
          for (int i = 1; i <= sizes[d]; i++) {
            insert.setInt(1, i);
            insert.setString(2, regions[random.nextInt(regions.length)]);
            insert.setObject(3, random.nextInt(6) == 0 ? null : random.nextInt(2000) - 500);
            insert.setObject(4, random.nextInt(6) == 0 ? null : random.nextInt(100_000) / 100.0);
            if (d == 1) {
              insert.setString(5, i % 3 == 0 ? "note " + i : null);
            }
            insert.executeUpdate();
          }
        }
        if (d == 0) {
          st.execute("CREATE TABLE only_a (id INTEGER PRIMARY KEY)");
        }
      }
    }
    try (Connection c = sqliteOf("x_1"); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, region TEXT, amount TEXT, price REAL)");
    }
    calcite = connect(model("fan", "\"databasePattern\": \"t_*\"")
        .replace("]}", ", " + schema("mixed", "\"databases\": [\"t_a\", \"x_1\"]") + "]}"));
    // The reference: the union as SQLite holds it, every expression of the question evaluated by Calcite.
    sqlite = DriverManager.getConnection("jdbc:sqlite::memory:");
    StringBuilder union = new StringBuilder();
    try (Statement st = sqlite.createStatement()) {
      for (int d = 0; d < FANNED.size(); d++) {
        String db = FANNED.get(d);
        st.execute("ATTACH DATABASE '" + D1.server().databaseFile(db) + "' AS " + db);
        union.append(d == 0 ? "" : " UNION ALL ").append("SELECT '").append(db).append("' AS _database, id, region,"
            + " amount, price, ").append(d == 1 ? "note" : "NULL AS note").append(" FROM ").append(db)
            .append(".orders");
      }
      st.execute("CREATE TEMP VIEW orders AS " + union);
    }
    reference = CalciteReferenceSchema.connect(calcite, "fan", sqlite, D1Values::toCalcite);
  }

  @AfterAll static void tearDown() throws SQLException {
    for (Connection c : new Connection[] {calcite, reference, sqlite}) {
      if (c != null) {
        c.close();
      }
    }
  }

  private static Connection sqliteOf(String database) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + D1.server().databaseFile(database));
  }

  static String schema(String name, String databases) {
    return "{\"name\": \"" + name + "\", \"type\": \"custom\","
        + " \"factory\": \"io.github.calcited1.schema.D1SchemaFactory\","
        + " \"operand\": {\"baseUrl\": \"" + D1.baseUrl() + "\", \"accountId\": \"" + D1.accountId()
        + "\", \"apiToken\": \"" + D1.token() + "\", " + databases + "}}";
  }

  static String model(String name, String databases) {
    return "{\"version\": \"1.0\", \"defaultSchema\": \"" + name + "\", \"schemas\": [" + schema(name, databases)
        + "]}";
  }

  static Connection connect(String model) throws SQLException {
    Properties info = new Properties();
    info.put("model", "inline:" + model);
    info.put("lex", "JAVA");
    return DriverManager.getConnection("jdbc:d1:", info);
  }

  /** The rows of {@code sql}, asserting it sent one statement, in one request, to each of {@code databases}. */
  private static List<String> run(Connection c, String sql, int databases) throws SQLException {
    List<String> sent = new ArrayList<>();
    long before = D1.requestCount();
    List<String> rows = Rows.query(c, sql, sent);
    assertEquals(databases, sent.size(), () -> sql + " sent " + sent);
    assertEquals(databases, D1.requestCount() - before, sql);
    return rows;
  }

  private static List<String> reference(String sql) throws SQLException {
    try (Statement st = reference.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      return Rows.read(rs);
    }
  }

  /**
   * Asserts the answer equals the reference's, that one statement went to each of {@code databases} databases in one
   * request each, and that every statement contains each of {@code pushed}.
   */
  private static List<String> check(String sql, int databases, String... pushed) throws SQLException {
    List<String> sent = new ArrayList<>();
    long before = D1.requestCount();
    List<String> rows = Rows.query(calcite, sql, sent);
    long requests = D1.requestCount() - before;
    assertEquals(reference(sql), rows, sql);
    assertEquals(databases, sent.size(), () -> sql + " sent " + sent);
    assertEquals(databases, requests, sql);
    for (String statement : sent) {
      for (String p : pushed) {
        assertTrue(statement.contains(p), () -> sql + ": '" + p + "' not pushed in " + statement);
      }
    }
    return rows;
  }

  @Test void groupByDatabaseIsOnePartialAggregatePerDatabase() throws SQLException {
    List<String> rows = check("SELECT _database, COUNT(*) AS n, COUNT(amount) AS c, SUM(amount) AS s,"
        + " MIN(amount) AS lo, MAX(price) AS hi FROM orders GROUP BY _database ORDER BY _database", 4, "COUNT(*)",
        "SUM(", "MIN(", "MAX(");
    assertEquals(3, rows.size(), "the empty database has no group: " + rows);
  }

  @Test void groupByColumnMergesPartialAggregatesInCalcite() throws SQLException {
    List<String> rows = check("SELECT region, COUNT(*) AS n, COUNT(amount) AS c, SUM(amount) AS s, MIN(amount) AS lo,"
        + " MAX(amount) AS hi, MIN(price) AS plo, MAX(price) AS phi FROM orders GROUP BY region ORDER BY region",
        4, "GROUP BY \"orders\".\"region\"");
    assertTrue(rows.stream().anyMatch(r -> r.startsWith("NULL")), "NULL region is a group: " + rows);
  }

  /** AVG over all databases: the sums and counts are merged, never the databases' averages averaged. */
  @Test void avgIsTheSumOfSumsOverTheSumOfCounts() throws SQLException {
    check("SELECT AVG(amount) AS a, AVG(price) AS p, COUNT(*) AS n, SUM(amount) AS s FROM orders", 4, "SUM(",
        "COUNT(");
    check("SELECT region, AVG(amount) AS a, AVG(price) AS p FROM orders GROUP BY region ORDER BY region", 4,
        "GROUP BY");
    // Not the average of the databases' averages: t_a, t_b and t_d have 40, 25 and 60 rows.
    List<String> averages = Rows.query(calcite, "SELECT AVG(a) FROM (SELECT _database, AVG(price) AS a FROM orders"
        + " GROUP BY _database)", new ArrayList<>());
    assertFalse(averages.equals(Rows.query(calcite, "SELECT AVG(price) FROM orders", new ArrayList<>())),
        averages::toString);
  }

  @Test void aggregatesOverOnlyEmptyOrNullInputs() throws SQLException {
    check("SELECT COUNT(*) AS n, SUM(amount) AS s, MIN(amount) AS lo, MAX(amount) AS hi, AVG(amount) AS a"
        + " FROM orders WHERE amount > 100000", 4, "WHERE");
    check("SELECT COUNT(note) AS n, MIN(note) AS lo, MAX(note) AS hi FROM orders", 4);
  }

  @Test void topNIsPushedToEachDatabaseAndMergedInCalcite() throws SQLException {
    List<String> rows = check("SELECT _database, id, amount FROM orders ORDER BY amount DESC NULLS LAST,"
        + " _database, id LIMIT 5", 4, "LIMIT");
    assertEquals(5, rows.size());
    check("SELECT region, SUM(amount) AS s FROM orders GROUP BY region ORDER BY s DESC NULLS LAST LIMIT 2", 4);
  }

  @Test void filtersAndProjectionsArePushed() throws SQLException {
    check("SELECT _database, id, price FROM orders WHERE amount > 700 AND region = 'north' ORDER BY _database, id",
        4, "WHERE", "\"orders\".\"amount\" >");
    // Only the columns used are read: each database is asked for id, never for price.
    List<String> sent = new ArrayList<>();
    String sql = "SELECT id FROM orders WHERE region = 'east' ORDER BY id";
    assertEquals(reference(sql), Rows.query(calcite, sql, sent));
    assertEquals(4, sent.size(), sent::toString);
    sent.forEach(s -> assertFalse(s.contains("\"orders\".\"price\""), s));
  }

  /** t_b's extra column: NULL in the other databases' rows. */
  @Test void aColumnMissingInSomeDatabasesIsNullThere() throws SQLException {
    List<String> rows = check("SELECT _database, id, note FROM orders WHERE note IS NOT NULL OR id = 1"
        + " ORDER BY _database, id", 4);
    assertTrue(rows.contains("t_a | 1 | NULL"), rows::toString);
    assertTrue(rows.contains("t_b | 3 | note 3"), rows::toString);
  }

  @Test void aFilterOnTheDatabaseColumnLeavesOutTheOtherDatabasesWhilePlanning() throws SQLException {
    check("SELECT COUNT(*) AS n, SUM(amount) AS s FROM orders WHERE _database = 't_b'", 1);
    check("SELECT _database, MAX(amount) AS m FROM orders WHERE _database IN ('t_a', 't_d') GROUP BY _database"
        + " ORDER BY _database", 2);
    check("SELECT COUNT(*) AS n FROM orders WHERE _database <> 't_a' AND amount > 0", 3);
  }

  /**
   * A parameter is not folded while planning; each database's statement instead carries the guard {@code 't_a' = ?},
   * checked before its request: only the database named is asked, none for NULL or a name of no database.
   */
  @Test void aParameterOnTheDatabaseColumnAsksOnlyTheDatabaseNamed() throws SQLException {
    String count = "SELECT COUNT(*) FROM orders WHERE _database = ?";
    assertEquals(List.of("60"), prepared(count, "t_d", 1));
    assertEquals(List.of("0"), prepared(count, (String) null, 0));
    assertEquals(List.of("0"), prepared(count, "t_x", 0));
    // each database's COUNT, SUM, MIN and MAX without keys is one row even over no rows: 0 and NULLs
    String totals = "SELECT COUNT(*), SUM(amount), MIN(amount), MAX(price) FROM orders WHERE _database = ?";
    assertEquals(Rows.query(calcite, totals.replace("?", "'t_b'"), new ArrayList<>()), prepared(totals, "t_b", 1));
    assertEquals(List.of("0 | NULL | NULL | NULL"), prepared(totals, "t_x", 0));
    String grouped = "SELECT region, COUNT(*), SUM(amount) FROM orders WHERE _database = ? AND amount > 100"
        + " GROUP BY region ORDER BY region";
    List<String> groups = Rows.query(calcite, grouped.replace("?", "'t_b'"), new ArrayList<>());
    assertFalse(groups.isEmpty());
    assertEquals(groups, prepared(grouped, "t_b", 1));
    assertEquals(List.of(), prepared(grouped, "T_B", 0)); // names are compared exactly, as Calcite's = does
    String rows = "SELECT _database, id, amount FROM orders WHERE _database = ? AND amount > 500 ORDER BY id";
    List<String> literal = Rows.query(calcite, rows.replace("?", "'t_d'"), new ArrayList<>());
    assertFalse(literal.isEmpty());
    assertEquals(literal, prepared(rows, "t_d", 1));
    assertEquals(List.of(), prepared(rows, "t_c", 1)); // t_c has no orders
    // IN (?, ?) arrives as an OR of the two: the databases named in either
    String in = "SELECT _database, COUNT(*) FROM orders WHERE _database IN (?, ?) GROUP BY _database ORDER BY 1";
    assertEquals(Rows.query(calcite, in.replace("?, ?", "'t_d', 't_a'"), new ArrayList<>()),
        prepared(in, new String[] {"t_d", "t_a"}, 2));
    assertEquals(Rows.query(calcite, in.replace("?, ?", "'t_b'"), new ArrayList<>()),
        prepared(in, new String[] {"t_b", null}, 1));
    assertEquals(List.of(), prepared(in, new String[] {null, "t_x"}, 0));
    // <> ? leaves out the one database named, and every database for NULL
    String not = "SELECT COUNT(*) FROM orders WHERE _database <> ?";
    assertEquals(Rows.query(calcite, not.replace("?", "'t_d'"), new ArrayList<>()), prepared(not, "t_d", 3));
    assertEquals(List.of("0"), prepared(not, (String) null, 0));
  }

  /** The rows of {@code sql} with its one parameter set to {@code database}, after {@code requests} D1 requests. */
  private static List<String> prepared(String sql, String database, int requests) throws SQLException {
    return prepared(sql, new String[] {database}, requests);
  }

  /** The rows of {@code sql} with its parameters set to {@code databases}, after {@code requests} D1 requests. */
  private static List<String> prepared(String sql, String[] databases, int requests) throws SQLException {
    long before = D1.requestCount();
    List<String> rows;
    try (PreparedStatement ps = calcite.prepareStatement(sql)) {
      for (int i = 0; i < databases.length; i++) {
        ps.setString(i + 1, databases[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rows = Rows.read(rs);
      }
    }
    assertEquals(requests, D1.requestCount() - before, sql + " with " + String.join(", ", databases));
    return rows;
  }

  @Test void connectStringShortcut() throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:d1:databases=t_a,t_c;accountId=" + D1.accountId()
        + ";baseUrl=" + D1.baseUrl() + ";apiToken=" + D1.token())) {
      // t_c's table is empty: no group
      assertEquals(List.of("t_a | 40"), run(c, "SELECT _database, COUNT(*) FROM d1.orders GROUP BY _database", 2));
    }
  }

  @Test void plainScanAndDistinct() throws SQLException {
    check("SELECT * FROM orders ORDER BY _database, id", 4);
    assertEquals(reference("SELECT COUNT(DISTINCT region) FROM orders"),
        run(calcite, "SELECT COUNT(DISTINCT region) FROM orders", 4));
  }

  @Test void eachDatabaseIsAlsoASubSchema() throws SQLException {
    assertEquals(List.of("25"), run(calcite, "SELECT COUNT(*) FROM fan.t_b.orders", 1));
  }

  /**
   * The databases' requests are in flight together, at most maxParallelRequests at a time: each answer is held back
   * 2 s by d1-local, and 1.5 s after the query started as many requests have arrived as the bound allows (one after
   * another, only the first would have), and no more.
   */
  @Test void requestsAreInFlightTogetherUpToTheBound() throws Exception {
    assertInFlight(calcite, 4, "SELECT region, COUNT(*) AS n FROM orders GROUP BY region ORDER BY region");
    // top-N: a sorted merge of the databases' own top rows
    assertInFlight(calcite, 4,
        "SELECT _database, id FROM orders ORDER BY price DESC NULLS LAST, _database, id LIMIT 3");
    try (Connection two = connect(model("fan", "\"databasePattern\": \"t_*\", \"maxParallelRequests\": 2"))) {
      assertInFlight(two, 2, "SELECT region, COUNT(*) AS n FROM orders GROUP BY region ORDER BY region");
    }
  }

  private static void assertInFlight(Connection c, int expected, String sql) throws Exception {
    Rows.query(c, sql, new ArrayList<>()); // planned once: the next run sends only the databases' statements
    D1.server().faults().next(FANNED.size(), Fault.delay(Duration.ofSeconds(2)));
    long before = D1.requestCount();
    ExecutorService query = Executors.newSingleThreadExecutor();
    try {
      Future<List<String>> answer = query.submit(() -> Rows.query(c, sql, new ArrayList<>()));
      Thread.sleep(1500);
      assertEquals(expected, D1.requestCount() - before, "requests in flight while the first answer is held back");
      assertEquals(reference(sql), answer.get(30, TimeUnit.SECONDS));
      assertEquals(FANNED.size(), D1.requestCount() - before);
    } finally {
      query.shutdownNow();
      D1.server().faults().clear();
    }
  }

  /**
   * One database's statement fails (its table was dropped after the catalog was read) while the others answer: the
   * query fails with that database's error, not an answer without its rows; the next query works.
   */
  @Test void aFailureInOneDatabaseFailsTheQuery() throws SQLException {
    String sql = "SELECT region, MAX(price) AS hi FROM orders GROUP BY region ORDER BY region";
    try (Connection c = sqliteOf("t_c"); Statement st = c.createStatement()) {
      st.execute("DROP TABLE orders");
      try {
        SQLException e = assertThrows(SQLException.class, () -> Rows.query(calcite, sql, new ArrayList<>()));
        assertTrue(e.getMessage().contains("no such table: orders"), e::getMessage);
      } finally {
        st.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, region TEXT, amount INTEGER, price REAL)");
      }
    }
    check(sql, 4);
  }

  @Test void sequentialRequestsGiveTheSameAnswer() throws SQLException {
    String sql = "SELECT region, COUNT(*) AS n, SUM(amount) AS s FROM orders GROUP BY region ORDER BY region";
    try (Connection one = connect(model("fan", "\"databasePattern\": \"t_*\", \"maxParallelRequests\": 1"))) {
      assertEquals(reference(sql), Rows.query(one, sql, new ArrayList<>()));
    }
  }

  @Test void aListOfDatabasesInItsOrder() throws SQLException {
    try (Connection c = connect(model("two", "\"databases\": [\"t_d\", \"t_a\"]"))) {
      // Rows come database after database, in the list's order.
      assertEquals(List.of("t_d | 1", "t_a | 1"), run(c, "SELECT _database, id FROM orders WHERE id = 1", 2));
    }
  }

  @Test void aTableMissingInADatabaseIsAnErrorNamingIt() {
    SQLException e = assertThrows(SQLException.class,
        () -> Rows.query(calcite, "SELECT * FROM only_a", new ArrayList<>()));
    assertEquals("42S02", e.getSQLState(), e::toString);
    assertTrue(e.getMessage().contains("Table 'only_a' is missing in D1 databases 't_b', 't_c', 't_d' of schema 'fan'"),
        e::getMessage);
  }

  @Test void aColumnOfDifferentTypesIsAnErrorNamingTheDatabases() {
    SQLException e = assertThrows(SQLException.class,
        () -> Rows.query(calcite, "SELECT COUNT(*) FROM mixed.orders", new ArrayList<>()));
    assertEquals("42804", e.getSQLState(), e::toString);
    assertTrue(e.getMessage().contains("Column 'amount' of table 'orders' is BIGINT in D1 database 't_a' but"
        + " VARCHAR in 'x_1'"), e::getMessage);
  }

  /** The fan-out table is read-only; a write goes to one database's own table. */
  @Test void writesGoToOneDatabase() throws SQLException {
    SQLException e = assertThrows(SQLException.class,
        () -> calcite.createStatement().executeUpdate("INSERT INTO orders (_database, id) VALUES ('t_a', 999)"));
    assertEquals("25006", e.getSQLState(), e::toString);
    assertTrue(e.getMessage().contains("Table 'orders' of schema 'fan' is the union of 4 D1 databases and cannot be"
        + " written; write to one database's table, such as fan.t_a.orders"), e::getMessage);
    try (Statement st = calcite.createStatement()) {
      assertEquals(1, st.executeUpdate("INSERT INTO fan.t_b.orders (id, region) VALUES (999, 'west')"));
      assertEquals(List.of("t_b | 999"), Rows.query(calcite, "SELECT _database, id FROM orders WHERE region = 'west'",
          new ArrayList<>()));
      assertEquals(1, st.executeUpdate("DELETE FROM fan.t_b.orders WHERE id = 999"));
    }
  }

  @Test void aPatternMatchingNothingFailsAtConnect() {
    SQLException e =
        assertThrows(SQLException.class, () -> connect(model("none", "\"databasePattern\": \"tenant_*\"")));
    assertEquals("3D000", e.getSQLState(), e::toString);
    assertTrue(e.getMessage().contains("No D1 database of account test-account matches the pattern 'tenant_*'"),
        e::getMessage);
  }

  @Test void anUnknownDatabaseInTheListFailsAtConnect() {
    SQLException e = assertThrows(SQLException.class,
        () -> connect(model("none", "\"databases\": [\"t_a\", \"t_z\"]")));
    assertEquals("3D000", e.getSQLState(), e::toString);
    assertTrue(e.getMessage().contains("No D1 database is named 't_z'"), e::getMessage);
  }
}
