package io.github.calcited1.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.calcited1.testing.D1LocalExtension;

/**
 * The shaded driver jar ({@code calcite-d1-VERSION-driver.jar}) as a GUI tool uses it: the jar alone in a fresh class
 * loader (parent: the platform loader, so nothing leaks in from this test's class path), the driver class
 * {@code io.github.calcited1.jdbc.D1Driver}, a URL and driver properties; then {@link DatabaseMetaData} lists
 * schemas, tables and columns, and a query runs.
 */
class DriverJarIT {
  static final String TOKEN = "driver-jar-token";

  /** "shop" for the driver, "tags" for the thin client. */
  @RegisterExtension static final D1LocalExtension D1 = new D1LocalExtension("shop", "tags").withToken(TOKEN);

  @Test void guiToolListsTablesAndColumnsFromTheJarAlone() throws Exception {
    Path jar = Paths.get(System.getProperty("driverJar", "target/calcite-d1-0.1.0-SNAPSHOT-driver.jar"));
    assertTrue(Files.isRegularFile(jar), "driver jar built: " + jar);
    D1.seed("shop",
        "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT)",
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, total REAL)",
        "INSERT INTO customers VALUES (1, 'Zoë', NULL), (2, 'Łukasz', 'l@example.com')",
        "INSERT INTO orders VALUES (10, 1, 12.5), (11, 2, 7.25), (12, 2, 1.0)");

    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()},
        ClassLoader.getPlatformClassLoader())) {
      Driver driver = (Driver) Class.forName("io.github.calcited1.jdbc.D1Driver", true, loader)
          .getDeclaredConstructor().newInstance();
      assertSame(loader, driver.getClass().getClassLoader());
      // relocated, and no Jetty inside
      assertThrows(ClassNotFoundException.class, () -> loader.loadClass("okhttp3.OkHttpClient"));
      assertNotNull(loader.loadClass("io.github.calcited1.shaded.okhttp3.OkHttpClient"));
      assertThrows(ClassNotFoundException.class, () -> loader.loadClass("org.eclipse.jetty.server.Server"));

      String url = "jdbc:d1:database=shop;accountId=" + D1.accountId() + ";baseUrl=" + D1.baseUrl();
      assertTrue(driver.acceptsURL(url));
      Properties props = new Properties();
      props.setProperty("apiToken", TOKEN);
      try (Connection c = driver.connect(url, props)) {
        DatabaseMetaData md = c.getMetaData();
        List<String> schemas = new ArrayList<>();
        try (ResultSet rs = md.getSchemas()) {
          while (rs.next()) {
            schemas.add(rs.getString("TABLE_SCHEM"));
          }
        }
        assertTrue(schemas.contains("shop"), schemas.toString());

        List<String> tables = new ArrayList<>();
        try (ResultSet rs = md.getTables(null, "shop", "%", null)) {
          while (rs.next()) {
            tables.add(rs.getString("TABLE_NAME") + ":" + rs.getString("TABLE_TYPE"));
          }
        }
        assertEquals(List.of("customers:TABLE", "orders:TABLE"), tables.stream().sorted().toList());

        List<String> columns = new ArrayList<>();
        try (ResultSet rs = md.getColumns(null, "shop", "customers", "%")) {
          while (rs.next()) {
            columns.add(rs.getString("COLUMN_NAME") + ":" + rs.getString("TYPE_NAME") + ":"
                + rs.getString("IS_NULLABLE"));
          }
        }
        assertEquals(3, columns.size(), columns.toString());
        assertTrue(columns.get(0).startsWith("id:"), columns.toString());
        assertTrue(columns.get(1).startsWith("name:") && columns.get(1).endsWith(":NO"), columns.toString());
        assertTrue(columns.get(2).startsWith("email:") && columns.get(2).endsWith(":YES"), columns.toString());

        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT c.name, SUM(o.total) AS spent FROM orders o "
                 + "JOIN customers c ON c.id = o.customer_id GROUP BY c.name ORDER BY c.name")) {
          assertTrue(rs.next());
          assertEquals("Zoë", rs.getString(1));
          assertEquals(12.5, rs.getDouble(2), 1e-9);
          assertTrue(rs.next());
          assertEquals("Łukasz", rs.getString(1));
          assertEquals(8.25, rs.getDouble(2), 1e-9);
        }
      }
    }
  }

  /**
   * The jar alone as the thin client of {@code calcite-d1 serve} ({@code jdbc:d1:remote:}): keys in
   * DatabaseMetaData, generated keys, and a failing commit as an SQLException.
   */
  @Test void jarAloneIsTheThinClientOfTheServer() throws Exception {
    Path jar = Paths.get(System.getProperty("driverJar", "target/calcite-d1-0.1.0-SNAPSHOT-driver.jar"));
    D1.seed("tags", "CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
    String url = "jdbc:d1:database=tags;accountId=" + D1.accountId() + ";baseUrl=" + D1.baseUrl()
        + ";apiToken=" + TOKEN;
    try (D1AvaticaServer server = D1AvaticaServer.start(D1AvaticaServer.config().url(url).port(0));
         URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()},
             ClassLoader.getPlatformClassLoader())) {
      Driver driver = (Driver) Class.forName("io.github.calcited1.remote.D1RemoteDriver", true, loader)
          .getDeclaredConstructor().newInstance();
      try (Connection c = driver.connect("jdbc:d1:remote:url=http://127.0.0.1:" + server.port(), new Properties());
           Statement s = c.createStatement()) {
        assertSame(loader, c.getClass().getClassLoader());
        assertEquals("Cloudflare D1", c.getMetaData().getDatabaseProductName());
        try (ResultSet rs = c.getMetaData().getPrimaryKeys(null, "tags", "tags")) {
          assertTrue(rs.next());
          assertEquals("id", rs.getString("COLUMN_NAME"));
        }
        assertEquals(2, s.executeUpdate("INSERT INTO tags (name) VALUES ('a'), ('b')",
            Statement.RETURN_GENERATED_KEYS));
        List<Long> keys = new ArrayList<>();
        try (ResultSet rs = s.getGeneratedKeys()) {
          while (rs.next()) {
            keys.add(rs.getLong(1));
          }
        }
        assertEquals(List.of(1L, 2L), keys, "SQLite's first rowids");
        c.setAutoCommit(false);
        s.executeUpdate("INSERT INTO tags (name) VALUES ('a')");
        SQLException e = assertThrows(SQLException.class, c::commit);
        assertEquals("23505", e.getSQLState(), e::toString);
        c.rollback();
      }
    }
  }
}
