package io.github.calcited1.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.apache.calcite.avatica.remote.Driver.Serialization;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.calcited1.reliability.FaultProxy;
import io.github.calcited1.testing.D1LocalExtension;

/**
 * {@code calcite-d1 serve} end to end: d1-local, a model federating D1 with a SQLite file (Calcite's JDBC adapter),
 * the Avatica server, and a thin client loaded in its own class loader from avatica-core and its dependencies only
 * (no Calcite, no calcite-d1), as a remote application would have it.
 */
class D1AvaticaServerTest {
  static final String TOKEN = "serve-token";

  @TempDir static Path tmp;
  @RegisterExtension static final D1LocalExtension D1 = new D1LocalExtension("shop").withToken(TOKEN);
  static Path model;
  static URLClassLoader thinClientLoader;
  static Driver thinDriver;
  static URLClassLoader remoteClientLoader;
  static Driver remoteDriver;

  @BeforeAll static void setUp() throws Exception {
    D1.d1Batch(
        "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, country TEXT NOT NULL)",
        "INSERT INTO customers VALUES (1, 'Zoë', 'DE'), (2, 'Łukasz', 'PL'), (3, 'José', 'ES')",
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers (id),"
            + " qty INTEGER CHECK (qty > 0), price REAL)",
        "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
    Path lite = tmp.resolve("countries.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + lite); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE countries (code TEXT PRIMARY KEY, name TEXT NOT NULL)");
      s.execute("INSERT INTO countries VALUES ('DE', 'Germany'), ('PL', 'Poland'), ('ES', 'Spain')");
    }
    model = tmp.resolve("model.json");
    Files.writeString(model, "{\"version\": \"1.0\", \"defaultSchema\": \"shop\", \"schemas\": ["
        + "{\"name\": \"shop\", \"type\": \"custom\", \"factory\": \"io.github.calcited1.schema.D1SchemaFactory\","
        + " \"operand\": {\"database\": \"shop\", \"accountId\": \"" + D1.accountId() + "\", \"apiToken\": \""
        + TOKEN + "\", \"baseUrl\": \"" + D1.baseUrl() + "\"}},"
        + "{\"name\": \"lite\", \"type\": \"custom\","
        + " \"factory\": \"org.apache.calcite.adapter.jdbc.JdbcSchema$Factory\","
        + " \"operand\": {\"jdbcUrl\": \"jdbc:sqlite:" + lite + "\", \"jdbcDriver\": \"org.sqlite.JDBC\","
        + " \"sqlDialectFactory\": \"io.github.calcited1.federation.SqliteDialectFactory\"}}]}");

    // The thin client: avatica-core and its runtime dependencies, nothing else.
    List<URL> urls = new ArrayList<>();
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    for (String entry : cp.split(File.pathSeparator)) {
      String name = Paths.get(entry).getFileName().toString();
      if (name.startsWith("avatica-core-") || name.startsWith("avatica-metrics-") || name.startsWith("jackson-")
          || name.startsWith("protobuf-java-") || name.startsWith("httpclient5-") || name.startsWith("httpcore5-")
          || name.startsWith("slf4j-api-") || name.startsWith("joou-")) {
        urls.add(Paths.get(entry).toUri().toURL());
      }
    }
    thinClientLoader = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
    thinDriver = (Driver) Class.forName("org.apache.calcite.avatica.remote.Driver", true, thinClientLoader)
        .getDeclaredConstructor().newInstance();
    // jdbc:d1:remote: : the same, and calcite-d1's classes (it loads no Calcite class: there is none to load here)
    for (String entry : cp.split(File.pathSeparator)) {
      if (Files.exists(Paths.get(entry, "io/github/calcited1/remote/D1RemoteDriver.class"))) {
        urls.add(Paths.get(entry).toUri().toURL());
      }
    }
    remoteClientLoader = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
    remoteDriver = (Driver) Class.forName("io.github.calcited1.remote.D1RemoteDriver", true, remoteClientLoader)
        .getDeclaredConstructor().newInstance();
  }

  @AfterAll static void tearDown() throws Exception {
    if (sqlStateServer != null) {
      sqlStateServer.close();
    }
    if (thinClientLoader != null) {
      thinClientLoader.close();
    }
    if (remoteClientLoader != null) {
      remoteClientLoader.close();
    }
  }

  static Connection thin(D1AvaticaServer server, Properties props) throws SQLException {
    return thinDriver.connect(server.clientUrl(), props);
  }

  /** calcite-d1's thin client, {@code jdbc:d1:remote:}, with only avatica-core and calcite-d1's classes. */
  static Connection remote(D1AvaticaServer server, Properties props) throws SQLException {
    return remoteDriver.connect(server.d1ClientUrl(), props);
  }

