package io.github.calcited1.testing;

import io.github.calcited1.local.D1LocalServer;
import io.github.calcited1.local.FaultHooks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a d1-local server on a loopback port for one test class, with one database (or more; the first is the one
 * the accessors below mean), in a fresh temporary directory, deleted afterwards. Register it as a static field:
 * <pre>{@literal @}RegisterExtension
 * static final D1LocalExtension D1 = new D1LocalExtension("shop");</pre>
 * A test that needs its own token (e.g. a distinctive one to search output for) adds {@link #withToken(String)}.
 * Data is seeded in the class's {@code @BeforeAll}, which runs after the server has started.
 * It exposes what a test needs to reach the database through D1's REST API ({@link #baseUrl()},
 * {@link #token()}, {@link #accountId()}, {@link #databaseId()}), a Calcite model for it
 * ({@link #model(String, Map)}), and the SQLite file behind it ({@link #sqlite()}), for seeding data and for
 * asking SQLite the same question directly.
 */
public final class D1LocalExtension implements BeforeAllCallback, AfterAllCallback {
  public static final String TOKEN = "test-token";
  public static final String ACCOUNT = "test-account";

  private final String database;
  private final List<String> others;
  private String token = TOKEN;
  private Path dataDir;
  private D1LocalServer server;

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

  /** A new sqlite-jdbc connection to the database's file, bypassing D1. */
  public Connection sqlite() throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + databaseFile());
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

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
