package io.github.calcited1.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.calcited1.testing.D1LocalExtension;
import io.github.calcited1.testing.KeysSchema;
import schemacrawler.schema.Catalog;
import schemacrawler.schema.Column;
import schemacrawler.schema.ColumnReference;
import schemacrawler.schema.ForeignKey;
import schemacrawler.schema.Index;
import schemacrawler.schema.IndexColumn;
import schemacrawler.schema.Table;
import schemacrawler.schema.TableConstraintColumn;
import schemacrawler.schemacrawler.LoadOptionsBuilder;
import schemacrawler.schemacrawler.SchemaCrawlerOptions;
import schemacrawler.schemacrawler.SchemaCrawlerOptionsBuilder;
import schemacrawler.schemacrawler.SchemaInfoLevelBuilder;
import schemacrawler.schemacrawler.SchemaRetrievalOptions;
import schemacrawler.schemacrawler.SchemaRetrievalOptionsBuilder;
import schemacrawler.tools.options.Config;
import schemacrawler.tools.utility.SchemaCrawlerUtility;
import us.fatehi.utility.datasource.DatabaseConnectionSources;

/**
 * The shaded driver jar as a real metadata client sees it: SchemaCrawler (what GUI tools and documentation tools do
 * with {@code DatabaseMetaData}) crawls d1-local through the jar alone, in its own class loader, and sqlite-jdbc on the
 * same SQLite file; both must find the same tables and views, primary keys, foreign keys, indexes, column type names
 * and defaults.
 */
class DriverMetadataIT {
  @RegisterExtension static final D1LocalExtension D1 = new D1LocalExtension("shop");

  @Test void schemaCrawlerSeesWhatItSeesThroughSqliteJdbc() throws Exception {
    Path jar = Paths.get(System.getProperty("driverJar", "target/calcite-d1-0.1.0-SNAPSHOT-driver.jar"));
    assertTrue(Files.isRegularFile(jar), "driver jar built: " + jar);
    D1.d1Batch(KeysSchema.STATEMENTS);

    // SQLite has neither catalogs nor schemas (what SchemaCrawler's SQLite plugin says too)
    Map<String, String> viaSqlite = describe(crawl(() -> DriverManager.getConnection("jdbc:sqlite:"
        + D1.databaseFile()), SchemaRetrievalOptionsBuilder.builder().withDoesNotSupportCatalogs()
        .withDoesNotSupportSchemas().toOptions()));
    Map<String, String> viaD1;
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()},
        ClassLoader.getPlatformClassLoader())) {
      Driver driver = (Driver) Class.forName("io.github.calcited1.jdbc.D1Driver", true, loader)
          .getDeclaredConstructor().newInstance();
      String url = "jdbc:d1:database=shop;accountId=" + D1.accountId() + ";baseUrl=" + D1.baseUrl();
      Properties props = new Properties();
      props.setProperty("apiToken", D1.token());
      viaD1 = describe(crawl(() -> driver.connect(url, props),
          SchemaRetrievalOptionsBuilder.newSchemaRetrievalOptions()));
    }
    // sqlite-jdbc's internal objects: SQLite's own tables, D1's _cf_ table, the autoindexes it lists as tables
    viaSqlite.keySet().removeIf(k -> k.startsWith("sqlite_") || k.startsWith("_cf_"));
    assertEquals(List.of("big_orders", "customers", "order_lines", "orders"), List.copyOf(viaD1.keySet()));
    assertEquals(viaSqlite, viaD1);
    assertTrue(viaD1.get("orders").contains("FK customer_id -> customers.id delete cascade"), viaD1.get("orders"));
    assertTrue(viaD1.get("customers").contains("INDEX sqlite_autoindex_customers_1 unique [email]"),
        viaD1.get("customers"));
    assertTrue(viaD1.get("customers").contains("created_at TIMESTAMP default CURRENT_TIMESTAMP"),
        viaD1.get("customers"));
  }

  /**
   * What SchemaCrawler found on a connection, at its maximum level of detail, through plain JDBC metadata for both
   * drivers (its SQLite plugin, which reads SQLite's tables directly, is not what a D1 driver can offer).
   */
  static Catalog crawl(Connections connections, SchemaRetrievalOptions retrieval) throws Exception {
    SchemaCrawlerOptions options = SchemaCrawlerOptionsBuilder.newSchemaCrawlerOptions()
        .withLoadOptions(LoadOptionsBuilder.builder().withSchemaInfoLevel(SchemaInfoLevelBuilder.maximum())
            .toOptions());
    return SchemaCrawlerUtility.getCatalog(DatabaseConnectionSources.fromDataSource(new Connecting(connections)),
        retrieval, options, new Config());
  }

  /**
   * Each table by name: its type, columns (name, type name, default), primary key, foreign keys and indexes, as
   * text. Nullability and auto-increment are left out on purpose: sqlite-jdbc calls an INTEGER PRIMARY KEY nullable
   * and auto-incremented only with AUTOINCREMENT; calcite-d1 says what SQLite does (never NULL, assigned when
   * omitted). See docs/gui-tools.md.
   */
  static Map<String, String> describe(Catalog catalog) {
    Map<String, String> tables = new TreeMap<>();
    for (Table t : catalog.getTables()) {
      List<String> parts = new ArrayList<>();
      parts.add(t.getTableType().getTableType().toUpperCase(java.util.Locale.ROOT));
      for (Column c : t.getColumns()) {
        parts.add(c.getName() + " " + c.getColumnDataType().getDatabaseSpecificTypeName()
            + (c.getDefaultValue() == null ? "" : " default " + c.getDefaultValue()));
      }
      if (t.getPrimaryKey() != null) {
        parts.add("PK " + t.getPrimaryKey().getConstrainedColumns().stream().map(TableConstraintColumn::getName)
            .toList());
      }
      for (ForeignKey fk : t.getImportedForeignKeys()) {
        for (ColumnReference r : fk.getColumnReferences()) {
          parts.add("FK " + r.getForeignKeyColumn().getName() + " -> " + r.getPrimaryKeyColumn().getParent().getName()
              + "." + r.getPrimaryKeyColumn().getName() + " delete " + fk.getDeleteRule());
        }
      }
      for (Index i : t.getIndexes()) {
        parts.add("INDEX " + i.getName() + (i.isUnique() ? " unique " : " ")
            + i.getColumns().stream().map(IndexColumn::getName).toList());
      }
      tables.put(t.getName(), String.join("; ", parts));
    }
    return tables;
  }

  /** Opens a connection. */
  interface Connections {
    Connection open() throws SQLException;
  }

  /**
   * A DataSource that opens a new connection each time (SchemaCrawler closes those it used); the isolated driver is
   * not visible to DriverManager from here.
   */
  static final class Connecting implements DataSource {
    private final Connections connections;

    Connecting(Connections connections) {
      this.connections = connections;
    }

    @Override public Connection getConnection() throws SQLException {
      return connections.open();
    }

    @Override public Connection getConnection(String user, String password) throws SQLException {
      return connections.open();
    }

    @Override public PrintWriter getLogWriter() {
      return null;
    }

    @Override public void setLogWriter(PrintWriter out) {
    }

    @Override public void setLoginTimeout(int seconds) {
    }

    @Override public int getLoginTimeout() {
      return 0;
    }

    @Override public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException("no logger");
    }

    @Override public <T> T unwrap(Class<T> type) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override public boolean isWrapperFor(Class<?> type) {
      return false;
    }
  }
}
