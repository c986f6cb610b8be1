package io.github.calcited1.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.github.calcited1.shell.DemoData;
import io.github.calcited1.testing.D1LocalExtension;

/**
 * Every shipped model, loaded as shipped and queried against d1-local.
 *
 * <p>Each model runs in its own JVM ({@link ModelRunner}) whose environment holds {@code CLOUDFLARE_ACCOUNT_ID} and
 * the token variable the model names, exactly as a user's shell would. The one change made to a copy of the model
 * is the {@code baseUrl} operand of its D1 schemas (d1-local instead of api.cloudflare.com); the copy keeps the
 * model's directory around it, so relative paths (CSV directory, SQLite file) resolve as they would for a user.
 * Expected rows come from SQLite reading d1-local's database files directly, not from Calcite.
 */
class ModelExamplesTest {
  static final String TOKEN = "examples-token-0123456789";
  static final ObjectMapper JSON = new ObjectMapper().configure(JsonParser.Feature.ALLOW_COMMENTS, true)
      .enable(SerializationFeature.INDENT_OUTPUT);

  @RegisterExtension static final D1LocalExtension D1 = new D1LocalExtension("shop", "support").withToken(TOKEN);
  /** The copies of the examples. */
  @TempDir static Path tmp;

  @BeforeAll static void seed() throws Exception {
    D1.seed("shop", DemoData.d1Statements().toArray(String[]::new));
    D1.seed("support", supportStatements().toArray(String[]::new));
  }

  /** A second D1 database: support tickets of the shop's customers. */
  static List<String> supportStatements() {
    List<String> s = new ArrayList<>();
    s.add("CREATE TABLE tickets (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, opened TEXT NOT NULL, "
        + "subject TEXT NOT NULL, status TEXT NOT NULL)");
    StringBuilder sb = new StringBuilder("INSERT INTO tickets VALUES ");
    String[] subjects = {"Grinder too loud", "Wrong tea delivered", "Où est mon colis ?", "Refund", "Lid broken"};
    for (int i = 1; i <= 300; i++) {
      int customer = 1 + (i * 37) % DemoData.CUSTOMERS;
      String status = i % 3 == 0 ? "closed" : "open";
      sb.append(i > 1 ? ", " : "").append('(').append(i).append(", ").append(customer).append(", '2024-0")
          .append(1 + i % 9).append("-1").append(i % 10).append("', '").append(subjects[i % subjects.length]
              .replace("'", "''")).append("', '").append(status).append("')");
    }
    s.add(sb.toString());
    return s;
  }

  // ---------------------------------------------------------------------------------------------------------------

  @Test void d1Only() throws Exception {
    assertHonest("d1-only");
    Path dir = copy("d1-only");
    List<String> out = run(dir, env("CLOUDFLARE_API_TOKEN"),
        "SELECT COUNT(*) FROM customers",
        "SELECT id, name, email, city, signup_date FROM customers WHERE id <= 25 ORDER BY id");
    List<String> expected = new ArrayList<>();
    expected.add("ROW " + DemoData.CUSTOMERS);
    expected.addAll(sqlite("shop", Map.of(),
        "SELECT id, name, email, city, signup_date FROM customers WHERE id <= 25 ORDER BY id"));
    expected.add("END");
    assertEquals(expected, out);
    assertTrue(out.stream().anyMatch(l -> l.contains("NULL")), "some e-mail or city is NULL in 25 rows");
  }

  @Test void d1OnlyWithoutTokenSaysWhichVariable() throws Exception {
    Path dir = copy("d1-only");
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CLOUDFLARE_ACCOUNT_ID", D1.accountId());
    List<String> out = run(dir, env, "SELECT COUNT(*) FROM customers");
    assertTrue(out.get(0).startsWith("ERROR") && out.get(0).contains("CLOUDFLARE_API_TOKEN"), out.toString());
  }

  @Test void d1WithCsv() throws Exception {
    assertHonest("d1-csv");
    Path dir = copy("d1-csv");
    List<String> out = run(dir, env("CLOUDFLARE_API_TOKEN"),
        "SELECT k.region, COUNT(*) AS customers FROM customers c JOIN files.countries k ON k.code = c.country "
            + "GROUP BY k.region ORDER BY k.region");
    // expected: customers per country from the D1 file, mapped to regions with the CSV read independently
    Map<String, String> region = new LinkedHashMap<>();
    for (String line : Files.readAllLines(dir.resolve("data/countries.csv"), StandardCharsets.UTF_8).subList(1, 16)) {
      String[] f = line.split(",");
      region.put(f[0], f[2]);
    }
    Map<String, Long> perRegion = new TreeMap<>();
    for (String row : sqlite("shop", Map.of(), "SELECT country, COUNT(*) FROM customers GROUP BY country")) {
      String[] f = row.substring(4).split("\\|");
      perRegion.merge(region.get(f[0]), Long.parseLong(f[1]), Long::sum);
    }
    List<String> expected = new ArrayList<>();
    perRegion.forEach((r, n) -> expected.add("ROW " + r + "|" + n));
    expected.add("END");
    assertEquals(expected, out);
  }

