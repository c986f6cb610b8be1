package io.github.calcited1.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.calcited1.rel.D1Schema;
import io.github.calcited1.server.D1AvaticaServer;
import io.github.calcited1.testing.D1LocalExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.calcite.jdbc.CalciteConnection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API token never appears in anything a run prints or returns: System.out/err (slf4j-simple at TRACE for every
 * logger), exception chains and stack traces, {@code toString()}s, EXPLAIN output, JDBC metadata, thin-client error
 * messages and the Avatica server's raw JSON responses. The token is a distinctive random string so a hit is never
 * a coincidence.
 */
class TokenLeakTest {
  static final String TOKEN = "tok-LEAKCANARY-" + UUID.randomUUID().toString().replace("-", "");
  static final String ACCOUNT = "acc-sec";

  @RegisterExtension static final D1LocalExtension d1 = new D1LocalExtension("shop").withToken(TOKEN);

  @BeforeAll
  static void start() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + d1.databaseFile());
         Statement s = c.createStatement()) {
      s.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
      s.execute("INSERT INTO items VALUES (1, 'one'), (2, 'two')");
    }
  }


  static String url(String base) {
    return "jdbc:d1:database=shop;accountId=" + ACCOUNT + ";baseUrl=" + base + ";apiToken=" + TOKEN;
  }

  /** Everything the scenario printed, returned, or threw, as text. */
  static final class Transcript {
    final StringBuilder text = new StringBuilder();
    int items;

    void add(String what, Object value) {
      items++;
      text.append("== ").append(what).append('\n').append(value).append('\n');
    }

    void add(String what, Throwable t) {
      StringWriter trace = new StringWriter();
      t.printStackTrace(new PrintWriter(trace));
      add(what, trace);
      for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
        add(what + " (message)", c.getMessage());
        add(what + " (toString)", c.toString());
        if (c instanceof SQLException) {
          for (SQLException n = ((SQLException) c).getNextException(); n != null; n = n.getNextException()) {
            add(what + " (next)", n.toString());
          }
        }
        if (c instanceof org.apache.calcite.avatica.AvaticaSqlException) {
          add(what + " (server stack traces)", ((org.apache.calcite.avatica.AvaticaSqlException) c).getStackTraces());
        }
      }
    }
  }

  @Test
  void theTokenAppearsNowhere() throws Exception {
    Transcript t = new Transcript();
    // A first pass creates the loggers; the second runs with every one of them at TRACE.
    scenario(new Transcript());
    Map<Logger, Integer> levels = allLoggersAt(0);
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    // Captured, not passed on: at TRACE the planner alone prints megabytes.
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      scenario(t);
    } finally {
      System.setOut(out);
      System.setErr(err);
      levels.forEach(TokenLeakTest::setLevel);
    }
    String printed = captured.toString(StandardCharsets.UTF_8);
    t.add("System.out and System.err", printed);
    assertTrue(printed.contains("D1 POST") && printed.contains("DEBUG"), "the run logged at DEBUG: " + printed);
    assertTrue(t.text.toString().contains("EnumerableCalc") || t.text.toString().contains("D1ToEnumerable"),
        "EXPLAIN output was captured");
    int at = t.text.indexOf(TOKEN);
    assertEquals(-1, at, () -> "the token leaked: ..." + t.text.substring(Math.max(0, at - 300),
        Math.min(t.text.length(), at + 100)));
    System.out.println("FIGURES security: " + t.items + " outputs checked (" + t.text.length()
        + " characters), token found 0 times");
  }

  private static void scenario(Transcript t) throws Exception {
    String base = d1.baseUrl();
    // jdbc:d1: with the token in the URL, and with the token as a driver property.
    Properties props = new Properties();
    props.setProperty("apiToken", TOKEN);
    String noTokenUrl = "jdbc:d1:database=shop;accountId=" + ACCOUNT + ";baseUrl=" + base;
    for (Connection c : List.of(DriverManager.getConnection(url(base)), DriverManager.getConnection(noTokenUrl,
        props))) {
      try (c; Statement s = c.createStatement()) {
        t.add("connection", c);
        DatabaseMetaData md = c.getMetaData();
        t.add("getURL", md.getURL());
        t.add("getUserName", md.getUserName());
        t.add("client info", c.getClientInfo());
        // Not checked: CalciteConnection.getProperties(), the application's own configuration handed back to it
        // (it holds the schema operand, token included, as the model file does). Avatica never sends it to clients.
        D1Schema schema = c.unwrap(CalciteConnection.class).getRootSchema().getSubSchema("shop")
            .unwrap(D1Schema.class);
        t.add("schema", schema);
        t.add("schema config", schema.config());
        t.add("client config", schema.config().clientConfig());
        t.add("client", schema.client());
        try (ResultSet r = s.executeQuery("EXPLAIN PLAN FOR SELECT name FROM items WHERE id > 0 ORDER BY name")) {
          while (r.next()) {
            t.add("explain", r.getString(1));
          }
        }
        try (ResultSet r = s.executeQuery("EXPLAIN PLAN INCLUDING ALL ATTRIBUTES FOR SELECT * FROM items")) {
          while (r.next()) {
            t.add("explain all attributes", r.getString(1));
          }
        }
        try (ResultSet r = md.getTables(null, null, "%", null)) {
          while (r.next()) {
            t.add("table", r.getString(2) + "." + r.getString(3));
          }
        }
        t.add("no such column", assertThrows(SQLException.class, () -> s.executeQuery("SELECT nope FROM items")));
        c.setAutoCommit(false);
        s.executeUpdate("INSERT INTO items VALUES (1, 'duplicate key')");
        t.add("failed commit", assertThrows(SQLException.class, c::commit));
        c.setAutoCommit(true);
        t.add("failed autocommit", assertThrows(SQLException.class,
            () -> s.executeUpdate("INSERT INTO items VALUES (2, 'duplicate key')")));
      }
    }
    // Failures at connect time: a wrong database, D1 unreachable, a bad operand.
    t.add("wrong database", assertThrows(SQLException.class,
        () -> DriverManager.getConnection(url(base).replace("database=shop", "database=nope")).close()));
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    t.add("unreachable", assertThrows(SQLException.class, () -> DriverManager.getConnection(
        url("http://127.0.0.1:" + port + "/client/v4")).close()));
    t.add("bad operand", assertThrows(SQLException.class,
        () -> DriverManager.getConnection(url(base) + ";pageSize=-1").close()));
    t.add("unknown operand", assertThrows(SQLException.class,
        () -> DriverManager.getConnection(url(base) + ";pagesise=1").close()));
    // The Avatica server, serving a URL that holds the token: thin-client errors and raw JSON responses.
    try (D1AvaticaServer server = D1AvaticaServer.start(D1AvaticaServer.config().url(url(base)).port(0)
        .serialization(org.apache.calcite.avatica.remote.Driver.Serialization.JSON))) {
      Properties thinProps = new Properties();
      thinProps.setProperty("apiToken", "client-supplied");
      try (Connection c = new org.apache.calcite.avatica.remote.Driver().connect(server.clientUrl(), thinProps);
           Statement s = c.createStatement()) {
        t.add("thin getURL", c.getMetaData().getURL());
        t.add("thin product", c.getMetaData().getDatabaseProductName() + " "
            + c.getMetaData().getDatabaseProductVersion() + " " + c.getMetaData().getDriverName());
        try (ResultSet r = s.executeQuery("SELECT count(*) FROM items")) {
          r.next();
          t.add("thin count", r.getLong(1));
        }
        try (ResultSet r = s.executeQuery("EXPLAIN PLAN FOR SELECT * FROM items")) {
          r.next();
          t.add("thin explain", r.getString(1));
        }
        t.add("thin no such table", assertThrows(SQLException.class, () -> s.executeQuery("SELECT * FROM nope")));
        t.add("thin d1 error", assertThrows(SQLException.class,
            () -> s.executeUpdate("INSERT INTO items VALUES (1, 'dup')")));
      }
      HttpClient http = HttpClient.newHttpClient();
      String base2 = "http://127.0.0.1:" + server.port() + "/";
      String conn = "leak-" + UUID.randomUUID();
      for (String request : List.of(
          "{\"request\":\"openConnection\",\"connectionId\":\"" + conn + "\",\"info\":{\"apiToken\":\"x\"}}",
          "{\"request\":\"connectionSync\",\"connectionId\":\"" + conn
              + "\",\"connProps\":{\"connProps\":\"connPropsImpl\",\"autoCommit\":true}}",
          "{\"request\":\"databaseProperties\",\"connectionId\":\"" + conn + "\"}",
          "{\"request\":\"getSchemas\",\"connectionId\":\"" + conn + "\"}",
          "{\"request\":\"createStatement\",\"connectionId\":\"" + conn + "\"}",
          "{\"request\":\"prepareAndExecute\",\"connectionId\":\"" + conn + "\",\"statementId\":1,"
              + "\"sql\":\"SELECT * FROM items WHERE nope = 1\",\"maxRowCount\":-1}",
          "{\"request\":\"prepareAndExecute\",\"connectionId\":\"" + conn + "\",\"statementId\":1,"
              + "\"sql\":\"INSERT INTO items VALUES (2, 'dup')\",\"maxRowCount\":-1}",
          "{\"request\":\"closeConnection\",\"connectionId\":\"" + conn + "\"}")) {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base2))
            .POST(HttpRequest.BodyPublishers.ofString(request)).build(), HttpResponse.BodyHandlers.ofString());
        t.add("avatica raw " + request.substring(0, 40), response.statusCode() + " " + response.body());
      }
    }
  }

  /** Sets every slf4j-simple logger made so far to {@code level}; returns their old levels. */
  @SuppressWarnings("unchecked")
  static Map<Logger, Integer> allLoggersAt(int level) throws ReflectiveOperationException {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    Field map = factory.getClass().getDeclaredField("loggerMap");
    map.setAccessible(true);
    Map<Logger, Integer> old = new HashMap<>();
    for (Logger l : new ArrayList<>(((Map<String, Logger>) map.get(factory)).values())) {
      old.put(l, setLevel(l, level));
    }
    return old;
  }

  static int setLevel(Logger logger, int level) {
    try {
      Field f = logger.getClass().getDeclaredField("currentLogLevel");
      f.setAccessible(true);
      int was = f.getInt(logger);
      f.setInt(logger, level);
      return was;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}
