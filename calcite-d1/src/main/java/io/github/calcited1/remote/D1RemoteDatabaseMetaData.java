package io.github.calcited1.remote;

import io.github.calcited1.jdbc.D1DatabaseMetaData;
import org.apache.calcite.avatica.Meta.DatabaseProperty;

import java.sql.SQLException;

/**
 * {@code DatabaseMetaData} of {@code jdbc:d1:remote:}: as {@code jdbc:d1:}'s ({@link D1DatabaseMetaData}), with the
 * product version of the server's connection, which Avatica's protocol carries as database properties but Avatica's
 * client does not read (it answers with its own driver's product and version).
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
}