  @Test void d1WithJdbc() throws Exception {
    assertHonest("d1-jdbc");
    Path dir = copy("d1-jdbc");
    DemoData.writeInventory(dir.resolve("inventory.db")); // the model's jdbcUrl is relative: jdbc:sqlite:inventory.db
    String sql = "SELECT p.sku, s.warehouse_id, s.on_hand FROM inventory.stock s "
        + "JOIN shop.products p ON p.id = s.product_id WHERE s.on_hand < 8 ORDER BY p.sku, s.warehouse_id";
    List<String> out = run(dir, env("CLOUDFLARE_API_TOKEN"), sql,
        "SELECT COUNT(*) FROM inventory.stock");
    List<String> expected = new ArrayList<>(sqlite("shop", Map.of("inventory", dir.resolve("inventory.db")),
        "SELECT p.sku, s.warehouse_id, s.on_hand FROM inventory.stock s JOIN main.products p ON p.id = s.product_id "
            + "WHERE s.on_hand < 8 ORDER BY p.sku, s.warehouse_id"));
    expected.add("ROW " + DemoData.PRODUCTS * 3);
    expected.add("END");
    assertTrue(expected.size() > 3, "the fixture has low-stock rows");
    assertEquals(expected, out);
  }

  @Test void twoD1Databases() throws Exception {
    assertHonest("two-d1");
    Path dir = copy("two-d1");
    List<String> out = run(dir, env("CLOUDFLARE_API_TOKEN"),
        "SELECT c.id, c.name, COUNT(*) AS open_tickets FROM support.tickets t "
            + "JOIN shop.customers c ON c.id = t.customer_id WHERE t.status = 'open' "
            + "GROUP BY c.id, c.name ORDER BY open_tickets DESC, c.id LIMIT 10");
    List<String> expected = new ArrayList<>(sqlite("shop", Map.of("support", dbFile("support")),
        "SELECT c.id, c.name, COUNT(*) AS open_tickets FROM support.tickets t JOIN main.customers c "
            + "ON c.id = t.customer_id WHERE t.status = 'open' GROUP BY c.id, c.name "
            + "ORDER BY open_tickets DESC, c.id LIMIT 10"));
    expected.add("END");
    assertEquals(expected, out);
  }

  @Test void readOnlyAnalytics() throws Exception {
    assertHonest("analytics-readonly");
    Path dir = copy("analytics-readonly");
    List<String> out = run(dir, env("CLOUDFLARE_D1_READ_TOKEN"),
        "SELECT order_month, orders, revenue FROM monthly_revenue ORDER BY order_month",
        "SELECT id, name, orders, spent FROM customer_value ORDER BY spent DESC, id LIMIT 5",
        "INSERT INTO shop.customers (id, name, country, signup_date, vip)"
            + " VALUES (9999, 'Nobody', 'DE', '2024-01-01', 0)",
        "SELECT COUNT(*) FROM shop.customers");
    List<String> months = sqlite("shop", Map.of(),
        "SELECT substr(o.order_date, 1, 7), COUNT(DISTINCT o.id), ROUND(SUM(l.quantity * l.unit_price), 2) "
            + "FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.status <> 'cancelled' "
            + "GROUP BY substr(o.order_date, 1, 7) ORDER BY 1");
    List<String> top = sqlite("shop", Map.of(),
        "SELECT c.id, c.name, COUNT(DISTINCT o.id), ROUND(SUM(l.quantity * l.unit_price), 2) AS spent "
            + "FROM customers c JOIN orders o ON o.customer_id = c.id JOIN order_lines l ON l.order_id = o.id "
            + "WHERE o.status <> 'cancelled' GROUP BY c.id, c.name ORDER BY spent DESC, c.id LIMIT 5");
    assertEquals(months.size() + 5 + 2 + 1, out.size(), () -> "output: " + out);
    assertTrue(months.size() > 12, "several months of orders");
    assertRowsClose(months, out.subList(0, months.size()));
    assertRowsClose(top, out.subList(months.size(), months.size() + 5));
    String insert = out.get(months.size() + 5);
    assertTrue(insert.startsWith("ERROR") && insert.toLowerCase().contains("read"), insert);
    assertEquals("ROW " + DemoData.CUSTOMERS, out.get(months.size() + 6));
  }

