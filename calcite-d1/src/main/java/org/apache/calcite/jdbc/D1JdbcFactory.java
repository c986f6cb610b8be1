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
import io.github.calcited1.jdbc.D1ConnectionExtras;
import io.github.calcited1.jdbc.D1JdbcMeta;
import io.github.calcited1.jdbc.D1KeyedStatements;
import io.github.calcited1.jdbc.D1SqlStates;
import io.github.calcited1.jdbc.D1StatementFailures;
import io.github.calcited1.write.D1GeneratedKeys;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Savepoint;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TimeZone;

/**
 * The JDBC object factory of {@code jdbc:d1:}: Calcite's own ({@link CalciteJdbc41Factory}) for prepared statements
 * and result sets; a connection whose {@link CalciteConnectionImpl#config() config()} is built once, and statements,
 * with generated keys; and a {@code DatabaseMetaData} that says what jdbc:d1: supports.
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
    return new D1JdbcStatement((CalciteConnectionImpl) connection, h, resultSetType, resultSetConcurrency,
        resultSetHoldability);
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
    return new D1ResultSet(statement, (CalcitePrepare.CalciteSignature<?>) signature,
        calcite.newResultSetMetaData(statement, signature), timeZone, firstFrame);
  }

  /**
   * Calcite's result set, whose {@link #next()} reports a D1 failure met while reading rows (a later page refused, a
   * query timeout) as an SQLException with its SQLState ({@link D1StatementFailures}), as the statement's execution
   * does; Calcite's lets the runtime exception of the generated code through as it is.
   */
  static final class D1ResultSet extends CalciteResultSet {
    D1ResultSet(AvaticaStatement statement, CalcitePrepare.CalciteSignature<?> signature, ResultSetMetaData metaData,
        TimeZone timeZone, Meta.Frame firstFrame) throws SQLException {
      super(statement, signature, metaData, timeZone, firstFrame);
    }

    @Override
    public boolean next() throws SQLException {
      try {
        return super.next();
      } catch (RuntimeException e) {
        if (D1StatementFailures.translate(null, e) instanceof SQLException failure) {
          throw failure;
        }
        throw e;
      }
    }
  }

  /** Avatica's, with what it hard-codes (transactions, isolation, generated keys) told as jdbc:d1: is. */
  @Override
  public AvaticaSpecificDatabaseMetaData newDatabaseMetaData(AvaticaConnection connection) {
    return new io.github.calcited1.jdbc.D1DatabaseMetaData(connection);
  }

  @Override
  public ResultSetMetaData newResultSetMetaData(AvaticaStatement statement, Meta.Signature signature)
      throws SQLException {
    return calcite.newResultSetMetaData(statement, signature);
  }

  /**
   * A Calcite connection whose config is parsed once, which plans a statement's text once ({@link D1PlanCache}), with
   * generated keys ({@link D1KeyedStatements}), failures that keep their cause's SQLState ({@link D1SqlStates}), and
   * harmless answers where Avatica throws a bare, message-less exception: type maps (none), client info (kept on the
   * connection, never sent to D1), savepoints (refused with the reason).
   */
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

    private final D1ConnectionExtras extras = new D1ConnectionExtras();

    /** As Avatica's, with the SQLState of the failure's cause ({@link D1SqlStates}). */
    @Override
    public CalcitePreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency,
        int resultSetHoldability) throws SQLException {
      try {
        return super.prepareStatement(sql, resultSetType, resultSetConcurrency, resultSetHoldability);
      } catch (SQLException e) {
        throw D1SqlStates.lift(e);
      }
    }

    /** As Avatica's, with the SQLState of the failure's cause ({@link D1SqlStates}). */
    @Override
    protected ResultSet executeQueryInternal(AvaticaStatement statement, Meta.Signature signature,
        Meta.Frame firstFrame, QueryState state, boolean isUpdate) throws SQLException {
      try {
        return super.executeQueryInternal(statement, signature, firstFrame, state, isUpdate);
      } catch (SQLException e) {
        throw D1SqlStates.lift(e);
      }
    }

    /** As Avatica's, with the SQLState of the failure's cause ({@link D1SqlStates}). */
    @Override
    protected long[] executeBatchUpdateInternal(AvaticaPreparedStatement statement) throws SQLException {
      try {
        return super.executeBatchUpdateInternal(statement);
      } catch (SQLException e) {
        throw D1SqlStates.lift(e);
      }
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
      D1GeneratedKeys first = D1KeyedStatements.request(autoGeneratedKeys);
      return first == null ? prepareStatement(sql) : keyed(sql, () -> D1GeneratedKeys.ofKey());
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
      return keyed(sql, () -> D1GeneratedKeys.ofIndexes(columnIndexes));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
      return keyed(sql, () -> D1GeneratedKeys.ofNames(columnNames));
    }

    private PreparedStatement keyed(String sql, java.util.function.Supplier<D1GeneratedKeys> spec)
        throws SQLException {
      return D1KeyedStatements.prepared(this, prepareStatement(sql), spec, this::generatedKeys);
    }

    /** The generated keys as a result set (one column per key column; BIGINT for integers). */
    ResultSet generatedKeys(D1GeneratedKeys keys) throws SQLException {
      return createResultSet(((D1JdbcMeta) meta).generatedKeys(keys), new QueryState());
    }

    /** No user-defined type mappings ({@link D1ConnectionExtras}). */
    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
      checkOpen();
      return extras.typeMap();
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
      checkOpen();
      extras.setTypeMap(map);
    }

    /** Kept on this connection only ({@link D1ConnectionExtras}). */
    @Override
    public void setClientInfo(String name, String value) {
      extras.setClientInfo(name, value);
    }

    @Override
    public void setClientInfo(Properties properties) {
      extras.setClientInfo(properties);
    }

    @Override
    public Properties getClientInfo() throws SQLException {
      checkOpen();
      return extras.clientInfo();
    }

    @Override
    public String getClientInfo(String name) throws SQLException {
      checkOpen();
      return extras.clientInfo(name);
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
      throw D1ConnectionExtras.noSavepoints();
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
      throw D1ConnectionExtras.noSavepoints();
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
      throw D1ConnectionExtras.noSavepoints();
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
      throw D1ConnectionExtras.noSavepoints();
    }
  }

  /**
   * Calcite's statement with generated keys: {@code executeUpdate(sql, RETURN_GENERATED_KEYS)} and the forms with
   * column names or indexes ({@link D1KeyedStatements}).
   */
  static final class D1JdbcStatement extends CalciteStatement {
    private D1GeneratedKeys keys;

    D1JdbcStatement(CalciteConnectionImpl connection, Meta.StatementHandle h, int resultSetType,
        int resultSetConcurrency, int resultSetHoldability) {
      super(connection, h, resultSetType, resultSetConcurrency, resultSetHoldability);
    }

    /** Under the lock {@link D1JdbcMeta#createStatement} takes: Calcite's close unregisters the statement itself. */
    @Override
    protected void close_() {
      synchronized (((CalciteConnectionImpl) connection).meta()) {
        super.close_();
      }
    }

    /** As Avatica's, with the SQLState of the failure's cause ({@link D1SqlStates}). */
    @Override
    protected void executeInternal(String sql) throws SQLException {
      keys = null; // an execution that asks for none has none, not the previous one's ({@link #keyed} sets them)
      try {
        super.executeInternal(sql);
      } catch (SQLException e) {
        throw D1SqlStates.lift(e);
      }
    }

    /** As Avatica's, with the SQLState of the failure's cause ({@link D1SqlStates}). */
    @Override
    protected long[] executeBatchInternal() throws SQLException {
      keys = null; // a batch returns no keys
      try {
        return super.executeBatchInternal();
      } catch (SQLException e) {
        throw D1SqlStates.lift(e);
      }
    }

    /** Runs {@code body} with {@code spec} asked for; set after it, since its execution clears the last keys. */
    private <T> T keyed(D1GeneratedKeys spec, D1KeyedStatements.Body<T> body) throws SQLException {
      try {
        return D1KeyedStatements.execute(getConnection(), spec, body);
      } finally {
        keys = spec;
      }
    }

    @Override
    public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
      return keyed(D1KeyedStatements.request(autoGeneratedKeys), () -> execute(sql));
    }

    @Override
    public boolean execute(String sql, int[] columnIndexes) throws SQLException {
      return keyed(D1GeneratedKeys.ofIndexes(columnIndexes), () -> execute(sql));
    }

    @Override
    public boolean execute(String sql, String[] columnNames) throws SQLException {
      return keyed(D1GeneratedKeys.ofNames(columnNames), () -> execute(sql));
    }

    @Override
    public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
      return keyed(D1KeyedStatements.request(autoGeneratedKeys), () -> executeUpdate(sql));
    }

    @Override
    public int executeUpdate(String sql, int[] columnIndexes) throws SQLException {
      return keyed(D1GeneratedKeys.ofIndexes(columnIndexes), () -> executeUpdate(sql));
    }

    @Override
    public int executeUpdate(String sql, String[] columnNames) throws SQLException {
      return keyed(D1GeneratedKeys.ofNames(columnNames), () -> executeUpdate(sql));
    }

    @Override
    public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
      return keyed(D1KeyedStatements.request(autoGeneratedKeys), () -> executeLargeUpdate(sql));
    }

    @Override
    public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
      return keyed(D1GeneratedKeys.ofIndexes(columnIndexes), () -> executeLargeUpdate(sql));
    }

    @Override
    public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
      return keyed(D1GeneratedKeys.ofNames(columnNames), () -> executeLargeUpdate(sql));
    }

    /** The keys of the last execution that asked for them (empty if none did, or its INSERT was buffered). */
    @Override
    public ResultSet getGeneratedKeys() throws SQLException {
      D1GeneratedKeys k = keys == null ? D1GeneratedKeys.ofKey() : keys;
      return ((D1Connection) getConnection()).generatedKeys(k);
    }
  }
}
