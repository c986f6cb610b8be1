package io.github.calcited1.testing;

import io.github.calcited1.client.D1Client;
import io.github.calcited1.client.D1ClientConfig;
import io.github.calcited1.client.D1Result;
import io.github.calcited1.client.D1Statement;
import io.github.calcited1.local.D1LocalServer;
import io.github.calcited1.local.fault.FaultHooks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The one way calcite-d1's tests start d1-local: a server on a loopback port for one test class, with one database
 * (or more; the first is the one the accessors below mean), in a fresh temporary directory, deleted afterwards.
 * Register it as a static field:
 * <pre>{@literal @}RegisterExtension
 * static final D1LocalExtension D1 = new D1LocalExtension("shop");</pre>
 * A test that needs its own token (e.g. a distinctive one to search output for) adds {@link #withToken(String)}.
 * Data is seeded in the class's {@code @BeforeAll}, which runs after the server has started: through D1
 * ({@link #d1Batch(String...)}, {@link #seed(String, String...)}) or straight into the SQLite file ({@link #sqlite()}).
 * It exposes what a test needs to reach the database through D1's REST API ({@link #baseUrl()},
 * {@link #token()}, {@link #accountId()}, {@link #databaseId()}, {@link #client()}), through calcite-d1's driver
 * ({@link #url(String...)}, {@link #connect(String...)}) or a Calcite model ({@link #model(String, Map)}), and the
 * SQLite file behind it ({@link #sqlite()}, {@link #fileRows(String)}), for asking SQLite the same question
 * directly.
 */
public final class D1LocalExtension implements BeforeAllCallback, AfterAllCallback {
  public static final String TOKEN = "test-token";
  public static final String ACCOUNT = "test-account";

  private final String database;
  private final List<String> others;
  private String token = TOKEN;
  private Path dataDir;
  private D1LocalServer server;
  private D1Client client;

  public D1LocalExtension(String database, String... others) {
    this.database = database;
    this.others = List.of(others);
  }

  /** Serves with this API token instead of {@link #TOKEN}. */
  public D1LocalExtension withToken(String token) {
    this.token = token;
    return this;
  }

  @Override public void beforeAll(ExtensionContext context) throws IOException {
    dataDir = Files.createTempDirectory("d1-local-" + context.getRequiredTestClass().getSimpleName());
    start(0);
  }

  private void start(int port) {
    D1LocalServer.Builder builder = D1LocalServer.builder().port(port).dataDir(dataDir).token(token)
        .database(database);
    others.forEach(builder::database);
    server = builder.build().start();
    client = new D1Client(D1ClientConfig.builder().baseUrl(server.baseUrl()).accountId(ACCOUNT).apiToken(token)
        .build());
  }

  @Override public void afterAll(ExtensionContext context) throws IOException {
    if (server != null) {
      server.close();
    }
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }

  public D1LocalServer server() {
    return server;
  }

  /**
   * Stops the server (its connections close, as when a real server restarts) and starts a new one on the same port
   * over the same files; {@link #server()} is the new one afterwards.
   *
   * @param down how long nothing listens on the port in between
   */
  public void restart(java.time.Duration down) throws InterruptedException {
    int port = server.port();
    server.close();
    Thread.sleep(down.toMillis());
    start(port);
  }

  /** The temporary directory the databases live in (deleted after the class). */
  public Path dataDir() {
    return dataDir;
  }

  public String baseUrl() {
    return server.baseUrl();
  }

  public String token() {
    return token;
  }

  public String accountId() {
    return ACCOUNT;
  }

  /** The database's name, as served. */
  public String database() {
    return database;
  }

  public String databaseId() {
    return server.databaseId(database);
  }

  public Path databaseFile() {
    return server.databaseFile(database);
  }

  /** The server's fault hooks: the next answers fail as real D1 or the network can (docs/d1-local.md). */
  public FaultHooks faults() {
    return server.faults();
  }

  /** Requests the server has received so far. */
  public long requestCount() {
    return server.requestCount();
  }

  /** A D1 REST client for this server (any of its databases), bypassing Calcite. */
  public D1Client client() {
    return client;
  }

  /** Runs one statement on the database through D1's REST API (setup and checks), bypassing Calcite. */
  public D1Result d1(String sql, Object... params) throws SQLException {
    return client.execute(databaseId(), D1Statement.of(sql, params));
  }

  /** Runs statements on the database as one D1 batch (one transaction), bypassing Calcite. */
  public void d1Batch(String... statements) throws SQLException {
    seed(database, statements);
  }

  /** Runs statements on one of this server's databases as one D1 batch (one transaction), bypassing Calcite. */
  public void seed(String databaseName, String... statements) throws SQLException {
    List<D1Statement> batch = new ArrayList<>();
    for (String sql : statements) {
      batch.add(D1Statement.of(sql));
    }
    client.batch(server.databaseId(databaseName), batch);
  }

  /** {@code count(*)} of a table, asked through D1. */
  public long count(String table) throws SQLException {
    return ((Number) d1("SELECT count(*) FROM " + table).rows().get(0)[0]).longValue();
  }

  /** calcite-d1's URL for the database, with any extra {@code key=value} pairs. */
  public String url(String... extra) {
    StringBuilder sb = new StringBuilder("jdbc:d1:database=" + database + ";accountId=" + ACCOUNT + ";baseUrl="
        + baseUrl() + ";apiToken=" + token);
    for (String e : extra) {
      sb.append(';').append(e);
    }
    return sb.toString();
  }

  /** A calcite-d1 connection ({@code jdbc:d1:}) to the database, with any extra {@code key=value} pairs. */
  public Connection connect(String... extra) throws SQLException {
    return DriverManager.getConnection(url(extra));
  }

  /** The body of the last request the server received. */
  public String lastRequestBody() {
    var recorded = server.recordedRequests();
    return recorded.get(recorded.size() - 1).body();
  }

  /** A new sqlite-jdbc connection to the database's file, bypassing D1. */
  public Connection sqlite() throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + databaseFile());
  }

  /**
   * The rows of a query on the database's SQLite file (exact storage classes, 64-bit integers), columns as text
   * joined by "|".
   */
  public List<String> fileRows(String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection f = sqlite(); Statement s = f.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          sb.append(i > 1 ? "|" : "").append(rs.getString(i));
        }
        out.add(sb.toString());
      }
    }
    return out;
  }

  /** The operands that reach this database through calcite-d1's schema factory. */
  public Map<String, Object> operands() {
    Map<String, Object> operands = new LinkedHashMap<>();
    operands.put("baseUrl", baseUrl());
    operands.put("accountId", ACCOUNT);
    operands.put("apiToken", token);
    operands.put("database", database);
    return operands;
  }

  /**
   * An inline Calcite model (for {@code jdbc:calcite:model=inline:…}) with one D1 schema for this database.
   *
   * @param extraOperands added to, or replacing, {@link #operands()}; values are strings, numbers or booleans
   */
  public String model(String schemaName, Map<String, Object> extraOperands) {
    Map<String, Object> operands = operands();
    operands.putAll(extraOperands);
    String json = operands.entrySet().stream()
        .map(e -> quote(e.getKey()) + ": " + (e.getValue() instanceof String s ? quote(s) : e.getValue()))
        .collect(Collectors.joining(", "));
    return "{\"version\": \"1.0\", \"defaultSchema\": " + quote(schemaName) + ", \"schemas\": [{\"name\": "
        + quote(schemaName) + ", \"type\": \"custom\", \"factory\": \"io.github.calcited1.schema.D1SchemaFactory\","
        + " \"operand\": {" + json + "}}]}";
  }

  /**
   * Calcite's own driver ({@code jdbc:calcite:}, Java lexical rules) over {@link #model} of this database: what the
   * tests compare calcite-d1's pushdown against Calcite's evaluation through ({@link CalciteReferenceSchema}).
   */
  public Connection calcite(String schemaName, Map<String, Object> extraOperands) throws SQLException {
    Properties info = new Properties();
    info.put("model", "inline:" + model(schemaName, extraOperands));
    info.put("lex", "JAVA");
    return DriverManager.getConnection("jdbc:calcite:", info);
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
