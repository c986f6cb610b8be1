package io.github.calcited1.write;

import io.github.calcited1.client.D1Client;
import io.github.calcited1.client.D1ClientConfig;
import io.github.calcited1.client.D1Result;
import io.github.calcited1.client.D1Statement;
import io.github.calcited1.local.D1LocalServer;
import io.github.calcited1.testing.D1LocalExtension;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The write-path tests' d1-local: {@link D1LocalExtension} with the databases "shop" and "other", plus a client and
 * helpers. Register it once per test class; it starts before the class's {@code @BeforeAll} methods, so they can
 * seed data:
 * <pre>{@literal @}RegisterExtension
 * static final D1Fixture d1 = new D1Fixture();</pre>
 */
public final class D1Fixture implements BeforeAllCallback, AfterAllCallback {
  public static final String TOKEN = D1LocalExtension.TOKEN;
  public static final String ACCOUNT = D1LocalExtension.ACCOUNT;

  private final D1LocalExtension local = new D1LocalExtension("shop", "other");
  public D1LocalServer server;
  public D1Client client;
  public Path dir;

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    local.beforeAll(context);
    server = local.server();
    dir = local.dataDir();
    client = new D1Client(D1ClientConfig.builder().baseUrl(server.baseUrl()).accountId(ACCOUNT)
        .apiToken(TOKEN).build());
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    local.afterAll(context);
  }

  /** Restarts d1-local on the same port over the same files ({@link D1LocalExtension#restart}). */
  public void restart(java.time.Duration down) throws InterruptedException {
    local.restart(down);
    server = local.server();
  }

  /** The one-database URL, with any extra {@code key=value} pairs. */
  public String url(String... extra) {
    StringBuilder sb = new StringBuilder("jdbc:d1:database=shop;accountId=" + ACCOUNT + ";baseUrl="
        + server.baseUrl() + ";apiToken=" + TOKEN);
    for (String e : extra) {
      sb.append(';').append(e);
    }
    return sb.toString();
  }

  public Connection connect(String... extra) throws SQLException {
    return DriverManager.getConnection(url(extra));
  }

  /** Runs SQL directly against D1 (setup and checks), bypassing Calcite. */
  public D1Result d1(String sql, Object... params) throws SQLException {
    return client.execute(server.databaseId("shop"), D1Statement.of(sql, params));
  }

  public void d1Batch(String... sqls) throws SQLException {
    List<D1Statement> stmts = new ArrayList<>();
    for (String s : sqls) {
      stmts.add(D1Statement.of(s));
    }
    client.batch(server.databaseId("shop"), stmts);
  }

  public long count(String table) throws SQLException {
    return ((Number) d1("SELECT count(*) FROM " + table).rows().get(0)[0]).longValue();
  }

  /** The SQLite file behind "shop", read with sqlite-jdbc (exact storage classes, 64-bit integers). */
  public Connection sqliteFile() throws SQLException {
    return local.sqlite();
  }

  /** The rows of a query on the SQLite file behind "shop" (exact storage), columns as text joined by "|". */
  public List<String> fileRows(String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection f = sqliteFile(); java.sql.Statement s = f.createStatement();
         java.sql.ResultSet rs = s.executeQuery(sql)) {
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

  /** The body of the last request d1-local received. */
  public String lastRequestBody() {
    var recorded = server.recordedRequests();
    return recorded.get(recorded.size() - 1).body();
  }

  public long requests() {
    return local.requestCount();
  }
}
