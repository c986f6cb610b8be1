package io.github.calcited1.remote;

import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaFactory;
import org.apache.calcite.avatica.AvaticaPreparedStatement;
import org.apache.calcite.avatica.AvaticaResultSet;
import org.apache.calcite.avatica.AvaticaSpecificDatabaseMetaData;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.ConnectStringParser;
import org.apache.calcite.avatica.DriverVersion;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.QueryState;
import org.apache.calcite.avatica.UnregisteredDriver;

import java.sql.Connection;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.Properties;
import java.util.TimeZone;

/**
 * {@code jdbc:d1:remote:url=http://host:8765}: Avatica's thin client ({@code jdbc:avatica:remote:}) for
 * {@code calcite-d1 serve}, with what the stock client cannot give ({@link D1RemoteConnection}): commit and rollback
 * failures are SQLExceptions with D1's SQLState, {@code setAutoCommit} reaches the server at once, generated keys,
 * and {@code DatabaseMetaData} answering as {@code jdbc:d1:} does. It needs only avatica-core (no Calcite); the
 * serialization defaults to protobuf, the server's default.
 */
public class D1RemoteDriver extends org.apache.calcite.avatica.remote.Driver {
  public static final String CONNECT_STRING_PREFIX = "jdbc:d1:remote:";

  static {
    new D1RemoteDriver().register();
  }

  public D1RemoteDriver() {
    super();
  }

  @Override
  protected String getConnectStringPrefix() {
    return CONNECT_STRING_PREFIX;
  }

  @Override
  protected String getFactoryClassName(JdbcVersion jdbcVersion) {
    return Factory.class.getName();
  }

  /** The product name is D1's; its version is the server's ({@link D1RemoteDatabaseMetaData}). */
  @Override
  protected DriverVersion createDriverVersion() {
    return new DriverVersion("calcite-d1 remote JDBC driver", "0.1.0", "Cloudflare D1", "unknown version", false,
        0, 1, -1, -1);
  }

  @Override
  public Meta createMeta(AvaticaConnection connection) {
    return D1RemoteConnection.keepingGeneratedKeys(super.createMeta(connection));
  }

  @Override
  public Connection connect(String url, Properties info) throws SQLException {
    if (!acceptsURL(url)) {
      return null;
    }
    Properties inUrl = ConnectStringParser.parse(url.substring(CONNECT_STRING_PREFIX.length()));
    if (inUrl.getProperty("serialization") == null && (info == null || info.getProperty("serialization") == null)) {
      url = url + (url.endsWith(";") || url.endsWith(":") ? "" : ";") + "serialization=protobuf";
    }
    return super.connect(url, info == null ? new Properties() : info);
  }

  /** Avatica's own JDBC objects, with calcite-d1's connection, statement and DatabaseMetaData. */
  public static final class Factory implements AvaticaFactory {
    private final AvaticaFactory avatica = instantiateFactory("org.apache.calcite.avatica.AvaticaJdbc41Factory");

    @Override
    public int getJdbcMajorVersion() {
      return avatica.getJdbcMajorVersion();
    }

    @Override
    public int getJdbcMinorVersion() {
      return avatica.getJdbcMinorVersion();
    }

    @Override
    public AvaticaConnection newConnection(UnregisteredDriver driver, AvaticaFactory factory, String url,
        Properties info) throws SQLException {
      return new D1RemoteConnection(driver, factory, url, info);
    }

    @Override
    public AvaticaStatement newStatement(AvaticaConnection connection, Meta.StatementHandle h, int resultSetType,
        int resultSetConcurrency, int resultSetHoldability) {
      return new D1RemoteConnection.Statement((D1RemoteConnection) connection, h, resultSetType,
          resultSetConcurrency, resultSetHoldability);
    }

    @Override
    public AvaticaPreparedStatement newPreparedStatement(AvaticaConnection connection, Meta.StatementHandle h,
        Meta.Signature signature, int resultSetType, int resultSetConcurrency, int resultSetHoldability)
        throws SQLException {
      return avatica.newPreparedStatement(connection, h, signature, resultSetType, resultSetConcurrency,
          resultSetHoldability);
    }

    @Override
    public AvaticaResultSet newResultSet(AvaticaStatement statement, QueryState state, Meta.Signature signature,
        TimeZone timeZone, Meta.Frame firstFrame) throws SQLException {
      return avatica.newResultSet(statement, state, signature, timeZone, firstFrame);
    }

    @Override
    public AvaticaSpecificDatabaseMetaData newDatabaseMetaData(AvaticaConnection connection) {
      return new D1RemoteDatabaseMetaData((D1RemoteConnection) connection);
    }

    @Override
    public ResultSetMetaData newResultSetMetaData(AvaticaStatement statement, Meta.Signature signature)
        throws SQLException {
      return avatica.newResultSetMetaData(statement, signature);
    }
  }
}
