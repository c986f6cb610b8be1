package io.github.calcited1.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.calcited1.server.D1AvaticaServer;
import io.github.calcited1.testing.D1LocalExtension;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.calcite.avatica.remote.Driver.Serialization;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code calcite-d1 serve} from an attacker's side (complements server/D1AvaticaServerTest, which covers a wrong
 * password and class-naming properties): with authentication on, a request without credentials or with an unknown
 * user is refused before it reaches a connection; client-supplied properties cannot point the server's D1 traffic
 * (and its token) somewhere else or swap the model.
 */
class AvaticaAccessTest {
  static final String TOKEN = "tok-serve-access";

  @RegisterExtension static final D1LocalExtension d1 = new D1LocalExtension("shop").withToken(TOKEN);
  static String url;

  @BeforeAll
  static void start() throws Exception {
    d1.d1Batch("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)",
        "INSERT INTO items VALUES (1, 'one'), (2, 'two')");
    url = d1.url();
  }

  static Connection thin(D1AvaticaServer server, Properties props) throws SQLException {
    return new org.apache.calcite.avatica.remote.Driver().connect(server.clientUrl(), props);
  }

  @Test
  void withAuthenticationOnNobodyElseGetsIn() throws Exception {
    try (D1AvaticaServer server = D1AvaticaServer.start(D1AvaticaServer.config().url(url).port(0)
        .serialization(Serialization.JSON).basicAuth("analyst", "s3cret"))) {
      long before = d1.requestCount();
      HttpClient http = HttpClient.newHttpClient();
      String open = "{\"request\":\"openConnection\",\"connectionId\":\"x1\",\"info\":{}}";
      String query = "{\"request\":\"prepareAndExecute\",\"connectionId\":\"x1\",\"statementId\":1,"
          + "\"sql\":\"DELETE FROM items\",\"maxRowCount\":-1}";
      URI uri = URI.create("http://127.0.0.1:" + server.port() + "/");
      for (String authorization : new String[] {null, basic("analyst", ""), basic("root", "s3cret"),
          basic("analyst", "S3CRET"), "Bearer " + TOKEN}) {
        for (String body : new String[] {open, query}) {
          HttpRequest.Builder b = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body));
          if (authorization != null) {
            b.header("Authorization", authorization);
          }
          HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
          assertEquals(401, r.statusCode(), authorization + " " + body + ": " + r.body());
          assertFalse(r.body().contains("items") || r.body().contains("shop"), r.body());
        }
      }
      // The thin client without credentials, and with a wrong user.
      assertThrows(Exception.class, () -> {
        try (Connection c = thin(server, new Properties()); Statement s = c.createStatement()) {
          s.executeQuery("SELECT count(*) FROM items").close();
        }
      });
      Properties wrongUser = new Properties();
      wrongUser.setProperty("avatica_user", "root");
      wrongUser.setProperty("avatica_password", "s3cret");
      assertThrows(Exception.class, () -> {
        try (Connection c = thin(server, wrongUser); Statement s = c.createStatement()) {
          s.executeUpdate("DELETE FROM items");
        }
      });
      assertEquals(before, d1.requestCount(), "no refused request reached D1");
      Properties right = new Properties();
      right.setProperty("avatica_user", "analyst");
      right.setProperty("avatica_password", "s3cret");
      try (Connection c = thin(server, right); Statement s = c.createStatement();
           ResultSet r = s.executeQuery("SELECT count(*) FROM items")) {
        assertTrue(r.next());
        assertEquals(2, r.getLong(1), "nothing was deleted by the refused requests");
      }
    }
  }

  /** A client naming another D1 endpoint, token, database or model changes nothing: its properties are dropped. */
  @Test
  void clientPropertiesCannotRedirectD1Traffic() throws Exception {
    AtomicInteger stolen = new AtomicInteger();
    try (ServerSocket trap = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread catcher = new Thread(() -> {
        while (!trap.isClosed()) {
          try (Socket s = trap.accept()) {
            stolen.incrementAndGet();
          } catch (Exception e) {
            return;
          }
        }
      });
      catcher.setDaemon(true);
      catcher.start();
      String trapUrl = "http://127.0.0.1:" + trap.getLocalPort() + "/client/v4";
      try (D1AvaticaServer server = D1AvaticaServer.start(D1AvaticaServer.config().url(url).port(0))) {
        Properties evil = new Properties();
        evil.setProperty("baseUrl", trapUrl);
        evil.setProperty("apiToken", "attacker-token");
        evil.setProperty("apiTokenEnv", "HOME");
        evil.setProperty("database", "other");
        evil.setProperty("accountId", "attacker");
        evil.setProperty("readOnly", "false");
        evil.setProperty("model", "inline:{\"version\":\"1.0\",\"defaultSchema\":\"x\",\"schemas\":[{\"name\":\"x\","
            + "\"type\":\"custom\",\"factory\":\"io.github.calcited1.schema.D1SchemaFactory\",\"operand\":{"
            + "\"database\":\"shop\",\"accountId\":\"a\",\"apiToken\":\"t\",\"baseUrl\":\"" + trapUrl + "\"}}]}");
        evil.setProperty("schemaFactory", "io.github.calcited1.schema.D1SchemaFactory");
        try (Connection c = thin(server, evil); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM items")) {
          assertTrue(r.next());
          assertEquals(2, r.getLong(1));
        }
      }
    }
    assertEquals(0, stolen.get(), "no connection reached the address the client named");
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes());
  }
}
