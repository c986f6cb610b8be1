package org.apache.calcite.jdbc;

import io.github.calcited1.jdbc.D1PlanCache;
import io.github.calcited1.write.D1Session;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaFactory;
import org.apache.calcite.avatica.AvaticaPreparedStatement;
import org.apache.calcite.avatica.AvaticaResultSet;
import org.apache.calcite.avatica.AvaticaSpecificDatabaseMetaData;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.QueryState;
import org.apache.calcite.avatica.UnregisteredDriver;
import org.apache.calcite.config.CalciteConnectionConfig;

import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.util.Optional;
import java.util.Properties;
import java.util.TimeZone;

/**
 * The JDBC object factory of {@code jdbc:d1:}: Calcite's own ({@link CalciteJdbc41Factory}) for statements, result
 * sets and metadata, and a connection whose {@link CalciteConnectionImpl#config() config()} is built once.
 *
 * <p>In Calcite's package because {@code CalciteConnectionImpl} is package-private (as for {@link D1MetaBridge}).
 *
 * <p>Why: Calcite builds a new config from the connection's properties on every {@code config()} call, a config
 * parses a property on every read, and Avatica reads {@code timeZone} on every execution ({@code getTimeZone()} in
 * {@code executeQueryInternal}). That was half the CPU of a buffered prepared INSERT (JFR, 100,000 rows). The
 * properties of a connection never change after it is opened, so one config and one zone name serve its whole life.
 */
public final class D1JdbcFactory extends CalciteFactory {
  private final CalciteJdbc41Factory calcite = new CalciteJdbc41Factory();

  public D1JdbcFactory() {
    super(4, 1);
  }

  @Override
  public AvaticaConnection newConnection(UnregisteredDriver driver, AvaticaFactory factory, String url,
      Properties info, CalciteSchema rootSchema, JavaTypeFactory typeFactory) {
    return new D1Connection((Driver) driver, factory, url, info, rootSchema, typeFactory);
  }

  @Override
  public AvaticaStatement newStatement(AvaticaConnection connection, Meta.StatementHandle h, int resultSetType,
      int resultSetConcurrency, int resultSetHoldability) {
    return calcite.newStatement(connection, h, resultSetType, resultSetConcurrency, resultSetHoldability);
  }

  @Override
  public AvaticaPreparedStatement newPreparedStatement(AvaticaConnection connection, Meta.StatementHandle h,
      Meta.Signature signature, int resultSetType, int resultSetConcurrency, int resultSetHoldability)
      throws SQLException {
    return calcite.newPreparedStatement(connection, h, signature, resultSetType, resultSetConcurrency,
        resultSetHoldability);
  }

  @Override
  public AvaticaResultSet newResultSet(AvaticaStatement statement, QueryState state, Meta.Signature signature,
      TimeZone timeZone, Meta.Frame firstFrame) throws SQLException {
    return calcite.newResultSet(statement, state, signature, timeZone, firstFrame);
  }

  @Override
  public AvaticaSpecificDatabaseMetaData newDatabaseMetaData(AvaticaConnection connection) {
    return calcite.newDatabaseMetaData(connection);
  }

  @Override
  public ResultSetMetaData newResultSetMetaData(AvaticaStatement statement, Meta.Signature signature)
      throws SQLException {
    return calcite.newResultSetMetaData(statement, signature);
  }

  /** A Calcite connection whose config is parsed once, and which plans a statement's text once ({@link D1PlanCache}). */
  static final class D1Connection extends CalciteConnectionImpl {
    private final D1PlanCache plans = new D1PlanCache();

    /** Built on first use: Avatica's constructor already asks for it, before this class's fields are set. */
    private volatile CalciteConnectionConfig config;
    /** The {@code timeZone} property (empty: the JVM's default, read at each call as Avatica does). */
    private volatile Optional<String> timeZoneName;

    D1Connection(Driver driver, AvaticaFactory factory, String url, Properties info, CalciteSchema rootSchema,
        JavaTypeFactory typeFactory) {
      super(driver, factory, url, info, rootSchema, typeFactory);
    }

    @Override
    public CalciteConnectionConfig config() {
      CalciteConnectionConfig c = config;
      if (c == null) {
        c = super.config();
        config = c;
      }
      return c;
    }

    /**
     * The warnings of the connection's D1 transactions (e.g. a split COMMIT, an update count known only at COMMIT),
     * the same chain as {@code D1Connections.warnings}; Avatica's own are always null.
     */
    @Override
    public SQLWarning getWarnings() throws SQLException {
      D1Session session = session();
      return session == null ? super.getWarnings() : session.warnings();
    }

    @Override
    public void clearWarnings() throws SQLException {
      D1Session session = session();
      if (session != null) {
        session.clearWarnings();
      }
      super.clearWarnings();
    }

    private D1Session session() {
      return meta() instanceof D1Session.Holder ? ((D1Session.Holder) meta()).d1Session() : null;
    }

    /** As Avatica's, without parsing the property again: a config parses its property on every read. */
    @Override
    public TimeZone getTimeZone() {
      Optional<String> name = timeZoneName;
      if (name == null) {
        name = Optional.ofNullable(config().timeZone());
        timeZoneName = name;
      }
      return name.isPresent() ? TimeZone.getTimeZone(name.get()) : TimeZone.getDefault();
    }

    /**
     * Every statement Calcite prepares from text ({@code prepare}, {@code prepareAndExecute}, batches) comes
     * through here: the one place a reused plan can replace planning.
     */
    @Override
    <T> CalcitePrepare.CalciteSignature<T> parseQuery(CalcitePrepare.Query<T> query, CalcitePrepare.Context context,
        long maxRowCount) {
      return plans.signature(query, context, maxRowCount, () -> super.parseQuery(query, context, maxRowCount));
    }
  }
}
