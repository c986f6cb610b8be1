package io.github.calcited1.bench;

import io.github.calcited1.local.D1LocalServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** The running fixture: d1-local with the generated databases, the counting/caching proxy, and URL helpers. */
final class Env implements AutoCloseable {
  static final String TOKEN = "bench-token";
  static final String ACCOUNT = "bench-account";

  final Bench.Config cfg;
  final Path dir;
  final D1LocalServer server;
  final CachingProxy proxy;

  Env(Bench.Config cfg, Path dir) throws Exception {
    this.cfg = cfg;
    this.dir = dir;
    Data.analytics(dir.resolve("bench.sqlite"));
    Data.scan(dir.resolve("scan.sqlite"), cfg.scanRows());
    Data.empty(dir.resolve("bulk.sqlite"));
    D1LocalServer.Builder builder = D1LocalServer.builder().port(0).dataDir(dir).token(TOKEN).database("bench")
        .database("scan").database("bulk");
    for (int lineItems : cfg.networkScales()) {
      TpchData.generate(dir.resolve(tpchDatabase(lineItems) + ".sqlite"), lineItems);
      builder.database(tpchDatabase(lineItems));
    }
    this.server = builder.build().start();
    this.proxy = new CachingProxy("http://127.0.0.1:" + server.port());
  }

  /** The name of the TPC-H-like database with {@code lineItems} fact rows. */
  static String tpchDatabase(int lineItems) {
    return "tpch" + lineItems;
  }

  /** A {@code jdbc:d1:} URL for one database, straight to d1-local or through the proxy. */
  String d1Url(String database, boolean viaProxy) {
    return "jdbc:d1:database=" + server.databaseId(database) + ";accountId=" + ACCOUNT + ";baseUrl="
        + (viaProxy ? proxy.baseUrl() : server.baseUrl()) + ";apiToken=" + TOKEN;
  }

  Connection d1(String database, boolean viaProxy) throws SQLException {
    return DriverManager.getConnection(d1Url(database, viaProxy));
  }

  /** A {@code jdbc:d1:} connection to one database through the server at {@code baseUrl} (e.g. another proxy). */
  Connection d1Connection(String database, String baseUrl) throws SQLException {
    return DriverManager.getConnection("jdbc:d1:database=" + server.databaseId(database) + ";accountId=" + ACCOUNT
        + ";baseUrl=" + baseUrl + ";apiToken=" + TOKEN);
  }

  Wire wire(String database) {
    return new Wire(server.baseUrl(), ACCOUNT, server.databaseId(database), TOKEN);
  }

  /**
   * Calcite's own JDBC adapter ({@code JdbcSchema}) over sqlite-jdbc on d1-local's file, configured as a user would
   * (model of type "jdbc"); identifiers matched case-insensitively like the jdbc:d1: driver does.
   */
  Connection jdbcAdapter(String database) throws SQLException {
    String file = server.databaseFile(database).toAbsolutePath().toString().replace("\\", "/");
    String model = "inline:{\"version\":\"1.0\",\"defaultSchema\":\"" + database + "\",\"schemas\":[{\"type\":\"jdbc\","
        + "\"name\":\"" + database + "\",\"jdbcUrl\":\"jdbc:sqlite:" + file
        + "\",\"jdbcDriver\":\"org.sqlite.JDBC\"}]}";
    Properties p = new Properties();
    p.setProperty("model", model);
    p.setProperty("caseSensitive", "false");
    p.setProperty("unquotedCasing", "UNCHANGED");
    p.setProperty("quotedCasing", "UNCHANGED");
    return DriverManager.getConnection("jdbc:calcite:", p);
  }

  Connection sqlite(String database) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + server.databaseFile(database));
  }

  @Override
  public void close() {
    proxy.close();
    server.close();
  }
}
