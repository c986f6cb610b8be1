package io.github.calcited1.shell;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.github.calcited1.local.D1LocalServer;

/**
 * The {@code --demo} world, all in one temporary directory: d1-local on a free loopback port serving the D1
 * database {@code shop}, a CSV directory for Calcite's file adapter, a SQLite file for Calcite's JDBC adapter, and
 * {@code demo-model.json}, which federates the three as schemas {@code shop}, {@code files} and {@code inventory}.
 */
public final class Demo implements AutoCloseable {
  /** As long as a Cloudflare token (40 characters), so the shell does not warn about a short one. */
  public static final String TOKEN = "demo-token-for-d1-local-not-a-secret-000";
  public static final String DATABASE = "shop";

  /** Three queries to try; the second is the federated join the README runs with {@code -e}. */
  public static final String QUERY_TOP_PRODUCTS =
      "SELECT p.name, SUM(l.quantity) AS units, ROUND(SUM(l.quantity * l.unit_price), 2) AS revenue\n"
      + "FROM order_lines l JOIN products p ON p.id = l.product_id\n"
      + "GROUP BY p.name ORDER BY revenue DESC LIMIT 5;";
  public static final String QUERY_FEDERATED =
      "SELECT k.region, COUNT(*) AS customers FROM shop.customers c "
      + "JOIN files.countries k ON k.code = c.country GROUP BY k.region ORDER BY k.region;";
  public static final String QUERY_LOW_STOCK =
      "SELECT p.sku, p.name, w.name AS warehouse, s.on_hand, s.reorder_level\n"
      + "FROM inventory.stock s JOIN inventory.warehouses w ON w.id = s.warehouse_id\n"
      + "JOIN shop.products p ON p.id = s.product_id\n"
      + "WHERE s.on_hand < s.reorder_level AND p.discontinued = 0 ORDER BY s.on_hand, p.sku LIMIT 10;";

  private final Path dir;
  private final boolean deleteOnClose;
  private final D1LocalServer server;
  private final Path model;

  private Demo(Path dir, boolean deleteOnClose, D1LocalServer server, Path model) {
    this.dir = dir;
    this.deleteOnClose = deleteOnClose;
    this.server = server;
    this.model = model;
  }

  /** Starts the demo in a fresh temporary directory, deleted again by {@link #close()}. */
  public static Demo start() throws Exception {
    return start(Files.createTempDirectory("d1-demo-"), true);
  }

  public static Demo start(Path dir, boolean deleteOnClose) throws Exception {
    Path d1Data = Files.createDirectories(dir.resolve("d1"));
    Path csvDir = dir.resolve("csv");
    DemoData.writeCsv(csvDir);
    Path inventory = DemoData.writeInventory(dir.resolve("inventory.db"));
    D1LocalServer server = D1LocalServer.builder().port(0).dataDir(d1Data).token(TOKEN).database(DATABASE).build();
    server.start();
    try {
      DemoLoader.load(server, TOKEN, DATABASE, DemoData.d1Statements());
      Path model = dir.resolve("demo-model.json");
      Files.writeString(model, modelJson(server, csvDir, inventory), StandardCharsets.UTF_8);
      return new Demo(dir, deleteOnClose, server, model);
    } catch (Exception | Error e) {
      server.close();
      throw e;
    }
  }

