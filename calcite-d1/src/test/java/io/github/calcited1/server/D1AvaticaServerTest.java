package io.github.calcited1.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
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
import java.util.List;
import java.util.Properties;
import java.util.Set;

import org.apache.calcite.avatica.remote.Driver.Serialization;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.calcited1.local.D1LocalServer;

/**
 * {@code calcite-d1 serve} end to end: d1-local, a model federating D1 with a SQLite file (Calcite's JDBC adapter),
 * the Avatica server, and a thin client loaded in its own class loader from avatica-core and its dependencies only
 * (no Calcite, no calcite-d1), as a remote application would have it.
 */
class D1AvaticaServerTest {
  static final String TOKEN = "serve-token";

  @TempDir static Path tmp;
  static D1LocalServer d1;
  static Path model;
  static URLClassLoader thinClientLoader;
  static Driver thinDriver;

  @BeforeAll static void setUp() throws Exception {
    d1 = D1LocalServer.builder().port(0).dataDir(Files.createDirectories(tmp.resolve("d1"))).token(TOKEN)
        .database("shop").build();
    d1.start();
    LocalData.exec(d1, TOKEN, "shop",
        "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, country TEXT NOT NULL)",
        "INSERT INTO customers VALUES (1, 'Zoë', 'DE'), (2, 'Łukasz', 'PL'), (3, 'José', 'ES')");
    Path lite = tmp.resolve("countries.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + lite); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE countries (code TEXT PRIMARY KEY, name TEXT NOT NULL)");
      s.execute("INSERT INTO countries VALUES ('DE', 'Germany'), ('PL', 'Poland'), ('ES', 'Spain')");
    }
    model = tmp.resolve("model.json");
    Files.writeString(model, "{\"version\": \"1.0\", \"defaultSchema\": \"shop\", \"schemas\": ["
        + "{\"name\": \"shop\", \"type\": \"custom\", \"factory\": \"io.github.calcited1.schema.D1SchemaFactory\","
        + " \"operand\": {\"database\": \"shop\", \"accountId\": \"" + LocalData.ACCOUNT_ID + "\", \"apiToken\": \""
        + TOKEN + "\", \"baseUrl\": \"" + d1.baseUrl() + "\"}},"
        + "{\"name\": \"lite\", \"type\": \"custom\", \"factory\": \"org.apache.calcite.adapter.jdbc.JdbcSchema$Factory\","
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
  }

  @AfterAll static void tearDown() throws Exception {
    if (thinClientLoader != null) {
      thinClientLoader.close();
    }
    if (d1 != null) {
      d1.close();
    }
  }

  static Connection thin(D1AvaticaServer server, Properties props) throws SQLException {
    return thinDriver.connect(server.clientUrl(), props);
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
      assertEquals(before, count(c, "SELECT COUNT(*) FROM customers"), "the prepared insert was buffered, then discarded");
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
    String url = "jdbc:d1:database=shop;accountId=" + LocalData.ACCOUNT_ID + ";baseUrl=" + d1.baseUrl()
        + ";apiToken=" + TOKEN;
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

  @Test void expiredConnectionDropsBufferedWrites() throws Exception {
    try (D1AvaticaServer server = D1AvaticaServer.start(D1AvaticaServer.config().model(model.toString()).port(0)
        .connectionExpiry(Duration.ofSeconds(1)));
         Connection c = thin(server, new Properties())) {
      long before = count(c, "SELECT COUNT(*) FROM customers");
      c.setAutoCommit(false);
      c.getAutoCommit();
      try (Statement s = c.createStatement()) {
        s.executeUpdate("INSERT INTO customers (id, name, country) VALUES (100, 'Late', 'DE')");
      }
      Thread.sleep(2500);
      assertThrows(Exception.class, c::commit, "the server connection expired");
      try (Connection fresh = thin(server, new Properties())) {
        assertEquals(before, count(fresh, "SELECT COUNT(*) FROM customers"), "buffered insert was dropped");
      }
    }
  }

  @Test void parsesDurations() {
    assertEquals(Duration.ofSeconds(30), D1AvaticaServer.parseDuration("30s"));
    assertEquals(Duration.ofMinutes(10), D1AvaticaServer.parseDuration("10m"));
    assertEquals(Duration.ofMinutes(5), D1AvaticaServer.parseDuration("5"));
    assertEquals(Duration.ofHours(2), D1AvaticaServer.parseDuration("2h"));
    assertEquals(Duration.ofMillis(250), D1AvaticaServer.parseDuration("250ms"));
    assertEquals("jdbc:d1:database=x;apiToken=***;a=b", D1AvaticaServer.redact("jdbc:d1:database=x;apiToken=abc;a=b"));
    String inline = "jdbc:d1:model=inline:{\"version\":\"1.0\",\"schemas\":[{\"operand\":{\"apiToken\":\"s3cret\"}}]}";
    assertFalse(D1AvaticaServer.redact(inline).contains("s3cret"), D1AvaticaServer.redact(inline));
    assertFalse(D1AvaticaServer.redact("jdbc:d1:model=inline:schemas: [{operand: {apiToken: s3cret}}]")
        .contains("s3cret"));
  }
}
