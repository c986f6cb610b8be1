package io.github.calcited1.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shell as a user and a script use it: {@code --demo -e}, DDL attach/detach, transactions, metadata commands. */
class D1ShellTest {
  @TempDir static Path tmp;
  static Demo demo;

  @BeforeAll static void startDemo() throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    demo = Demo.start(Files.createDirectories(tmp.resolve("demo")), false);
  }

  @AfterAll static void stopDemo() {
    if (demo != null) {
      demo.close();
    }
  }

  record Run(int status, String out, String err) {
  }

  static Run shell(String input, String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = D1Shell.run(args,
        input == null ? null : new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Data rows of sqlline's table output ({@code | a | b |} becomes {@code a|b}); header rows left out. */
  static List<String> rows(String table) {
    List<String> rows = new ArrayList<>();
    String[] lines = table.split("\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (!line.startsWith("|")) {
        continue;
      }
      boolean header = i > 0 && lines[i - 1].startsWith("+") && (i < 2 || !lines[i - 2].startsWith("|"));
      if (header) {
        continue;
      }
      String[] cells = line.substring(1, line.length() - 1).split("\\|");
      StringBuilder sb = new StringBuilder();
      for (int k = 0; k < cells.length; k++) {
        sb.append(k > 0 ? "|" : "").append(cells[k].trim());
      }
      rows.add(sb.toString());
    }
    return rows;
  }

  /** Expected answer of the README's federated join, computed by plain SQLite from the generator's statements. */
  static List<String> expectedRegions() throws Exception {
    Map<String, String> region = new TreeMap<>();
    for (String[] c : DemoData.COUNTRIES) {
      region.put(c[0], c[2]);
    }
    Map<String, Long> perRegion = new TreeMap<>();
    try (Connection c = new org.sqlite.JDBC().connect("jdbc:sqlite::memory:", new java.util.Properties());
         Statement s = c.createStatement()) {
      for (String sql : DemoData.d1Statements()) {
        s.execute(sql);
      }
      try (ResultSet rs = s.executeQuery("SELECT country, COUNT(*) FROM customers GROUP BY country")) {
        while (rs.next()) {
          perRegion.merge(region.get(rs.getString(1)), rs.getLong(2), Long::sum);
        }
      }
    }
    List<String> rows = new ArrayList<>();
    perRegion.forEach((r, n) -> rows.add(r + "|" + n));
    return rows;
  }

  @Test void demoFederatedJoinWithDashE() throws Exception {
    Run r = shell(null, "--demo", "-e", Demo.QUERY_FEDERATED);
    assertEquals(0, r.status(), r.err());
    assertEquals(expectedRegions(), rows(r.out()));
    assertTrue(r.out().startsWith("+"), "only the result on stdout: " + r.out());
  }

  @Test void bannerQueriesRun() throws Exception {
    Run r = shell(null, "--model", demo.model().toString(), "-e", Demo.QUERY_TOP_PRODUCTS, "-e", Demo.QUERY_LOW_STOCK);
    assertEquals(0, r.status(), r.err());
    List<String> rows = rows(r.out());
    assertTrue(rows.size() >= 6, r.out());
    assertTrue(r.out().contains(" sku "), r.out());
    // the best sellers, as plain SQLite computes them from the generator's statements
    List<String> expected = new ArrayList<>();
    try (Connection c = new org.sqlite.JDBC().connect("jdbc:sqlite::memory:", new java.util.Properties());
         Statement s = c.createStatement()) {
      for (String sql : DemoData.d1Statements()) {
        s.execute(sql);
      }
      try (ResultSet rs = s.executeQuery("SELECT p.name, SUM(l.quantity), SUM(l.quantity * l.unit_price) AS revenue "
          + "FROM order_lines l JOIN products p ON p.id = l.product_id"
          + " GROUP BY p.name ORDER BY revenue DESC LIMIT 5")) {
        while (rs.next()) {
          expected.add(rs.getString(1) + "|" + rs.getLong(2) + "|" + Math.round(rs.getDouble(3) * 100) / 100.0);
        }
      }
    }
    List<String> actual = new ArrayList<>();
    for (String row : rows.subList(0, 5)) {
      String[] f = row.split("\\|");
      actual.add(f[0] + "|" + f[1] + "|" + Double.parseDouble(f[2]));
    }
    assertEquals(expected, actual);
  }

  @Test void failedStatementStopsTheRunAndExitsWithTwo() throws Exception {
    Run r = shell(null, "--model", demo.model().toString(), "-e", "SELECT * FROM no_such_table",
        "-e", "SELECT 'not reached' AS x");
    assertEquals(2, r.status());
    assertTrue(r.err().contains("no_such_table"), r.err());
    assertFalse(r.out().contains("not reached"), r.out());
  }

  @Test void scriptFileStopsAtTheFirstFailure() throws Exception {
    Path script = tmp.resolve("script.sql");
    Files.writeString(script,
        "SELECT COUNT(*) AS n FROM customers;\nSELECT * FROM nope;\nSELECT 'not reached' AS x;\n");
    Run r = shell(null, "--model", demo.model().toString(), "-f", script.toString());
    assertEquals(2, r.status());
    assertEquals(List.of(String.valueOf(DemoData.CUSTOMERS)), rows(r.out()));
    assertTrue(r.err().contains("nope"), r.err());
  }

  @Test void badArguments() throws Exception {
    assertEquals(1, shell(null, "--model").status());
    assertEquals(1, shell(null, "--model", tmp.resolve("missing.json").toString()).status());
    assertEquals(0, shell(null, "--help").status());
  }

  @Test void attachAndDetachD1AtRunTime() throws Exception {
    String attach = "CREATE FOREIGN SCHEMA shop2 LIBRARY 'io.github.calcited1.schema.D1SchemaFactory' OPTIONS ("
        + "\"database\" 'shop', \"accountId\" '" + DemoLoader.ACCOUNT_ID + "', \"apiToken\" '" + Demo.TOKEN + "', "
        + "\"baseUrl\" '" + demo.server().baseUrl() + "')";
    Run r = shell(null, "--model", demo.model().toString(),
        "-e", attach,
        "-e", "SELECT COUNT(*) AS n FROM shop2.customers",
        "-e", "DROP SCHEMA shop2",
        "-e", "SELECT COUNT(*) AS n FROM shop2.products");
    assertEquals(List.of(String.valueOf(DemoData.CUSTOMERS)), rows(r.out()));
    assertEquals(2, r.status(), "the last query fails: shop2 is detached");
    assertTrue(r.err().contains("shop2"), r.err());
  }

  @Test void ddlAndNativeSqlOnD1() throws Exception {
    Run r = shell(null, "--model", demo.model().toString(),
        "-e", "CREATE TABLE shell_notes (id INTEGER NOT NULL, body VARCHAR(200) DEFAULT 'x', PRIMARY KEY (id))",
        "-e", "CREATE INDEX shell_notes_body ON shell_notes (body)",
        "-e", "INSERT INTO shell_notes (id) VALUES (1)",
        "-e", "ALTER TABLE shell_notes ADD COLUMN n INTEGER",
        "-e",
        "SELECT * FROM TABLE(d1_query('SELECT id, body, n FROM shell_notes', 'id INTEGER, body TEXT, n INTEGER'))",
        "-e", "SELECT name FROM TABLE(d1_databases())",
        "-e", "DROP TABLE shell_notes");
    assertEquals(0, r.status(), r.out() + r.err());
    assertEquals(List.of("1|x|NULL", "shop"), rows(r.out()));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + demo.server().databaseFile("shop"));
         Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_master WHERE name LIKE 'shell_notes%'")) {
      rs.next();
      assertEquals(0, rs.getInt(1), "the table and its index were created, then dropped, in D1");
    }
  }

  @Test void transactionsWithAutocommitOffCommitAndRollback() throws Exception {
    Run r = shell(null, "--model", demo.model().toString(),
        "-e", "!autocommit off",
        "-e", "INSERT INTO products (id, sku, name, category, price, discontinued)"
            + " VALUES (901, 'TMP-1', 'Rolled back', 'Tea', 1.5, 0)",
        "-e", "!rollback",
        "-e", "SELECT COUNT(*) AS n FROM products WHERE id > 900",
        "-e", "INSERT INTO products (id, sku, name, category, price, discontinued)"
            + " VALUES (902, 'TMP-2', 'Committed', 'Tea', 2.5, 0)",
        "-e", "!commit",
        "-e", "SELECT name FROM products WHERE id > 900");
    assertEquals(0, r.status(), r.out() + r.err());
    assertEquals(List.of("0", "Committed"), rows(r.out()));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + demo.server().databaseFile("shop"));
         Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM products WHERE id > 900")) {
      rs.next();
      assertEquals(1, rs.getInt(1), "exactly the committed row reached D1");
    }
  }

  @Test void interactiveMetadataCommands() throws Exception {
    Run r = shell("!tables\n!columns order_lines\n!quit\n", "--model", demo.model().toString(), "--color=false");
    assertEquals(0, r.status(), r.err());
    for (String t : List.of("customers", "products", "orders", "order_lines", "countries", "warehouses", "stock")) {
      assertTrue(r.out().contains(t), t + " listed: " + r.out());
    }
    assertTrue(r.out().contains("unit_price"), r.out());
    // the SQLite file's internal objects and Calcite's own metadata schema are not the user's tables
    for (String internal : List.of("sqlite_autoindex", "sqlite_schema", "sqlite_master", "SYSTEM TABLE", "metadata")) {
      assertFalse(r.out().contains(internal), internal + " listed: " + r.out());
    }
  }

  /**
   * The token of a {@code !connect} URL reaches neither the history file (owner-only, also when it existed before as
   * 0644) nor {@code !list} nor sqlline's "Connecting to" line; the connection works and ordinary lines are kept.
   */
  @Test void tokenStaysOutOfHistoryAndListing() throws Exception {
    Path home = Files.createDirectories(tmp.resolve("home"));
    Path history = Files.createDirectories(home.resolve(".calcite-d1")).resolve("history");
    Files.writeString(history, "SELECT 'older';\n");
    Files.setPosixFilePermissions(history, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    String url = "jdbc:d1:database=" + Demo.DATABASE + ";accountId=" + DemoLoader.ACCOUNT_ID + ";baseUrl="
        + demo.server().baseUrl() + ";apiToken=" + Demo.TOKEN;
    String userHome = System.getProperty("user.home");
    System.setProperty("user.home", home.toString());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status;
    try {
      status = D1Shell.run(new String[] {"--color=false"}, new ByteArrayInputStream(("!connect " + url
              + "\nSELECT COUNT(*) AS n FROM customers WHERE id <= 3;\n!list\n  !open " + url + "\n!quit\n")
              .getBytes(StandardCharsets.UTF_8)),
          new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), true);
    } finally {
      System.setProperty("user.home", userHome);
    }
    String all = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    assertEquals(0, status, all);
    assertTrue(all.contains("active connection"), all);
    assertTrue(rows(out.toString(StandardCharsets.UTF_8)).contains("3"), all);
    String shown = all.replace("!connect " + url, "").replace("!open " + url, ""); // the terminal's echo of the input
    assertFalse(shown.contains(Demo.TOKEN), all);
    String saved = Files.readString(history);
    assertTrue(saved.contains("SELECT COUNT(*) AS n FROM customers WHERE id <= 3;") && saved.contains("!list"), saved);
    assertFalse(saved.contains(Demo.TOKEN) || saved.contains("!connect") || saved.contains("!open"), saved);
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(history)));
    assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(history.getParent())));
  }

  @Test void connectLineTokenBecomesAProperty() {
    assertEquals("!connect -p apiToken t0k jdbc:d1:database=shop;accountId=a",
        D1ShellApplication.tokenAsProperty("!connect jdbc:d1:database=shop;apiToken=t0k;accountId=a"));
    assertEquals("!connect -p apiToken t0k jdbc:d1:database=shop user pw",
        D1ShellApplication.tokenAsProperty("!connect jdbc:d1:database=shop;APITOKEN = t0k user pw"));
    assertEquals("connect -p apiToken t0k jdbc:d1:database=shop", // as sqlline's dispatch passes it
        D1ShellApplication.tokenAsProperty("connect jdbc:d1:database=shop;apiToken=t0k"));
    assertEquals("!open -p apiToken t0k jdbc:d1:database=shop",
        D1ShellApplication.tokenAsProperty("!open jdbc:d1:apiToken=t0k;database=shop"));
    assertEquals("!connect jdbc:d1:database=shop;apiTokenEnv=MY_TOKEN",
        D1ShellApplication.tokenAsProperty("!connect jdbc:d1:database=shop;apiTokenEnv=MY_TOKEN"));
  }

  @Test void connectStrings() {
    assertEquals("jdbc:d1:model=/a/b.json;parserFactory=io.github.calcited1.shell.ShellDdl#PARSER_FACTORY",
        D1Shell.connectString("/a/b.json", true));
    assertEquals("jdbc:d1:model='/a b/c;d.json'", D1Shell.connectString("/a b/c;d.json", false));
  }
}