  static String modelJson(D1LocalServer server, Path csvDir, Path inventory) throws IOException {
    Map<String, Object> shop = new LinkedHashMap<>();
    shop.put("name", "shop");
    shop.put("type", "custom");
    shop.put("factory", "io.github.calcited1.schema.D1SchemaFactory");
    Map<String, Object> shopOperand = new LinkedHashMap<>();
    shopOperand.put("accountId", DemoLoader.ACCOUNT_ID);
    shopOperand.put("database", DATABASE);
    shopOperand.put("apiToken", TOKEN);
    shopOperand.put("baseUrl", server.baseUrl());
    shop.put("operand", shopOperand);

    Map<String, Object> files = new LinkedHashMap<>();
    files.put("name", "files");
    files.put("type", "custom");
    files.put("factory", "org.apache.calcite.adapter.file.FileSchemaFactory");
    files.put("operand", Map.of("directory", csvDir.toAbsolutePath().toString()));

    Map<String, Object> inv = new LinkedHashMap<>();
    inv.put("name", "inventory");
    inv.put("type", "custom");
    inv.put("factory", "org.apache.calcite.adapter.jdbc.JdbcSchema$Factory");
    Map<String, Object> invOperand = new LinkedHashMap<>();
    invOperand.put("jdbcUrl", "jdbc:sqlite:" + inventory.toAbsolutePath());
    invOperand.put("jdbcDriver", "org.sqlite.JDBC");
    invOperand.put("sqlDialectFactory", "io.github.calcited1.federation.SqliteDialectFactory");
    inv.put("operand", invOperand);

    Map<String, Object> root = new LinkedHashMap<>();
    root.put("version", "1.0");
    root.put("defaultSchema", "shop");
    root.put("schemas", List.of(shop, files, inv));
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
  }

  public Path model() {
    return model;
  }

  public Path dir() {
    return dir;
  }

  public D1LocalServer server() {
    return server;
  }

  /** What is there and what to try. */
  public String banner() {
    return String.join("\n",
        "",
        "calcite-d1 demo: Apache Calcite over Cloudflare D1 (here: d1-local, the offline D1, at " + server.baseUrl()
            + ")",
        "",
        "  shop       D1 database 'shop'      customers (" + DemoData.CUSTOMERS + "), products ("
            + DemoData.PRODUCTS + "), orders (" + DemoData.ORDERS + "), order_lines (~4,500)",
        "  files      CSV directory           countries (code, name, region, currency, vat_rate)",
        "  inventory  SQLite via JDBC adapter warehouses, stock (product_id, warehouse_id, on_hand, reorder_level)",
        "",
        "Try:",
        "  -- best sellers (runs as one query inside D1)",
        "  " + QUERY_TOP_PRODUCTS.replace("\n", "\n  "),
        "  -- federated: D1 joined with a CSV file",
        "  " + QUERY_FEDERATED,
        "  -- federated: SQLite inventory joined with D1 products",
        "  " + QUERY_LOW_STOCK.replace("\n", "\n  "),
        "",
        "  !tables   !columns customers   !describe orders   !help",
        "  !autocommit off, then INSERT/UPDATE/DELETE, then !commit or !rollback (writes go to D1 on commit)",
        "  -- attach a D1 database at run time (here: the demo's own, a second time), and detach it",
        "  CREATE FOREIGN SCHEMA shop2 LIBRARY 'io.github.calcited1.schema.D1SchemaFactory'"
            + " OPTIONS (\"database\" 'shop',",
        "      \"baseUrl\" '" + server.baseUrl() + "', \"accountId\" '" + DemoLoader.ACCOUNT_ID
            + "', \"apiToken\" '" + TOKEN + "');",
        "  DROP SCHEMA shop2;",
        "  -- DDL goes to D1 at once; native SQLite (FTS5, JSON, window functions) through d1_query (docs/ddl.md)",
        "  CREATE TABLE notes (id INTEGER NOT NULL, body VARCHAR(200), PRIMARY KEY (id));"
            + "  CREATE INDEX notes_body ON notes (body);",
        "  SELECT * FROM TABLE(d1_query('SELECT id, json_object(''n'', name) AS j FROM customers LIMIT 3',"
            + " 'id INTEGER, j TEXT'));",
        "  SELECT name, database_id FROM TABLE(d1_databases());",
        "",
        "Files in " + dir + " (deleted on exit).  !quit to leave.",
        "");
  }

  @Override public void close() {
    server.close();
    if (deleteOnClose) {
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> {
          try {
            Files.deleteIfExists(p);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
      } catch (IOException | UncheckedIOException e) {
        // best effort
      }
    }
  }
}
