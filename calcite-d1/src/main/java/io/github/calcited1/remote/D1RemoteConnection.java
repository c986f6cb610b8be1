package io.github.calcited1.remote;

import io.github.calcited1.config.D1ConfigurationException;
import io.github.calcited1.config.D1Operands;
import io.github.calcited1.jdbc.D1ConnectionExtras;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaFactory;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.Helper;
import org.apache.calcite.avatica.InternalProperty;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.QueryState;
import org.apache.calcite.avatica.UnregisteredDriver;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connection of {@code jdbc:d1:remote:}: Avatica's thin-client connection, and
 * <ul>
 *   <li>{@code commit()}/{@code rollback()} throw an SQLException with the server's SQLState, code and message
 *       (Avatica's {@code AvaticaConnection.commit} calls the server outside its SQLException wrapping and lets an
 *       unchecked {@code AvaticaClientRuntimeException} through);</li>
 *   <li>{@code setAutoCommit} reaches the server at once (Avatica's waits for the next statement it creates, so a
 *       statement prepared before would still run in the old mode);</li>
 *   <li>generated keys ({@link D1RemoteKeys}): the server answers a keyed execution with the update count and the
 *       keys; {@link #keepingGeneratedKeys} keeps the keys, which Avatica's client drops;</li>
 *   <li>{@code DatabaseMetaData}'s identifier casing is jdbc:d1:'s ({@code caseSensitive=false}, identifiers kept as
 *       written), or what the client's own {@code caseSensitive}/{@code unquotedCasing}/{@code quotedCasing}/
 *       {@code quoting} properties, which the server applies too, say;</li>
 *   <li>type maps, client info and savepoints answer as with jdbc:d1: ({@link D1ConnectionExtras}).</li>
 * </ul>
 */
public final class D1RemoteConnection extends AvaticaConnection {
  D1RemoteConnection(UnregisteredDriver driver, AvaticaFactory factory, String url, Properties info)
      throws SQLException {
    super(driver, factory, url, info);
    properties.put(InternalProperty.CASE_SENSITIVE, caseSensitive(info));
    properties.put(InternalProperty.UNQUOTED_CASING, lexical(info, "unquotedCasing", Casing.UNCHANGED));
    properties.put(InternalProperty.QUOTED_CASING, lexical(info, "quotedCasing", Casing.UNCHANGED));
    properties.put(InternalProperty.QUOTING, lexical(info, "quoting", Quoting.DOUBLE_QUOTE));
  }

  /**
   * The client's {@code caseSensitive} property, read as jdbc:d1: reads a flag ({@link D1Operands#bool}): true or
   * false in any case; any other spelling ("yes", "1") is refused (SQLState 08001, as jdbc:d1: refuses a bad
   * property), not read as false.
   */
  private static boolean caseSensitive(Properties info) throws SQLException {
    String value = info.getProperty("caseSensitive");
    try {
      return value != null && D1Operands.bool(Map.of("caseSensitive", value), "caseSensitive");
    } catch (D1ConfigurationException e) {
      throw new SQLException(e.getMessage() + "; connect with caseSensitive=true or caseSensitive=false", "08001",
          e);
    }
  }

  private static <E extends Enum<E>> E lexical(Properties info, String key, E dflt) {
    String value = info.getProperty(key);
    try {
      return value == null ? dflt : Enum.valueOf(dflt.getDeclaringClass(), value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return dflt; // the server refuses it when the connection opens
    }
  }

  /** A call into Avatica's client that may throw its unchecked exceptions. */
  @FunctionalInterface
  private interface Call<T> {
    T run() throws SQLException;
  }

  /** Runs {@code call}; an unchecked failure becomes an SQLException as Avatica's statements make it. */
  private static <T> T checked(Call<T> call) throws SQLException {
    try {
      return call.run();
    } catch (RuntimeException e) {
      throw Helper.INSTANCE.createException(e.getMessage(), e);
    }
  }

  @Override
  public void commit() throws SQLException {
    checked(() -> {
      super.commit();
      return null;
    });
  }

  @Override
  public void rollback() throws SQLException {
    checked(() -> {
      super.rollback();
      return null;
    });
  }

  /** Sends the change now: Avatica's client would send it only before the next statement it creates. */
  @Override
  public void setAutoCommit(boolean autoCommit) throws SQLException {
    super.setAutoCommit(autoCommit);
    getAutoCommit();
  }

  @Override
  public boolean getAutoCommit() throws SQLException {
    return checked(super::getAutoCommit);
  }

  private final D1ConnectionExtras extras = new D1ConnectionExtras();

  /** No user-defined type mappings ({@link D1ConnectionExtras}; Avatica's client throws a bare exception). */
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

  /** A server's database property ({@code DatabaseMetaData} values the protocol carries). */
  <T> T databaseProperty(Meta.DatabaseProperty property, Class<T> type) throws SQLException {
    checkOpen();
    return checked(() -> property.getProp(meta, handle, type));
  }

  /**
   * The result set of the server connection's {@code DatabaseMetaData.method(arguments)}, asked for as a statement
   * ({@link D1RemoteMetadata}); closing it closes the statement.
   */
  ResultSet metadata(String method, Object... arguments) throws SQLException {
    java.sql.Statement statement = createStatement();
    try {
      statement.closeOnCompletion();
      return statement.executeQuery(D1RemoteMetadata.request(method, arguments));
    } catch (SQLException | RuntimeException e) {
      statement.close();
      throw e;
    }
  }

  @Override
  public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
    String keyed = D1RemoteKeys.markKey(sql, autoGeneratedKeys);
    return keyed.equals(sql) ? prepareStatement(sql) : keyed(keyed);
  }

  @Override
  public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
    return keyed(D1RemoteKeys.markIndexes(sql, columnIndexes));
  }

  @Override
  public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
    return keyed(D1RemoteKeys.markNames(sql, columnNames));
  }

  private static final Set<String> SINGLE_EXECUTIONS = Set.of("execute", "executeUpdate", "executeLargeUpdate");

  /**
   * Avatica's prepared statement for {@code keyedSql}, whose {@code getGeneratedKeys()} returns the keys of its last
   * execution (Avatica's own {@code AvaticaPreparedStatement} is built by a package-private factory: it cannot be
   * subclassed, so it is wrapped).
   */
  private PreparedStatement keyed(String keyedSql) throws SQLException {
    AvaticaStatement prepared = (AvaticaStatement) prepareStatement(keyedSql);
    boolean[] keysAsked = {false};
    InvocationHandler handler = (proxy, method, args) -> {
      String name = method.getName();
      if (name.equals("getGeneratedKeys") && method.getParameterCount() == 0) {
        return generatedKeys(prepared, keysAsked[0]);
      }
      if ((name.equals("unwrap") || name.equals("isWrapperFor")) && ((Class<?>) args[0]).isInstance(proxy)) {
        return name.equals("unwrap") ? proxy : Boolean.TRUE;
      }
      if (name.startsWith("execute")) {
        keysAsked[0] = false; // a failed execution, or a batch, has no keys (as with jdbc:d1:)
      }
      Object result;
      try {
        result = method.invoke(prepared, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
      keysAsked[0] |= SINGLE_EXECUTIONS.contains(name) && method.getParameterCount() == 0;
      return result;
    };
    return (PreparedStatement) Proxy.newProxyInstance(D1RemoteConnection.class.getClassLoader(),
        new Class<?>[] {PreparedStatement.class}, handler);
  }

  /**
   * The generated keys of {@code statement}'s last execution: the keys the server sent with it; an empty result set
   * when it asked for none. {@code asked}: the execution asked for keys, so a server that sent none is not
   * {@code calcite-d1 serve}.
   */
  ResultSet generatedKeys(AvaticaStatement statement, boolean asked) throws SQLException {
    Meta.MetaResultSet keys = ((GeneratedKeys) Proxy.getInvocationHandler(meta)).last.get(statement.handle.id);
    if (keys == null && asked) {
      throw new SQLException("The server sent no generated keys with the statement's result: jdbc:d1:remote: gets"
          + " them from calcite-d1 serve only (another Avatica server ignores the request); connect to calcite-d1"
          + " serve, or read the new rows back by another key", "0A000");
    }
    Meta.Signature signature = keys == null
        ? Meta.Signature.create(List.of(), "", List.of(), Meta.CursorFactory.LIST, Meta.StatementType.SELECT)
        : keys.signature.sanitize();
    Meta.Frame frame = keys == null ? Meta.Frame.EMPTY : keys.firstFrame;
    return createTrojan().execute(factory.newResultSet(statement, new QueryState(), signature, getTimeZone(), frame));
  }

  /**
   * {@code remote}, keeping the generated keys the server sends as the second result of an execution (Avatica's
   * client reads only the first), by statement id, until the statement's next execution.
   */
  static Meta keepingGeneratedKeys(Meta remote) {
    return (Meta) Proxy.newProxyInstance(D1RemoteConnection.class.getClassLoader(), new Class<?>[] {Meta.class},
        new GeneratedKeys(remote));
  }

  private static final class GeneratedKeys implements InvocationHandler {
    /** The Meta calls that execute a statement, or close it: each ends the keys of its last execution. */
    private static final Set<String> EXECUTIONS = Set.of("execute", "prepareAndExecute", "executeBatch",
        "prepareAndExecuteBatch", "closeStatement");
    private final Meta remote;
    private final Map<Integer, Meta.MetaResultSet> last = new ConcurrentHashMap<>();

    GeneratedKeys(Meta remote) {
      this.remote = remote;
    }

    @Override
    public Object invoke(Object proxy, java.lang.reflect.Method method, Object[] args) throws Throwable {
      Meta.StatementHandle statement = EXECUTIONS.contains(method.getName()) ? (Meta.StatementHandle) args[0] : null;
      if (statement != null) {
        last.remove(statement.id); // a new execution, or the statement closes
      }
      Object result;
      try {
        result = method.invoke(remote, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
      if (statement != null && result instanceof Meta.ExecuteResult executed && executed.resultSets.size() > 1) {
        last.put(statement.id, executed.resultSets.get(1));
      }
      return result;
    }
  }

  /** Avatica's statement, with generated keys ({@link D1RemoteKeys}). */
  static final class Statement extends AvaticaStatement {
    /** Whether the last execution asked for generated keys. */
    private boolean keysAsked;

    Statement(D1RemoteConnection connection, Meta.StatementHandle h, int resultSetType, int resultSetConcurrency,
        int resultSetHoldability) {
      super(connection, h, resultSetType, resultSetConcurrency, resultSetHoldability);
    }

    /** A failed execution, like one that asked for none, has no keys (as with jdbc:d1:). */
    @Override
    protected void executeInternal(String sql) throws SQLException {
      keysAsked = false;
      super.executeInternal(sql);
      keysAsked = sql.stripLeading().startsWith(D1RemoteKeys.PREFIX);
    }

    /** A batch returns no keys. */
    @Override
    protected long[] executeBatchInternal() throws SQLException {
      keysAsked = false;
      return super.executeBatchInternal();
    }

    @Override
    public ResultSet getGeneratedKeys() throws SQLException {
      checkOpen();
      return ((D1RemoteConnection) connection).generatedKeys(this, keysAsked);
    }

    @Override
    public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
      return execute(D1RemoteKeys.markKey(sql, autoGeneratedKeys));
    }

    @Override
    public boolean execute(String sql, int[] columnIndexes) throws SQLException {
      return execute(D1RemoteKeys.markIndexes(sql, columnIndexes));
    }

    @Override
    public boolean execute(String sql, String[] columnNames) throws SQLException {
      return execute(D1RemoteKeys.markNames(sql, columnNames));
    }

    @Override
    public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
      return executeUpdate(D1RemoteKeys.markKey(sql, autoGeneratedKeys));
    }

    @Override
    public int executeUpdate(String sql, int[] columnIndexes) throws SQLException {
      return executeUpdate(D1RemoteKeys.markIndexes(sql, columnIndexes));
    }

    @Override
    public int executeUpdate(String sql, String[] columnNames) throws SQLException {
      return executeUpdate(D1RemoteKeys.markNames(sql, columnNames));
    }

    @Override
    public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
      return executeLargeUpdate(D1RemoteKeys.markKey(sql, autoGeneratedKeys));
    }

    @Override
    public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
      return executeLargeUpdate(D1RemoteKeys.markIndexes(sql, columnIndexes));
    }

    @Override
    public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
      return executeLargeUpdate(D1RemoteKeys.markNames(sql, columnNames));
    }
  }
}
