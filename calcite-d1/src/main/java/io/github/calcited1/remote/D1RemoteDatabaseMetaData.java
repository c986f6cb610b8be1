package io.github.calcited1.remote;

import io.github.calcited1.jdbc.D1DatabaseMetaData;
import org.apache.calcite.avatica.Meta.DatabaseProperty;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * {@code DatabaseMetaData} of {@code jdbc:d1:remote:}: as {@code jdbc:d1:}'s ({@link D1DatabaseMetaData}), with the
 * product version of the server's connection, which Avatica's protocol carries as database properties but Avatica's
 * client does not read (it answers with its own driver's product and version), and the functions, keys and indexes
 * of the server's connection, for which the protocol has no request ({@link D1RemoteMetadata}).
 */
final class D1RemoteDatabaseMetaData extends D1DatabaseMetaData {
  private final D1RemoteConnection connection;

  D1RemoteDatabaseMetaData(D1RemoteConnection connection) {
    super(connection);
    this.connection = connection;
  }

  @Override
  public String getDatabaseProductName() throws SQLException {
    return connection.databaseProperty(DatabaseProperty.GET_DATABASE_PRODUCT_NAME, String.class);
  }

  @Override
  public String getDatabaseProductVersion() throws SQLException {
    return connection.databaseProperty(DatabaseProperty.GET_DATABASE_PRODUCT_VERSION, String.class);
  }

  @Override
  public int getDatabaseMajorVersion() throws SQLException {
    return connection.databaseProperty(DatabaseProperty.GET_DATABASE_MAJOR_VERSION, Integer.class);
  }

  @Override
  public int getDatabaseMinorVersion() throws SQLException {
    return connection.databaseProperty(DatabaseProperty.GET_DATABASE_MINOR_VERSION, Integer.class);
  }

  @Override
  public ResultSet getFunctions(String catalog, String schemaPattern, String functionNamePattern)
      throws SQLException {
    return connection.metadata("getFunctions", catalog, schemaPattern, functionNamePattern);
  }

  @Override
  public ResultSet getFunctionColumns(String catalog, String schemaPattern, String functionNamePattern,
      String columnNamePattern) throws SQLException {
    return connection.metadata("getFunctionColumns", catalog, schemaPattern, functionNamePattern, columnNamePattern);
  }

  @Override
  public ResultSet getPrimaryKeys(String catalog, String schema, String table) throws SQLException {
    return connection.metadata("getPrimaryKeys", catalog, schema, table);
  }

  @Override
  public ResultSet getImportedKeys(String catalog, String schema, String table) throws SQLException {
    return connection.metadata("getImportedKeys", catalog, schema, table);
  }

  @Override
  public ResultSet getExportedKeys(String catalog, String schema, String table) throws SQLException {
    return connection.metadata("getExportedKeys", catalog, schema, table);
  }

  @Override
  public ResultSet getCrossReference(String parentCatalog, String parentSchema, String parentTable,
      String foreignCatalog, String foreignSchema, String foreignTable) throws SQLException {
    return connection.metadata("getCrossReference", parentCatalog, parentSchema, parentTable, foreignCatalog,
        foreignSchema, foreignTable);
  }

  @Override
  public ResultSet getIndexInfo(String catalog, String schema, String table, boolean unique, boolean approximate)
      throws SQLException {
    return connection.metadata("getIndexInfo", catalog, schema, table, unique, approximate);
  }
}