  static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      assertTrue(rs.next());
      return rs.getLong(1);
    }
  }

  @Test void thinClientQueriesFederatesCommitsAndRollsBack() throws Exception {
    try (D1AvaticaServer server = D1AvaticaServer.start(D1AvaticaServer.config().model(model.toString()).port(0));
         Connection c = thin(server, new Properties())) {
      assertTrue(server.clientUrl().contains("127.0.0.1") && server.clientUrl().contains("serialization=protobuf"));
      assertFalse(c.getClass().getClassLoader() == getClass().getClassLoader(), "thin client is isolated");
      // query
      assertEquals(3, count(c, "SELECT COUNT(*) FROM customers"));
      // federated join: D1 customers with SQLite countries
      List<String> rows = new ArrayList<>();
      try (Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT c.name, k.name AS country FROM shop.customers c "
               + "JOIN lite.countries k ON k.code = c.country ORDER BY c.id")) {
        while (rs.next()) {
          rows.add(rs.getString(1) + "/" + rs.getString(2));
        }
      }
      assertEquals(List.of("Zoë/Germany", "Łukasz/Poland", "José/Spain"), rows);

      // transaction: the remedy for the thin client's lazy autocommit is getAutoCommit() after setAutoCommit()
      c.setAutoCommit(false);
      assertFalse(c.getAutoCommit());
      try (Statement s = c.createStatement()) {
        s.executeUpdate("INSERT INTO customers (id, name, country) VALUES (4, 'Ingrid', 'DE')");
      }
      c.rollback();
      assertEquals(3, count(c, "SELECT COUNT(*) FROM customers"));

      try (Statement s = c.createStatement()) {
        s.executeUpdate("INSERT INTO customers (id, name, country) VALUES (5, 'Søren', 'DE')");
        s.executeUpdate("UPDATE customers SET country = 'PL' WHERE id = 1");
      }
      try (Connection other = thin(server, new Properties())) {
        assertEquals(3, count(other, "SELECT COUNT(*) FROM customers"), "not visible before commit");
      }
      c.commit();
      c.setAutoCommit(true);
      assertTrue(c.getAutoCommit());
      assertEquals(4, count(c, "SELECT COUNT(*) FROM customers"));
      assertEquals(2, count(c, "SELECT COUNT(*) FROM shop.customers c JOIN lite.countries k ON k.code = c.country"
          + " WHERE k.name = 'Poland'"));
    }
  }

  /** The documented remedy: getAutoCommit() after setAutoCommit(false) syncs a statement prepared before. */
  @Test void preparedBeforeSwitchingIsSafeAfterGetAutoCommit() throws Exception {
    try (D1AvaticaServer server = D1AvaticaServer.start(D1AvaticaServer.config().model(model.toString()).port(0));
         Connection c = thin(server, new Properties())) {
      long before = count(c, "SELECT COUNT(*) FROM customers");
      try (java.sql.PreparedStatement ps = c.prepareStatement(
          "INSERT INTO customers (id, name, country) VALUES (?, ?, ?)")) {
        c.setAutoCommit(false);
        assertFalse(c.getAutoCommit()); // the remedy: sends the change before ps runs
        ps.setInt(1, 200);
        ps.setString(2, "Prepared");
        ps.setString(3, "ES");
        ps.executeUpdate();
        c.rollback();
      }
      assertEquals(before, count(c, "SELECT COUNT(*) FROM customers"),
          "the prepared insert was buffered, then discarded");
      c.setAutoCommit(true);
    }
  }

  @Test void jsonSerialization() throws Exception {
    try (D1AvaticaServer server = D1AvaticaServer.start(D1AvaticaServer.config().model(model.toString()).port(0)
        .serialization(Serialization.JSON));
         Connection c = thin(server, new Properties())) {
      assertTrue(server.clientUrl().endsWith("serialization=json"));
      assertTrue(count(c, "SELECT COUNT(*) FROM customers") >= 3);
    }
  }

  @Test void clientCannotSetUnsafeProperties() throws Exception {
    try (D1AvaticaServer server = D1AvaticaServer.start(D1AvaticaServer.config().model(model.toString()).port(0))) {
      Properties evil = new Properties();
      evil.setProperty("typeSystem", "com.example.DoesNotExist");
      evil.setProperty("schemaFactory", "com.example.DoesNotExist");
      evil.setProperty("parserFactory", "com.example.DoesNotExist#X");
      evil.setProperty("caseSensitive", "false");
      try (Connection c = thin(server, evil)) {
        // had any of the class names reached the driver, the connection or this query would fail
        assertTrue(count(c, "SELECT COUNT(*) FROM customers") >= 3);
      }
    }
    Properties in = new Properties();
    in.setProperty("model", "/etc/passwd");
    in.setProperty("lex", "JAVA");
    in.setProperty("avatica.connectioncache.expiryduration", "5");
    Properties out = D1AvaticaServer.filter(in, Set.of("avatica.connectioncache.expiryduration"));
    assertEquals(Set.of("lex"), out.stringPropertyNames());
  }

  @Test void servesTheOneDatabaseShortcutUrl() throws Exception {
    String url = D1.url();
    try (D1AvaticaServer server = D1AvaticaServer.start(D1AvaticaServer.config().url(url).port(0)
        .connectionExpiry(Duration.ofMinutes(3)));
         Connection c = thin(server, new Properties())) {
      assertTrue(count(c, "SELECT COUNT(*) FROM customers") >= 3);
    }
  }

  @Test void basicAuthentication() throws Exception {
    try (D1AvaticaServer server = D1AvaticaServer.start(D1AvaticaServer.config().model(model.toString()).port(0)
        .basicAuth("analyst", "s3cret"))) {
      Properties wrong = new Properties();
      wrong.setProperty("avatica_user", "analyst");
      wrong.setProperty("avatica_password", "wrong");
      assertThrows(Exception.class, () -> {
        try (Connection c = thin(server, wrong)) {
          count(c, "SELECT COUNT(*) FROM customers");
        }
      });
      Properties right = new Properties();
      right.setProperty("avatica_user", "analyst");
      right.setProperty("avatica_password", "s3cret");
      try (Connection c = thin(server, right)) {
        assertTrue(count(c, "SELECT COUNT(*) FROM customers") >= 3);
      }
    }
  }

  /** A password with commas, a backslash and surrounding blanks works exactly as set, and only so. */
  @Test void basicAuthenticationPasswordsWorkAsSet() throws Exception {
    String password = " a,b\\c=d: ";
    try (D1AvaticaServer server = D1AvaticaServer.start(D1AvaticaServer.config().model(model.toString()).port(0)
        .basicAuth("analyst", password))) {
      for (String wrong : List.of("a", " a", "a,b\\c=d:", password.strip(), "a,b\\\\c=d: ")) {
        Properties p = new Properties();
        p.setProperty("avatica_user", "analyst");
        p.setProperty("avatica_password", wrong);
        assertThrows(Exception.class, () -> {
          try (Connection c = thin(server, p)) {
            count(c, "SELECT COUNT(*) FROM customers");
          }
        }, "'" + wrong + "' must not be accepted");
      }
      Properties right = new Properties();
      right.setProperty("avatica_user", "analyst");
      right.setProperty("avatica_password", password);
      try (Connection c = thin(server, right)) {
        assertTrue(count(c, "SELECT COUNT(*) FROM customers") >= 3);
      }
    }
    assertThrows(IllegalArgumentException.class, () -> D1AvaticaServer.start(D1AvaticaServer.config()
        .model(model.toString()).port(0).basicAuth(" analyst", "x")).close());
  }

  @Test void passwordFileIsTakenAsItIs() throws Exception {
    Path file = tmp.resolve("password.txt");
    Files.writeString(file, " a,b\\c \n");
    assertEquals(" a,b\\c ", D1AvaticaServer.readPasswordFile(file.toString()));
    Files.writeString(file, "two\nlines\r\n");
    assertEquals("two\nlines", D1AvaticaServer.readPasswordFile(file.toString()));
  }

  @Test void expiredConnectionDropsBufferedWrites() throws Exception {
    // Idle time counts from a call's start, and a cold JVM plans a first INSERT for seconds: warm up elsewhere.
    try (D1AvaticaServer warmUp = D1AvaticaServer.start(D1AvaticaServer.config().model(model.toString()).port(0));
         Connection warm = thin(warmUp, new Properties())) {
      warm.setAutoCommit(false);
      warm.getAutoCommit();
      update(warm, "INSERT INTO customers (id, name, country) VALUES (100, 'Late', 'DE')");
      warm.rollback();
      count(warm, "SELECT COUNT(*) FROM customers");
    }
    try (D1AvaticaServer server = D1AvaticaServer.start(D1AvaticaServer.config().model(model.toString()).port(0)
        .connectionExpiry(Duration.ofSeconds(3)))) {
      try (Connection c = thin(server, new Properties());
           Connection remote = remote(server, new Properties())) {
        long before = count(c, "SELECT COUNT(*) FROM customers");
        c.setAutoCommit(false);
        c.getAutoCommit();
        remote.setAutoCommit(false);
        try (Statement s = c.createStatement(); Statement r = remote.createStatement()) {
          s.executeUpdate("INSERT INTO customers (id, name, country) VALUES (100, 'Late', 'DE')");
          r.executeUpdate("INSERT INTO customers (id, name, country) VALUES (101, 'Later', 'DE')");
        }
        Thread.sleep(5000);
        Throwable expired = failure(c::commit);
        assertEquals("08003", sqlState(expired), expired.toString());
        assertTrue(expired.getMessage().contains("uncommitted writes were discarded"), expired.getMessage());
        // jdbc:d1:remote:: the same failure of a rollback, as an SQLException
        SQLException rollback = assertThrows(SQLException.class, remote::rollback);
        assertEquals("08003", rollback.getSQLState(), rollback.toString());
        assertTrue(rollback.getMessage().contains("uncommitted writes were discarded"), rollback.getMessage());
        try (Connection fresh = thin(server, new Properties())) {
          assertEquals(before, count(fresh, "SELECT COUNT(*) FROM customers"), "buffered insert was dropped");
        }
      }
    }
  }

  /**
   * The first SQLState in a failure's chain: of an SQLException (the direct driver's outer "Error while executing SQL"
   * has none, its cause has it), or of the thin client's unchecked AvaticaClientRuntimeException.
   */
  static String firstSqlState(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SQLException e && e.getSQLState() != null) {
        return e.getSQLState();
      }
    }
    return null;
  }

  static String sqlState(Throwable t) throws Exception {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SQLException e && e.getSQLState() != null) {
        return e.getSQLState();
      }
      if (c.getClass().getName().equals("org.apache.calcite.avatica.AvaticaClientRuntimeException")) {
        return (String) c.getClass().getMethod("getSqlState").invoke(c);
      }
    }
    throw new AssertionError("no SQLState in " + t, t);
  }

  static Throwable failure(SqlRunnable r) {
    try {
      r.run();
    } catch (Throwable t) {
      return t;
    }
    throw new AssertionError("expected a failure");
  }

  interface SqlRunnable {
    void run() throws Exception;
  }

  static void update(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.executeUpdate(sql);
    }
  }

  /**
   * Each error keeps the SQLState and message the direct driver gives, through the thin client (HY000 where the direct
   * driver's chain has no SQLState, never Avatica's "00000").
   */
  @Test void errorsKeepTheirSqlStateThroughTheThinClient() throws Exception {
    List<String> statements = List.of(
        "INSERT INTO customers (id, name, country) VALUES (1, 'Again', 'DE')", // 23505 primary key
        "INSERT INTO customers (id, name, country) VALUES (77, NULL, 'DE')",
        "SELECT * FROM no_such_table",
        "SELECT no_such_column FROM customers",
        // 54xxx: past D1's value limit (2,200,000 bytes)
        "UPDATE customers SET name = '" + "x".repeat(2_300_000) + "' WHERE id = 1");
    try (D1AvaticaServer server = D1AvaticaServer.start(D1AvaticaServer.config().model(model.toString()).port(0));
         Connection thin = thin(server, new Properties());
         Connection direct = DriverManager.getConnection("jdbc:d1:model=" + model)) {
      for (String sql : statements) {
        Throwable d = failure(() -> update(direct, sql));
        Throwable t = failure(() -> update(thin, sql));
        String directState = firstSqlState(d);
        assertTrue(t instanceof SQLException, "a SQLException: " + t);
        assertEquals(directState == null ? "HY000" : directState, ((SQLException) t).getSQLState(),
            sql + ": thin " + t + ", direct " + d);
        assertFalse(t.getMessage().contains("(00000)"), t.getMessage());
      }
      assertEquals("23505", ((SQLException) failure(() -> update(thin, statements.get(0)))).getSQLState());
      String tooBig = ((SQLException) failure(() -> update(thin, statements.get(4)))).getSQLState();
      assertTrue(tooBig.startsWith("54"), tooBig);
      // a commit that fails: Avatica's client throws it unchecked, but with D1's SQLState and message
      thin.setAutoCommit(false);
      thin.getAutoCommit();
      update(thin, "INSERT INTO customers (id, name, country) VALUES (2, 'Twice', 'PL')");
      Throwable commit = failure(thin::commit);
      assertEquals("23505", sqlState(commit), commit.toString());
      assertTrue(commit.getMessage().contains("UNIQUE"), commit.getMessage());
      thin.rollback();
      thin.setAutoCommit(true);
    }
  }

  @Test void wrongTokenIs28000ThroughTheThinClient() throws Exception {
    String url = "jdbc:d1:database=shop;accountId=" + D1.accountId() + ";baseUrl=" + D1.baseUrl();
    Properties wrong = new Properties();
    wrong.setProperty("apiToken", "not-the-token");
    Throwable direct = failure(() -> DriverManager.getConnection(url, wrong).close());
    try (D1AvaticaServer server = D1AvaticaServer.start(D1AvaticaServer.config()
        .url(url + ";apiTokenEnv=D1_TEST_NO_SUCH_VARIABLE;apiToken=not-the-token").port(0))) {
      Throwable t = failure(() -> {
        try (Connection c = thin(server, new Properties())) {
          count(c, "SELECT COUNT(*) FROM customers");
        }
      });
      assertEquals("28000", sqlState(direct), direct.toString());
      assertEquals("28000", sqlState(t), t.toString());
      assertFalse(t.toString().contains("not-the-token"), t.toString());
    }
  }

  /** At --max-connections a new connection is refused (53300); no open connection is evicted with its writes. */
  @Test void fullServerRefusesNewConnectionsAndKeepsBufferedWrites() throws Exception {
    try (D1AvaticaServer server = D1AvaticaServer.start(D1AvaticaServer.config().model(model.toString()).port(0)
        .maxConnections(3))) {
      List<Connection> open = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          open.add(thin(server, new Properties()));
        }
        Connection writer = open.get(0);
        long before = count(writer, "SELECT COUNT(*) FROM customers");
        writer.setAutoCommit(false);
        writer.getAutoCommit();
        update(writer, "INSERT INTO customers (id, name, country) VALUES (300, 'Kept', 'DE')");
        for (int i = 1; i < 3; i++) {
          count(open.get(i), "SELECT COUNT(*) FROM customers"); // the writer is now the least recently used
        }
        for (int attempt = 0; attempt < 5; attempt++) {
          Throwable refused = failure(() -> {
            try (Connection extra = thin(server, new Properties())) {
              count(extra, "SELECT COUNT(*) FROM customers");
            }
          });
          assertEquals("53300", sqlState(refused), refused.toString());
          assertTrue(refused.getMessage().contains("--max-connections"), refused.getMessage());
        }
        writer.commit();
        assertEquals(before + 1, count(writer, "SELECT COUNT(*) FROM customers"), "the buffered insert survived");
        update(writer, "DELETE FROM customers WHERE id = 300");
        writer.commit();
        open.remove(2).close();
        try (Connection again = thin(server, new Properties())) {
          assertEquals(before, count(again, "SELECT COUNT(*) FROM customers"), "a closed connection frees its place");
        }
      } finally {
        for (Connection c : open) {
          c.close();
        }
      }
    }
  }

  /**
   * Buffered writes are bounded per connection (54000) and for the whole server (53200); the refused statement is not
   * buffered, the earlier ones commit, and other connections are unaffected.
   */
  @Test void bufferedWritesAreBoundedPerConnectionAndPerServer() throws Exception {
    String kilobyte = "x".repeat(1000);
    try (D1AvaticaServer server = D1AvaticaServer.start(D1AvaticaServer.config().model(model.toString()).port(0)
        .maxBufferPerConnection(50_000).maxBufferTotal(80_000));
         Connection a = thin(server, new Properties());
         Connection b = thin(server, new Properties())) {
      long before = count(a, "SELECT COUNT(*) FROM customers");
      for (Connection c : List.of(a, b)) {
        c.setAutoCommit(false);
        c.getAutoCommit();
      }
      int bufferedA = 0;
      Throwable full = null;
      try (java.sql.PreparedStatement ps = a.prepareStatement(
          "INSERT INTO customers (id, name, country) VALUES (?, ?, 'DE')")) {
        for (int i = 0; i < 200 && full == null; i++) {
          ps.setInt(1, 1000 + i);
          ps.setString(2, kilobyte);
          try {
            ps.executeUpdate();
            bufferedA++;
          } catch (SQLException e) {
            full = e;
          }
        }
      }
      assertTrue(full != null, "the per-connection limit was reached");
      assertEquals("54000", sqlState(full), full.toString());
      assertTrue(full.getMessage().contains("--max-buffer-per-connection")
          && full.getMessage().contains("Commit more often"), full.getMessage());
      assertTrue(bufferedA >= 40 && bufferedA < 50, "about 1 KB per row: " + bufferedA);

      // b reaches the server's total (a holds ~49 KB) before its own 50 KB
      int bufferedB = 0;
      Throwable serverFull = null;
      for (int i = 0; i < 200 && serverFull == null; i++) {
        try {
          update(b, "INSERT INTO customers (id, name, country) VALUES (" + (2000 + i) + ", '" + kilobyte + "', 'PL')");
          bufferedB++;
        } catch (SQLException e) {
          serverFull = e;
        }
      }
      assertTrue(serverFull != null, "the server's limit was reached");
      assertEquals("53200", sqlState(serverFull), serverFull.toString());
      assertTrue(serverFull.getMessage().contains("--max-buffer-total"), serverFull.getMessage());
      assertTrue(bufferedB > 20 && bufferedB < 40, "b got what a left of the total: " + bufferedB);

      a.commit(); // frees a's share: b may buffer again
      assertEquals(before + bufferedA, count(a, "SELECT COUNT(*) FROM customers"), "a's rows before the refusal");
      update(b, "INSERT INTO customers (id, name, country) VALUES (2999, 'after', 'PL')");
      b.rollback();
      assertEquals(before + bufferedA, count(b, "SELECT COUNT(*) FROM customers"));
      update(a, "DELETE FROM customers WHERE id >= 1000");
      a.commit();
      assertEquals(before, count(a, "SELECT COUNT(*) FROM customers"));
    }
  }

  static Properties basic(String user, String password) {
    Properties p = new Properties();
    p.setProperty("avatica_user", user);
    p.setProperty("avatica_password", password);
    return p;
  }

  /**
   * One client cannot reach another's connection or statements by naming them in a request it writes itself. Avatica
   * finds a statement by its number alone (they count up from 0), so without the server's check bob could read
   * alice's rows, run SQL inside her transaction, or roll it back.
   */
  @Test void aClientReachesOnlyItsOwnConnectionAndStatements() throws Exception {
    Path realm = tmp.resolve("alice-and-bob.properties");
    Files.writeString(realm, "alice: alice-pw,d1\nbob: bob-pw,d1\n");
    try (D1AvaticaServer server = D1AvaticaServer.start(D1AvaticaServer.config().model(model.toString()).port(0)
        .realmFile(realm.toString()).serialization(Serialization.JSON));
         Connection alice = thin(server, basic("alice", "alice-pw"));
         Statement aliceQuery = alice.createStatement()) {
      alice.setAutoCommit(false);
      alice.getAutoCommit();
      update(alice, "INSERT INTO customers (id, name, country) VALUES (7001, 'alice', 'DE')");
      ResultSet aliceRows = aliceQuery.executeQuery("SELECT name FROM customers ORDER BY id");
      String aliceId = (String) alice.getClass().getField("id").get(alice);
      Object aliceHandle = aliceQuery.getClass().getField("handle").get(aliceQuery);
      int aliceStatement = aliceHandle.getClass().getField("id").getInt(aliceHandle);

      HttpClient http = HttpClient.newHttpClient();
      String bobAuth = "Basic " + Base64.getEncoder().encodeToString("bob:bob-pw".getBytes(StandardCharsets.UTF_8));
      Function<String, String> bob = json -> {
        try {
          return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
              .header("Authorization", bobAuth).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
              HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      };
      assertFalse(bob.apply("{\"request\": \"openConnection\", \"connectionId\": \"bob-1\", \"info\": {}}")
          .contains("\"error\""));
      for (int statement = 0; statement < 20; statement++) {
        String fetch = bob.apply("{\"request\": \"fetch\", \"connectionId\": \"bob-1\", \"statementId\": "
            + statement + ", \"offset\": 0, \"fetchMaxRowCount\": 100}");
        assertFalse(fetch.contains("Zo"), fetch);
        String run = bob.apply("{\"request\": \"prepareAndExecute\", \"connectionId\": \"bob-1\","
            + " \"statementId\": " + statement + ", \"sql\": \"INSERT INTO customers (id, name, country) VALUES ("
            + (7100 + statement) + ", 'bob', 'PL')\", \"maxRowsTotal\": -1}");
        assertFalse(run.contains("\"updateCount\":1"), run);
      }
      String wrongStatement = bob.apply("{\"request\": \"fetch\", \"connectionId\": \"bob-1\", \"statementId\": "
          + aliceStatement + ", \"offset\": 0, \"fetchMaxRowCount\": 100}");
      assertTrue(wrongStatement.contains("26000") && wrongStatement.contains("has no statement"), wrongStatement);
      String rollback = bob.apply("{\"request\": \"rollback\", \"connectionId\": \"" + aliceId + "\"}");
      assertTrue(rollback.contains("08003") && rollback.contains("serves only the user who opened it"), rollback);

      assertTrue(aliceRows.next()); // alice's own statement and transaction are untouched
      alice.commit();
      assertEquals(1, count(alice, "SELECT COUNT(*) FROM customers WHERE id = 7001"));
      assertEquals(0, count(alice, "SELECT COUNT(*) FROM customers WHERE name = 'bob'"));
      update(alice, "DELETE FROM customers WHERE id = 7001");
      alice.commit();
    }
  }

  /** Buffers 1 KB rows on {@code c} (ids from {@code firstId}) until a statement is refused; returns the refusal. */
  static Throwable bufferUntilRefused(Connection c, int firstId, int[] buffered) {
    String kilobyte = "x".repeat(1000);
    for (int i = 0; i < 200; i++) {
      try {
        update(c, "INSERT INTO customers (id, name, country) VALUES (" + (firstId + i) + ", '" + kilobyte + "', 'DE')");
        buffered[0]++;
      } catch (SQLException e) {
        return e;
      }
    }
    throw new AssertionError("200 rows buffered, none refused");
  }

  /**
   * With two HTTP BASIC users, one user's connections and buffered writes are bounded by the per-user limits: its
   * third connection is refused (53300) and its connections together stop at --max-buffer-per-user (53200), while
   * the other user still connects and buffers its own full share.
   */
  @Test void limitsPerAuthenticatedUserStopOnlyThatUser() throws Exception {
    IllegalArgumentException noUsers = assertThrows(IllegalArgumentException.class,
        () -> D1AvaticaServer.start(D1AvaticaServer.config().model(model.toString()).port(0).maxConnectionsPerUser(2)));
    assertTrue(noUsers.getMessage().contains("turn on HTTP BASIC with --user or --realm-file"), noUsers.getMessage());
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    assertEquals(1, D1AvaticaServer.run(new String[] {"serve", "--model", model.toString(), "--port", "0",
        "--max-buffer-per-user", "1m"}, new java.io.PrintStream(new java.io.ByteArrayOutputStream()),
        new java.io.PrintStream(err, true, "UTF-8")));
    assertTrue(err.toString("UTF-8").contains("calcite-d1 serve: --max-connections-per-user and --max-buffer-per-user"
        + " bound authenticated users"), err.toString("UTF-8"));
    Path realm = tmp.resolve("two-users.properties");
    Files.writeString(realm, "alice: alice-pw,d1\nbob: bob-pw,d1\n");
    try (D1AvaticaServer server = D1AvaticaServer.start(D1AvaticaServer.config().model(model.toString()).port(0)
        .realmFile(realm.toString()).maxConnectionsPerUser(2).maxBufferPerUser(30_000))) {
      List<Connection> open = new ArrayList<>();
      try {
        for (int i = 0; i < 2; i++) {
          open.add(thin(server, basic("alice", "alice-pw")));
          count(open.get(i), "SELECT COUNT(*) FROM customers");
        }
        Throwable refused = failure(() -> {
          try (Connection extra = thin(server, basic("alice", "alice-pw"))) {
            count(extra, "SELECT COUNT(*) FROM customers");
          }
        });
        assertEquals("53300", sqlState(refused), refused.toString());
        assertTrue(refused.getMessage().contains("User \"alice\" has its maximum of 2 connections open"
            + " (--max-connections-per-user)"), refused.getMessage());
        Connection bob1 = thin(server, basic("bob", "bob-pw"));
        open.add(bob1);
        Connection bob2 = thin(server, basic("bob", "bob-pw"));
        open.add(bob2);
        long before = count(bob2, "SELECT COUNT(*) FROM customers");
        for (Connection c : open) {
          c.setAutoCommit(false);
          c.getAutoCommit();
        }

        // alice's two connections share her 30 KB
        int[] alice1 = {0};
        int[] alice2 = {0};
        for (int i = 0; i < 20; i++) {
          update(open.get(0), "INSERT INTO customers (id, name, country) VALUES (" + (5000 + i) + ", '"
              + "x".repeat(1000) + "', 'DE')");
          alice1[0]++;
        }
        Throwable full = bufferUntilRefused(open.get(1), 5100, alice2);
        assertEquals("53200", sqlState(full), full.toString());
        assertTrue(full.getMessage().contains("User \"alice\"'s (all its connections') uncommitted writes")
            && full.getMessage().contains("--max-buffer-per-user"), full.getMessage());
        assertTrue(alice2[0] > 3 && alice2[0] < 12, "alice's second connection got what her first left: " + alice2[0]);

        // bob is untouched: a full 30 KB of his own, refused only at his own limit
        int[] bob = {0};
        Throwable bobFull = bufferUntilRefused(bob1, 6000, bob);
        assertEquals("53200", sqlState(bobFull), bobFull.toString());
        assertTrue(bobFull.getMessage().contains("User \"bob\"'s"), bobFull.getMessage());
        assertTrue(bob[0] > 25 && bob[0] < 31, "bob buffered his own share: " + bob[0]);

        open.get(0).commit(); // alice's first connection frees her share; her rows before the refusal landed
        assertEquals(before + alice1[0], count(bob2, "SELECT COUNT(*) FROM customers"));
        update(open.get(1), "INSERT INTO customers (id, name, country) VALUES (5199, 'after', 'DE')");
        for (Connection c : open.subList(1, open.size())) {
          c.rollback();
        }
        update(open.get(0), "DELETE FROM customers WHERE id >= 5000");
        open.get(0).commit();
        assertEquals(before, count(bob2, "SELECT COUNT(*) FROM customers"));

        open.remove(0).close(); // a closed connection frees alice's place
        try (Connection again = thin(server, basic("alice", "alice-pw"))) {
          assertEquals(before, count(again, "SELECT COUNT(*) FROM customers"));
        }
      } finally {
        for (Connection c : open) {
          c.close();
        }
      }
    }
  }

  /**
   * The DatabaseMetaData the Avatica protocol carries from the server (its database properties) answer as the direct
   * driver does. Avatica 1.28's client takes the product name and version and storesUpperCaseIdentifiers from its own
   * driver, and its protocol has no request for functions, keys or indexes (docs/remote-access.md).
   */
  @Test void thinClientMetadataAnswersAsTheDirectDriver() throws Exception {
    try (D1AvaticaServer server = D1AvaticaServer.start(D1AvaticaServer.config().model(model.toString()).port(0));
         Connection thin = thin(server, new Properties());
         Connection direct = DriverManager.getConnection("jdbc:d1:model=" + model)) {
      java.sql.DatabaseMetaData t = thin.getMetaData();
      java.sql.DatabaseMetaData d = direct.getMetaData();
      assertFalse(d.getStringFunctions().isEmpty());
      assertEquals(d.getNumericFunctions(), t.getNumericFunctions());
      assertEquals(d.getStringFunctions(), t.getStringFunctions());
      assertEquals(d.getTimeDateFunctions(), t.getTimeDateFunctions());
      assertEquals(d.getSystemFunctions(), t.getSystemFunctions());
      assertEquals(d.getSQLKeywords(), t.getSQLKeywords());
      assertEquals(d.getDefaultTransactionIsolation(), t.getDefaultTransactionIsolation());
      assertEquals(rows(d.getColumns(null, "shop", "customers", "%")),
          rows(t.getColumns(null, "shop", "customers", "%")));
    }
  }

  static int rows(ResultSet rs) throws SQLException {
    try (rs) {
      int n = 0;
      while (rs.next()) {
        n++;
      }
      return n;
    }
  }

  @Test void parsesDurations() {
    assertEquals(Duration.ofSeconds(30), D1AvaticaServer.parseDuration("30s"));
    assertEquals(Duration.ofMinutes(10), D1AvaticaServer.parseDuration("10m"));
    assertEquals(Duration.ofMinutes(5), D1AvaticaServer.parseDuration("5"));
    assertEquals(Duration.ofHours(2), D1AvaticaServer.parseDuration("2h"));
    assertEquals(Duration.ofMillis(250), D1AvaticaServer.parseDuration("250ms"));
    assertEquals(65536, D1AvaticaServer.parseBytes("65536"));
    assertEquals(512L << 10, D1AvaticaServer.parseBytes("512k"));
    assertEquals(64L << 20, D1AvaticaServer.parseBytes("64M"));
    assertEquals(1L << 30, D1AvaticaServer.parseBytes("1g"));
    for (String bad : List.of("", "0", "-5m", "lots", "9999999999999g")) {
      assertThrows(IllegalArgumentException.class, () -> D1AvaticaServer.parseBytes(bad), bad);
    }
    assertEquals("jdbc:d1:database=x;apiToken=***;a=b", D1AvaticaServer.redact("jdbc:d1:database=x;apiToken=abc;a=b"));
    String inline = "jdbc:d1:model=inline:{\"version\":\"1.0\",\"schemas\":[{\"operand\":{\"apiToken\":\"s3cret\"}}]}";
    assertFalse(D1AvaticaServer.redact(inline).contains("s3cret"), D1AvaticaServer.redact(inline));
    assertFalse(D1AvaticaServer.redact("jdbc:d1:model=inline:schemas: [{operand: {apiToken: s3cret}}]")
        .contains("s3cret"));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // jdbc:d1:remote: (calcite-d1's thin client) beside the stock jdbc:avatica:remote: client

  /**
   * A failing commit: the stock client throws the unchecked AvaticaClientRuntimeException (which a
   * {@code catch (SQLException e)} misses); jdbc:d1:remote: throws an SQLException with the same SQLState, code and
   * D1 message, and the transaction can be rolled back.
   */
  @Test void remoteDriverCommitFailureIsAnSqlException() throws Exception {
    try (D1AvaticaServer server = D1AvaticaServer.start(D1AvaticaServer.config().model(model.toString()).port(0));
         Connection stock = thin(server, new Properties());
         Connection remote = remote(server, new Properties())) {
      update(remote, "INSERT INTO items (id, name) VALUES (1, 'taken')");
      for (Connection c : List.of(stock, remote)) {
        c.setAutoCommit(false);
        c.getAutoCommit();
        update(c, "INSERT INTO items (id, name) VALUES (2, 'taken')");
      }
      Throwable unchecked = failure(stock::commit);
      assertEquals("org.apache.calcite.avatica.AvaticaClientRuntimeException", unchecked.getClass().getName());
      assertEquals("23505", sqlState(unchecked));
      SQLException checked = assertThrows(SQLException.class, remote::commit);
      assertEquals("23505", checked.getSQLState(), checked.toString());
      assertEquals(unchecked.getClass().getMethod("getErrorCode").invoke(unchecked), checked.getErrorCode());
      assertTrue(checked.getMessage().contains("UNIQUE constraint failed: items.name"), checked.getMessage());
      remote.rollback();
      stock.rollback();
      remote.setAutoCommit(true);
      assertEquals(1, count(remote, "SELECT COUNT(*) FROM items"), "nothing of the failed transactions");
      update(remote, "DELETE FROM items");
    }
  }

  /**
   * The stock client sends setAutoCommit(false) only before the next statement it creates, so a statement prepared
   * before still writes at once; jdbc:d1:remote: sends it at once.
   */
  @Test void remoteDriverSendsSetAutoCommitAtOnce() throws Exception {
    try (D1AvaticaServer server = D1AvaticaServer.start(D1AvaticaServer.config().model(model.toString()).port(0))) {
      for (boolean d1Driver : new boolean[] {false, true}) {
        try (Connection c = d1Driver ? remote(server, new Properties()) : thin(server, new Properties());
             java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO items (id, name) VALUES (?, ?)")) {
          c.setAutoCommit(false); // no getAutoCommit() remedy
          ps.setInt(1, 10);
          ps.setString(2, "prepared before");
          ps.executeUpdate();
          c.rollback();
          c.setAutoCommit(true);
          assertEquals(d1Driver ? 0 : 1, count(c, "SELECT COUNT(*) FROM items"),
              d1Driver ? "rolled back" : "the stock client's trap: written at once");
          update(c, "DELETE FROM items");
        }
      }
    }
  }

  static List<List<Object>> table(ResultSet rs) throws SQLException {
    try (rs) {
      List<List<Object>> rows = new ArrayList<>();
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          row.add(rs.getObject(i));
        }
        rows.add(row);
      }
      return rows;
    }
  }

  static List<String> labels(ResultSet rs) throws SQLException {
    List<String> labels = new ArrayList<>();
    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
      labels.add(rs.getMetaData().getColumnLabel(i));
    }
    return labels;
  }

  /** The ids SQLite gave the rows named so, in id order (read back through the connection). */
  static List<List<Object>> idsOf(Connection c, String... names) throws SQLException {
    try (Statement s = c.createStatement()) {
      return table(s.executeQuery("SELECT id FROM items WHERE name IN ('" + String.join("', '", names)
          + "') ORDER BY id"));
    }
  }

  /**
   * Generated keys through the Avatica server with jdbc:d1:remote:: single- and multi-row INSERTs, prepared ones run
   * twice, by column names and indexes; the keys are the ids SQLite assigned, as jdbc:d1: returns them. In a
   * transaction they are empty, as with jdbc:d1: (the rowids exist only after COMMIT). The stock client cannot ask
   * (AvaticaStatement.executeUpdate(String, int) throws SQLFeatureNotSupportedException).
   */
  @Test void generatedKeysThroughTheServer() throws Exception {
    try (D1AvaticaServer server = D1AvaticaServer.start(D1AvaticaServer.config().model(model.toString()).port(0));
         Connection c = remote(server, new Properties());
         Connection stock = thin(server, new Properties());
         Connection direct = DriverManager.getConnection("jdbc:d1:model=" + model);
         Statement s = c.createStatement();
         Statement d = direct.createStatement()) {
      assertTrue(c.getMetaData().supportsGetGeneratedKeys());
      assertEquals(1, s.executeUpdate("INSERT INTO items (name) VALUES ('one')", Statement.RETURN_GENERATED_KEYS));
      ResultSet keys = s.getGeneratedKeys();
      assertEquals(List.of("id"), labels(keys));
      assertEquals(idsOf(c, "one"), table(keys));
      assertEquals(Long.class, idsOf(c, "one").get(0).get(0).getClass());

      assertEquals(2, s.executeUpdate("INSERT INTO items (name) VALUES ('two'), ('three')",
          Statement.RETURN_GENERATED_KEYS));
      assertEquals(idsOf(c, "two", "three"), table(s.getGeneratedKeys()));
      assertEquals(2, idsOf(c, "two", "three").size());
      // jdbc:d1: itself: the same columns and kinds of values
      assertEquals(2, d.executeUpdate("INSERT INTO items (name) VALUES ('d2'), ('d3')",
          Statement.RETURN_GENERATED_KEYS));
      try (ResultSet directKeys = d.getGeneratedKeys()) {
        assertEquals(List.of("id"), labels(directKeys));
        assertEquals(idsOf(c, "d2", "d3"), table(directKeys));
      }
      assertFalse(s.execute("INSERT INTO items (name) VALUES ('four')", new int[] {1, 2}));
      assertEquals(1, s.getUpdateCount());
      assertEquals(List.of(List.of(idsOf(c, "four").get(0).get(0), "four")), table(s.getGeneratedKeys()));
      assertEquals(List.of(), table(s.executeQuery("SELECT id FROM items WHERE name = 'none'")));
      assertEquals(0, table(s.getGeneratedKeys()).size(), "an execution that asked for none has none");

      try (java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO items (name) VALUES (?)",
          new String[] {"id", "name"})) {
        for (String name : List.of("p1", "p2")) {
          ps.setString(1, name);
          assertEquals(1, ps.executeUpdate());
          assertEquals(List.of(List.of(idsOf(c, name).get(0).get(0), name)), table(ps.getGeneratedKeys()));
        }
      }

      // in a transaction: the INSERT waits for COMMIT, its keys are empty, as with jdbc:d1:
      for (Connection tx : List.of(c, direct)) {
        tx.setAutoCommit(false);
        try (java.sql.PreparedStatement ps = tx.prepareStatement("INSERT INTO items (name) VALUES (?)",
            Statement.RETURN_GENERATED_KEYS)) {
          ps.setString(1, tx == c ? "tx remote" : "tx direct");
          ps.executeUpdate();
          assertEquals(List.of(), table(ps.getGeneratedKeys()));
        }
        tx.commit();
        tx.setAutoCommit(true);
      }
      assertEquals(2, idsOf(c, "tx remote", "tx direct").size(), "both committed");

      // a failed execution, and a batch, have no keys (as with jdbc:d1:), not the previous execution's
      SQLException taken = assertThrows(SQLException.class,
          () -> s.executeUpdate("INSERT INTO items (name) VALUES ('one')", Statement.RETURN_GENERATED_KEYS));
      assertEquals("23505", taken.getSQLState());
      assertEquals(List.of(), table(s.getGeneratedKeys()));
      try (java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO items (name) VALUES (?)",
          Statement.RETURN_GENERATED_KEYS)) {
        ps.setString(1, "five");
        ps.executeUpdate();
        assertEquals(idsOf(c, "five"), table(ps.getGeneratedKeys()));
        ps.setString(1, "one");
        assertThrows(SQLException.class, ps::executeUpdate);
        assertEquals(List.of(), table(ps.getGeneratedKeys()));
        for (String name : List.of("b1", "b2")) {
          ps.setString(1, name);
          ps.addBatch();
        }
        ps.executeBatch();
        assertEquals(List.of(), table(ps.getGeneratedKeys()), "a batch returns no keys");
        assertEquals(2, idsOf(c, "b1", "b2").size());
      }

      SQLException bad = assertThrows(SQLException.class, () -> s.executeUpdate("INSERT INTO items (name) VALUES"
          + " ('x')", 7));
      assertEquals("HY092", bad.getSQLState());
      assertThrows(java.sql.SQLFeatureNotSupportedException.class, () -> stock.createStatement().executeUpdate(
          "INSERT INTO items (name) VALUES ('stock')", Statement.RETURN_GENERATED_KEYS));
      assertThrows(java.sql.SQLFeatureNotSupportedException.class,
          () -> stock.prepareStatement("INSERT INTO items (name) VALUES ('stock')", Statement.RETURN_GENERATED_KEYS));
      // the comment requests from any client: the stock one reads the first result (the count) and ignores the keys
      try (Statement st = stock.createStatement()) {
        assertEquals(1, st.executeUpdate("/*calcite-d1:generated-keys*/ INSERT INTO items (name) VALUES ('stock')"));
        SQLException query = assertThrows(SQLException.class,
            () -> st.execute("/*calcite-d1:generated-keys*/ SELECT id FROM items"));
        assertEquals("0A000", query.getSQLState(), query::toString);
        assertEquals(table(direct.getMetaData().getIndexInfo(null, "shop", "items", false, false)),
            table(st.executeQuery("/*calcite-d1:metadata getIndexInfo [null,\"shop\",\"items\",false,false]*/")));
      }
      assertEquals(1, idsOf(c, "stock").size());
      update(c, "DELETE FROM items");
    }
  }

  /** One server for the SQLState table (started on first use, closed with the class). */
  static D1AvaticaServer sqlStateServer;

  static synchronized D1AvaticaServer sqlStateServer() throws Exception {
    if (sqlStateServer == null) {
      sqlStateServer = D1AvaticaServer.start(D1AvaticaServer.config().model(model.toString()).port(0));
    }
    return sqlStateServer;
  }

  /** Statements each failing with one SQLState of the direct driver (parameter: bound as ?1 when not null). */
  static Stream<Arguments> statementErrors() {
    String ors = IntStream.rangeClosed(1, 600).mapToObj(i -> "id = " + i).collect(Collectors.joining(" OR "));
    return Stream.of(
        Arguments.of("23505", "INSERT INTO customers (id, name, country) VALUES (1, 'Again', 'DE')", null),
        // NULLIF(name, name): NULL that only D1 sees (a literal NULL is refused by Calcite's validator: 42000)
        Arguments.of("23502", "UPDATE customers SET name = NULLIF(name, name) WHERE id = 1", null),
        Arguments.of("23503", "INSERT INTO orders (id, customer_id, qty) VALUES (1, 999, 1)", null),
        Arguments.of("23514", "INSERT INTO orders (id, customer_id, qty) VALUES (1, 1, 0)", null),
        Arguments.of("22003", "INSERT INTO orders (id, customer_id, qty, price) VALUES (1, 1, 1, ?)", Double.NaN),
        Arguments.of("42S02", "SELECT * FROM no_such_table", null),
        Arguments.of("42S22", "SELECT no_such_column FROM customers", null),
        Arguments.of("42000", "SELEC 1", null),
        // past D1's value limit (2,000,000 bytes)
        Arguments.of("54000", "UPDATE customers SET name = ? WHERE id = 1", "x".repeat(2_300_000)),
        Arguments.of("54001", "SELECT COUNT(*) FROM customers WHERE " + ors, null),
        Arguments.of("XX000", "SELECT 37 / - CAST(NULL AS INTEGER) * - 33", null));
  }

  static void run(Connection c, String sql, Object parameter) throws SQLException {
    if (parameter == null) {
      try (Statement s = c.createStatement()) {
        s.execute(sql);
      }
    } else {
      try (java.sql.PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setObject(1, parameter);
        ps.execute();
      }
    }
  }

  /** The first SQLException of the chain that has an SQLState. */
  static SQLException stateBearing(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SQLException e && e.getSQLState() != null) {
        return e;
      }
    }
    throw new AssertionError("no SQLState in " + t, t);
  }

  /**
   * Each SQLState the direct driver gives a statement arrives through both thin clients (the stock
   * jdbc:avatica:remote: and jdbc:d1:remote:), with its vendor code and the direct driver's whole message.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("statementErrors")
  void statementSqlStatesArriveThroughTheThinClients(String state, String sql, Object parameter) throws Exception {
    D1AvaticaServer server = sqlStateServer();
    try (Connection direct = DriverManager.getConnection("jdbc:d1:model=" + model);
         Connection stock = thin(server, new Properties());
         Connection remote = remote(server, new Properties())) {
      SQLException d = stateBearing(failure(() -> run(direct, sql, parameter)));
      assertEquals(state, d.getSQLState(), d::toString);
      for (Connection c : List.of(stock, remote)) {
        SQLException e = assertInstanceOf(SQLException.class, failure(() -> run(c, sql, parameter)));
        assertEquals(state, e.getSQLState(), e::toString);
        assertEquals(d.getErrorCode(), e.getErrorCode(), e::toString);
        assertTrue(e.getMessage().contains(d.getMessage()),
            () -> e.getMessage() + "\n does not hold \n" + d.getMessage());
      }
    }
  }

  /**
   * The states of a transaction: DDL refused while writes are buffered (25001), a COMMIT that meets a concurrent
   * change (40001). The stock client's commit throws them unchecked, jdbc:d1:remote:'s as SQLExceptions.
   */
  @Test void transactionSqlStatesArriveThroughTheThinClients() throws Exception {
    D1AvaticaServer server = sqlStateServer();
    try (Connection direct = DriverManager.getConnection("jdbc:d1:model=" + model);
         Connection stock = thin(server, new Properties());
         Connection remote = remote(server, new Properties())) {
      for (Connection c : List.of(stock, remote)) {
        c.setAutoCommit(false);
        c.getAutoCommit();
        update(c, "INSERT INTO items (id, name) VALUES (50, 'buffered')");
        SQLException ddl = assertInstanceOf(SQLException.class,
            failure(() -> update(c, "CREATE TABLE t25001 (a INTEGER)")));
        assertEquals("25001", ddl.getSQLState(), ddl::toString);
        assertTrue(ddl.getMessage().contains("DDL cannot join a transaction"), ddl::getMessage);
        c.rollback();

        // by key, from rows it read (CHAR_LENGTH is not pushed to D1): a compare-and-set at COMMIT
        update(c, "UPDATE customers SET country = 'FR' WHERE id = 3 AND CHAR_LENGTH(name) = 4");
        update(direct, "UPDATE customers SET country = 'IT' WHERE id = 3");
        Throwable conflict = failure(c::commit);
        assertEquals(c == remote, conflict instanceof SQLException, conflict::toString);
        assertEquals("40001", sqlState(conflict), conflict::toString);
        assertTrue(conflict.getMessage().contains("Write conflict on D1 table"), conflict::getMessage);
        c.rollback();
        c.setAutoCommit(true);
        update(direct, "UPDATE customers SET country = 'ES' WHERE id = 3");
      }
      assertEquals(0, count(direct, "SELECT COUNT(*) FROM items WHERE id = 50"));
    }
  }

  /**
   * A COMMIT whose answer is lost after D1 ran it (HTTP 200 with an error envelope, from a proxy in front of
   * d1-local) reaches jdbc:d1:remote: as an SQLException with SQLState 08007 and the direct driver's advice; the
   * write is in D1, once.
   */
  @Test void commitOutcomeUnknownIs08007ThroughTheRemoteClient() throws Exception {
    D1.d1("CREATE TABLE outcomes (id INTEGER PRIMARY KEY, note TEXT)");
    try (FaultProxy proxy = new FaultProxy(D1.baseUrl(), false)) {
      proxy.start();
      String url = "jdbc:d1:database=shop;accountId=" + D1.accountId() + ";baseUrl=" + proxy.baseUrl()
          + ";apiToken=" + TOKEN;
      try (D1AvaticaServer server = D1AvaticaServer.start(D1AvaticaServer.config().url(url).port(0));
           Connection c = remote(server, new Properties()); Statement s = c.createStatement()) {
        c.setAutoCommit(false);
        s.executeUpdate("INSERT INTO outcomes VALUES (1, 'outcome unknown')");
        proxy.next(FaultProxy.Spoil.ERROR_ENVELOPE);
        SQLException e = assertThrows(SQLException.class, c::commit);
        assertEquals("08007", e.getSQLState(), e::toString);
        assertTrue(e.getMessage().contains("Check before re-running"), e.getMessage());
        assertEquals(0, proxy.pending(), "the COMMIT's answer was the spoiled one");
      }
    }
    assertEquals(1, D1.count("outcomes"), "the write ran, once");
  }

  /**
   * jdbc:d1:remote:'s {@code caseSensitive} is read as jdbc:d1: reads a flag: true or false in any case; "yes" is
   * refused with SQLState 08001 naming the property (it was read as false, silently).
   */
  @Test void remoteCaseSensitiveIsTrueOrFalseOnly() throws Exception {
    try (D1AvaticaServer server = D1AvaticaServer.start(D1AvaticaServer.config().model(model.toString()).port(0))) {
      Properties yes = new Properties();
      yes.setProperty("caseSensitive", "yes");
      SQLException e = assertThrows(SQLException.class, () -> remote(server, yes).close());
      assertEquals("08001", e.getSQLState(), e::toString);
      assertTrue(e.getMessage().contains("'caseSensitive' must be true or false, not 'yes'"), e.getMessage());
      Properties upper = new Properties();
      upper.setProperty("caseSensitive", "TRUE");
      try (Connection c = remote(server, upper)) {
        assertTrue(c.getMetaData().supportsMixedCaseIdentifiers(), "caseSensitive=TRUE is true");
      }
      try (Connection c = remote(server, new Properties())) {
        assertFalse(c.getMetaData().supportsMixedCaseIdentifiers(), "false by default");
      }
    }
  }

  /**
   * jdbc:d1:remote:'s DatabaseMetaData answers every no-argument question (product, version, identifier casing,
   * transactions, generated keys, keywords, functions lists, limits) as jdbc:d1: does, but for the driver's own
   * identity and the connection's URL and user. The stock client says {@code Avatica}, its own version, and
   * upper-case identifiers.
   */
  @Test void remoteDriverMetadataAnswersAsTheDirectDriver() throws Exception {
    Set<String> own = Set.of("getURL", "getUserName", "getDriverName", "getDriverVersion", "getDriverMajorVersion",
        "getDriverMinorVersion");
    try (D1AvaticaServer server = D1AvaticaServer.start(D1AvaticaServer.config().model(model.toString()).port(0));
         Connection stock = thin(server, new Properties());
         Connection remote = remote(server, new Properties());
         Connection direct = DriverManager.getConnection("jdbc:d1:model=" + model)) {
      java.sql.DatabaseMetaData d = direct.getMetaData();
      java.sql.DatabaseMetaData r = remote.getMetaData();
      List<String> compared = new ArrayList<>();
      List<String> differ = new ArrayList<>();
      for (java.lang.reflect.Method m : java.sql.DatabaseMetaData.class.getMethods()) {
        Class<?> type = m.getReturnType();
        if (m.getParameterCount() > 0 || own.contains(m.getName()) || !(type == boolean.class || type == int.class
            || type == long.class || type == String.class)) {
          continue;
        }
        Object want = m.invoke(d);
        Object got = m.invoke(r);
        compared.add(m.getName());
        if (!want.equals(got)) {
          differ.add(m.getName() + ": direct " + want + ", remote " + got);
        }
      }
      assertEquals(List.of(), differ);
      assertTrue(compared.size() > 100, compared::toString);
      assertEquals("Cloudflare D1", r.getDatabaseProductName());
      assertFalse(r.storesUpperCaseIdentifiers());
      assertTrue(r.storesMixedCaseIdentifiers());
      assertTrue(r.supportsTransactions() && r.supportsGetGeneratedKeys());
      assertEquals("calcite-d1 remote JDBC driver", r.getDriverName());
      io.github.calcited1.jdbc.D1DatabaseMetaDataTest.assertTypeMapClientInfoAndSavepointsAnswer(remote);
      assertThrows(java.sql.SQLClientInfoException.class, () -> stock.setClientInfo("ApplicationName", "DBeaver"));
      assertThrows(java.sql.SQLFeatureNotSupportedException.class, stock::getTypeMap);
      // the stock client, for the docs
      java.sql.DatabaseMetaData t = stock.getMetaData();
      assertEquals("Avatica", t.getDatabaseProductName());
      assertTrue(t.storesUpperCaseIdentifiers());
      assertFalse(t.supportsTransactions());
      // the catalog calls travel for both
      assertEquals(rows(d.getColumns(null, "shop", "items", "%")), rows(r.getColumns(null, "shop", "items", "%")));
      assertEquals(rows(d.getTables(null, "shop", "%", null)), rows(r.getTables(null, "shop", "%", null)));
      // what the protocol has no request for: the stock client has none, jdbc:d1:remote: asks the server
      assertEquals(0, rows(t.getFunctions(null, null, "%")));
      assertEquals(0, rows(t.getPrimaryKeys(null, "shop", "orders")));
      List<List<Object>> functions = table(d.getFunctions(null, null, "%"));
      assertTrue(functions.size() > 10, functions::toString);
      assertEquals(functions, table(r.getFunctions(null, null, "%")));
      assertEquals(table(d.getFunctionColumns(null, null, "%", "%")),
          table(r.getFunctionColumns(null, null, "%", "%")));
      List<List<Object>> keys = table(d.getPrimaryKeys(null, "shop", "orders"));
      assertEquals(1, keys.size(), keys::toString);
      assertEquals(keys, table(r.getPrimaryKeys(null, "shop", "orders")));
      List<List<Object>> imported = table(d.getImportedKeys(null, "shop", "orders"));
      assertEquals(1, imported.size(), imported::toString);
      assertEquals(imported, table(r.getImportedKeys(null, "shop", "orders")));
      assertEquals(imported, table(r.getExportedKeys(null, "shop", "customers")));
      assertEquals(imported, table(r.getCrossReference(null, "shop", "customers", null, "shop", "orders")));
      List<List<Object>> indexes = table(d.getIndexInfo(null, "shop", "items", true, false));
      assertFalse(indexes.isEmpty());
      assertEquals(indexes, table(r.getIndexInfo(null, "shop", "items", true, false)));
      try (ResultSet rs = r.getPrimaryKeys(null, "shop", "orders")) {
        assertEquals(labels(d.getPrimaryKeys(null, "shop", "orders")), labels(rs));
        assertEquals(Short.class, table(rs).get(0).get(4).getClass(), "KEY_SEQ is a short, as JDBC says");
      }
    }
  }

  /** DriverManager gives a jdbc:d1:remote: URL to the thin client (jdbc:d1: declines it), protobuf by default. */
  @Test void d1RemoteUrlsGoToTheThinClient() throws Exception {
    try (D1AvaticaServer server = D1AvaticaServer.start(D1AvaticaServer.config().model(model.toString()).port(0))) {
      String url = server.d1ClientUrl().replace(";serialization=protobuf", "");
      assertTrue(url.startsWith("jdbc:d1:remote:url=http://127.0.0.1:"), url);
      assertFalse(new io.github.calcited1.jdbc.D1Driver().acceptsURL(url));
      try (Connection c = DriverManager.getConnection(url)) {
        assertEquals("io.github.calcited1.remote.D1RemoteConnection", c.getClass().getName());
        assertTrue(count(c, "SELECT COUNT(*) FROM customers") >= 3);
      }
    }
  }
}