  // ---------------------------------------------------------------------------------------------------------------

  /** The shipped model holds no secret and no endpoint: those come from the environment. */
  static void assertHonest(String example) throws IOException {
    String text = Files.readString(Paths.get(example, "model.json"));
    assertFalse(text.contains("\"apiToken\""), example + " must not contain a token");
    assertFalse(text.contains("\"accountId\""), example + " must take the account from the environment");
    assertFalse(text.contains("\"baseUrl\""), example + " must talk to Cloudflare by default");
  }

  static Map<String, String> env(String tokenVariable) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CLOUDFLARE_ACCOUNT_ID", D1.accountId());
    env.put(tokenVariable, TOKEN);
    return env;
  }

  static Path dbFile(String database) {
    return D1.server().databaseFile(database);
  }

  /** Copies the example directory and points the copy's D1 schemas at d1-local. */
  static Path copy(String example) throws IOException {
    Path src = Paths.get(example).toAbsolutePath();
    Path dst = Files.createTempDirectory(tmp, example + "-");
    try (Stream<Path> files = Files.walk(src)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path t = dst.resolve(src.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
    Path model = dst.resolve("model.json");
    JsonNode root = JSON.readTree(model.toFile());
    for (JsonNode schema : root.path("schemas")) {
      if ("io.github.calcited1.schema.D1SchemaFactory".equals(schema.path("factory").asText())) {
        ((ObjectNode) schema.path("operand")).put("baseUrl", D1.baseUrl());
      }
    }
    JSON.writeValue(model.toFile(), root);
    return dst;
  }

  /** Runs the model in a child JVM whose working directory is the example's copy. */
  static List<String> run(Path dir, Map<String, String> env, String... sql) throws Exception {
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classPath, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", ModelRunner.class.getName(),
        "jdbc:d1:model=" + dir.resolve("model.json")));
    cmd.addAll(List.of(sql));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(false)
        .redirectError(dir.resolve("stderr.txt").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("CLOUDFLARE_"));
    pb.environment().putAll(env);
    Process p = pb.start();
    byte[] bytes = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM finished");
    List<String> lines = new ArrayList<>(List.of(new String(bytes, StandardCharsets.UTF_8).split("\n")));
    lines.removeIf(String::isBlank);
    if (lines.isEmpty() || !lines.get(lines.size() - 1).equals("END")) {
      throw new AssertionError("child JVM failed: " + lines + "\n" + Files.readString(dir.resolve("stderr.txt")));
    }
    return lines;
  }

  /** Rows of a query SQLite runs on d1-local's file of {@code database}, with other files attached. */
  static List<String> sqlite(String database, Map<String, Path> attach, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbFile(database));
         Statement s = c.createStatement()) {
      for (Map.Entry<String, Path> a : attach.entrySet()) {
        s.execute("ATTACH DATABASE '" + a.getValue() + "' AS " + a.getKey());
      }
      List<String> rows = new ArrayList<>();
      try (ResultSet rs = s.executeQuery(sql)) {
        ResultSetMetaData md = rs.getMetaData();
        while (rs.next()) {
          StringBuilder sb = new StringBuilder("ROW ");
          for (int k = 1; k <= md.getColumnCount(); k++) {
            Object v = rs.getObject(k);
            sb.append(k > 1 ? "|" : "").append(v == null ? "NULL" : v.toString());
          }
          rows.add(sb.toString());
        }
      }
      return rows;
    }
  }

  /** Same rows; numbers compared to within a cent (sums of REALs may be added in another order). */
  static void assertRowsClose(List<String> expected, List<String> actual) {
    assertEquals(expected.size(), actual.size(), () -> expected + " vs " + actual);
    for (int i = 0; i < expected.size(); i++) {
      String[] e = expected.get(i).split("\\|");
      String[] a = actual.get(i).split("\\|");
      assertEquals(e.length, a.length, actual.get(i));
      for (int k = 0; k < e.length; k++) {
        if (!e[k].equals(a[k])) {
          double x = Double.parseDouble(e[k].replace("ROW ", ""));
          double y = Double.parseDouble(a[k].replace("ROW ", ""));
          assertEquals(x, y, 0.011, () -> expected + " vs " + actual);
        }
      }
    }
  }
}
