package io.github.calcited1.server;

import io.github.calcited1.jdbc.D1Connections;
import io.github.calcited1.jdbc.D1Driver;
import io.github.calcited1.remote.D1RemoteKeys;
import io.github.calcited1.remote.D1RemoteMetadata;
import io.github.calcited1.write.D1BufferLimit;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.servlet.ServletException;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.apache.calcite.avatica.AvaticaSeverity;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.remote.TypedValue;
import org.apache.calcite.avatica.jdbc.StatementInfo;
import org.apache.calcite.avatica.NoSuchConnectionException;
import org.apache.calcite.avatica.jdbc.JdbcMeta;
import org.apache.calcite.avatica.remote.AvaticaRuntimeException;
import org.apache.calcite.avatica.remote.ProtobufMeta;
import org.apache.calcite.avatica.remote.Service.ErrorResponse;
import org.apache.calcite.avatica.remote.Service.RpcMetadataResponse;
import org.apache.calcite.avatica.remote.Driver.Serialization;
import org.apache.calcite.avatica.remote.LocalService;
import org.apache.calcite.avatica.server.AvaticaHandler;
import org.apache.calcite.avatica.server.HandlerFactory;
import org.apache.calcite.avatica.server.HttpServer;
import org.apache.calcite.avatica.server.ServerCustomizer;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.HandlerWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code calcite-d1 serve}: an Avatica HTTP server in front of a calcite-d1 connection (a model, or any
 * {@code jdbc:d1:} connect string), so thin clients ({@code jdbc:avatica:remote:url=...}) in other processes and
 * languages can query, federate and write through it.
 *
 * <ul>
 *   <li>Binds {@code 127.0.0.1} unless {@code --bind} says otherwise.</li>
 *   <li>Protobuf (default) or JSON serialization; the client's {@code serialization=} must match.</li>
 *   <li>Optional HTTP BASIC authentication ({@code --user} with the password from an environment variable, or a
 *       Jetty realm file).</li>
 *   <li>Connection expiry ({@code --connection-expiry}, default 10m, idle time): an expired server connection is
 *       closed, and <b>its buffered, uncommitted writes are dropped</b>.</li>
 *   <li>Client-supplied connection properties are filtered to {@link #SAFE_CLIENT_PROPERTIES}; everything else
 *       (model, parserFactory, typeSystem, schemaFactory, ...) comes only from the server's connect string.</li>
 *   <li>One client cannot hurt the others: past {@code --max-connections} (or, with HTTP BASIC, the user's
 *       {@code --max-connections-per-user}) a new connection is refused (53300), never an open one evicted; buffered
 *       writes are bounded per connection (54000), per authenticated user and for the server (53200); a request
 *       naming another connection's statement, or another user's connection, is refused.</li>
 *   <li>Errors keep their SQLState, code and message on the wire ({@link #carrySqlStates}).</li>
 *   <li>Two requests Avatica's protocol has no message for, sent as a comment that starts the statement (by
 *       {@code jdbc:d1:remote:}, or any client): generated keys ({@link D1RemoteKeys}: the execution answers with
 *       the update count, then the keys) and DatabaseMetaData's functions, keys and indexes
 *       ({@link D1RemoteMetadata}).</li>
 * </ul>
 *
 * Avatica server (Jetty) is an optional dependency of calcite-d1; the drop-in driver jar does not contain it.
 */
public final class D1AvaticaServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(D1AvaticaServer.class);

  /**
   * Connection properties a client may set. All are lexical or locale settings of the client's own session; none
   * names a class, a file or a schema.
   */
  public static final Set<String> SAFE_CLIENT_PROPERTIES = Collections.unmodifiableSet(new TreeSet<>(List.of(
      "user", "password", "lex", "quoting", "unquotedCasing", "quotedCasing", "caseSensitive", "conformance",
      "timeZone", "locale")));

  /** Server-side JdbcMeta settings, passed to JdbcMeta and never to the driver from a client. */
  static final String EXPIRY_DURATION = "avatica.connectioncache.expiryduration";
  static final String EXPIRY_UNIT = "avatica.connectioncache.expiryunit";
  static final String MAX_CONNECTIONS = "avatica.connectioncache.maxcapacity";
  static final long DEFAULT_MAX_BUFFER_PER_CONNECTION = 64L << 20;

  private final HttpServer http;
  private final Config config;
  private final Path generatedRealm;

  private D1AvaticaServer(HttpServer http, Config config, Path generatedRealm) {
    this.http = http;
    this.config = config;
    this.generatedRealm = generatedRealm;
  }

  /** What to serve and how. */
  public static final class Config {
    String url;
    String bind = "127.0.0.1";
    int port = 8765;
    Serialization serialization = Serialization.PROTOBUF;
    Duration connectionExpiry = Duration.ofMinutes(10);
    int maxConnections = 100;
    long maxBufferPerConnection = DEFAULT_MAX_BUFFER_PER_CONNECTION;
    long maxBufferTotal = Math.max(DEFAULT_MAX_BUFFER_PER_CONNECTION, Runtime.getRuntime().maxMemory() / 4);
    /** 0: a user is bounded by the server's limits only. */
    int maxConnectionsPerUser;
    long maxBufferPerUser;
    String basicUser;
    String basicPassword;
    String realmFile;

    public Config url(String url) {
      this.url = url;
      return this;
    }

    /** {@code jdbc:d1:model=PATH} (a path is quoted when it needs to be). */
    public Config model(String model) {
      String m = model.startsWith("inline:") || model.matches("[A-Za-z0-9_./:\\\\-]+") ? model
          : "'" + model.replace("'", "''") + "'";
      this.url = "jdbc:d1:model=" + m;
      return this;
    }

    public Config bind(String host) {
      this.bind = host;
      return this;
    }

    public Config port(int port) {
      this.port = port;
      return this;
    }

    public Config serialization(Serialization s) {
      this.serialization = s;
      return this;
    }

    public Config connectionExpiry(Duration d) {
      this.connectionExpiry = d;
      return this;
    }

    public Config maxConnections(int n) {
      this.maxConnections = n;
      return this;
    }

    /** Bytes of uncommitted writes one connection may hold (a statement past it is refused with SQLState 54000). */
    public Config maxBufferPerConnection(long bytes) {
      this.maxBufferPerConnection = bytes;
      return this;
    }

    /** Bytes of uncommitted writes all connections together may hold (past it: SQLState 53200). */
    public Config maxBufferTotal(long bytes) {
      this.maxBufferTotal = bytes;
      return this;
    }

    /**
     * Connections one authenticated (HTTP BASIC) user may have open; past it that user's new connection is refused
     * (53300) while other users still connect. 0 (the default): only {@link #maxConnections} bounds them.
     */
    public Config maxConnectionsPerUser(int n) {
      this.maxConnectionsPerUser = n;
      return this;
    }

    /**
     * Bytes of uncommitted writes all connections of one authenticated user may hold together (past it: SQLState
     * 53200, to that user only). 0 (the default): only the per-connection and server limits bound them.
     */
    public Config maxBufferPerUser(long bytes) {
      this.maxBufferPerUser = bytes;
      return this;
    }

    /** HTTP BASIC with one user. */
    public Config basicAuth(String user, String password) {
      this.basicUser = user;
      this.basicPassword = password;
      return this;
    }

    /** HTTP BASIC with a Jetty realm file ({@code name: password,d1} per line; role {@code d1}). */
    public Config realmFile(String file) {
      this.realmFile = file;
      return this;
    }
  }

  public static Config config() {
    return new Config();
  }

  /** Starts the server; {@link #port()} tells the port when 0 (any free port) was asked for. */
  public static D1AvaticaServer start(Config c) throws SQLException, IOException {
    if (c.url == null) {
      throw new IllegalArgumentException("nothing to serve: give --model PATH or --url JDBC_URL");
    }
    loadDriver("io.github.calcited1.jdbc.D1Driver");
    Properties metaInfo = new Properties();
    metaInfo.setProperty(EXPIRY_DURATION, Long.toString(Math.max(1, c.connectionExpiry.toMillis())));
    metaInfo.setProperty(EXPIRY_UNIT, TimeUnit.MILLISECONDS.name());
    // JdbcMeta's cache would evict the least recently used connection, with its uncommitted writes, to make room:
    // ServerMeta refuses a connection past the maximum instead, so the cache itself must never be full.
    metaInfo.setProperty(MAX_CONNECTIONS, Long.toString(Long.MAX_VALUE));
    if (c.maxConnectionsPerUser < 0 || c.maxBufferPerUser < 0) {
      throw new IllegalArgumentException("--max-connections-per-user and --max-buffer-per-user must not be negative");
    }
    if ((c.maxConnectionsPerUser > 0 || c.maxBufferPerUser > 0) && c.basicUser == null && c.realmFile == null) {
      throw new IllegalArgumentException("--max-connections-per-user and --max-buffer-per-user bound authenticated"
          + " users: turn on HTTP BASIC with --user or --realm-file, or leave them out");
    }
    ServerMeta meta = new ServerMeta(c.url, metaInfo, c.maxConnections,
        D1BufferLimit.shared(c.maxBufferTotal, "the server's --max-buffer-total"), c.maxBufferPerConnection,
        c.maxConnectionsPerUser, c.maxBufferPerUser);

    AvaticaHandler avatica = new HandlerFactory().getHandler(new LocalService(carrySqlStates(meta)),
        c.serialization);
    HttpServer.Builder<Server> builder = new HttpServer.Builder<Server>()
        .withHandler(new AuthenticatedUser(avatica))
        .withPort(c.port);
    String bind = c.bind;
    ServerCustomizer<Server> bindTo = server -> {
      for (org.eclipse.jetty.server.Connector connector : server.getConnectors()) {
        if (connector instanceof ServerConnector sc) {
          sc.setHost(bind);
        }
      }
    };
    builder.withServerCustomizers(List.of(bindTo), Server.class);
    Path generated = null;
    String realm = c.realmFile;
    if (c.basicUser != null) {
      generated = Files.createTempFile("calcite-d1-serve-realm", ".properties");
      try {
        Files.setPosixFilePermissions(generated, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system
      }
      try {
        writeRealm(generated, c.basicUser, c.basicPassword);
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(generated);
        throw e;
      }
      realm = generated.toString();
    }
    if (realm != null) {
      builder.withBasicAuthentication(realm, new String[] {"d1"});
    }
    HttpServer http = builder.build();
    try {
      http.start();
    } catch (RuntimeException e) {
      if (generated != null) {
        Files.deleteIfExists(generated);
      }
      throw e;
    }
    return new D1AvaticaServer(http, c, generated);
  }

  /**
   * Writes a one-user realm file. Jetty reads it as a properties file and cuts the value at the first {@code ,} after
   * trimming it, so the password goes in obfuscated form ({@code OBF:}, letters and digits only): any password,
   * with commas, backslashes or surrounding blanks, then works exactly as set.
   */
  static void writeRealm(Path file, String user, String password) throws IOException {
    if (user.isEmpty() || !user.equals(user.strip())) {
      throw new IllegalArgumentException("the --user name must not be empty or start or end with blanks");
    }
    Properties realm = new Properties();
    realm.setProperty(user, org.eclipse.jetty.util.security.Password.obfuscate(password) + ",d1");
    try (java.io.Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      realm.store(w, null);
    }
  }

  private static void loadDriver(String name) {
    try {
      Class.forName(name);
    } catch (ClassNotFoundException e) {
      LOG.debug("{} not on the class path", name);
    }
  }

  public int port() {
    return http.getPort();
  }

  /** The thin client's connect string for this server. */
  public String clientUrl() {
    String host = config.bind.equals("0.0.0.0") || config.bind.equals("::") ? "127.0.0.1" : config.bind;
    if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return "jdbc:avatica:remote:url=http://" + host + ":" + port() + ";serialization="
        + config.serialization.name().toLowerCase(Locale.ROOT)
        + (config.basicUser != null || config.realmFile != null ? ";authentication=BASIC" : "");
  }

  /** The connect string of calcite-d1's thin client ({@code jdbc:d1:remote:}, in the driver jar) for this server. */
  public String d1ClientUrl() {
    return clientUrl().replace("jdbc:avatica:remote:", io.github.calcited1.remote.D1RemoteDriver.CONNECT_STRING_PREFIX);
  }

  public void join() throws InterruptedException {
    http.join();
  }

  @Override public void close() {
    http.stop();
    if (generatedRealm != null) {
      try {
        Files.deleteIfExists(generatedRealm);
      } catch (IOException e) {
        // ignore
      }
    }
  }

  /**
   * Avatica's handler, with the name of the HTTP BASIC user Jetty authenticated for the request it runs available to
   * {@link ServerMeta} as {@link #current()}. Avatica hands BASIC users to no Meta (its impersonation callback is for
   * SPNEGO only), and the connection properties a client sends ({@code user}) are whatever the client says.
   */
  static final class AuthenticatedUser extends HandlerWrapper implements AvaticaHandler {
    private static final ThreadLocal<String> USER = new ThreadLocal<>();
    private final AvaticaHandler avatica;

    AuthenticatedUser(AvaticaHandler avatica) {
      this.avatica = avatica;
      setHandler(avatica);
    }

    /** The authenticated user of the request this thread is answering; null without authentication. */
    static String current() {
      return USER.get();
    }

    @Override public void handle(String target, Request baseRequest, HttpServletRequest request,
        HttpServletResponse response) throws IOException, ServletException {
      USER.set(request.getRemoteUser());
      try {
        super.handle(target, baseRequest, request, response);
      } finally {
        USER.remove();
      }
    }

    @Override public void setServerRpcMetadata(RpcMetadataResponse metadata) {
      avatica.setServerRpcMetadata(metadata);
    }
  }

  /**
   * The server's JdbcMeta: drops client-supplied connection properties outside {@link #SAFE_CLIENT_PROPERTIES},
   * refuses a connection past {@code --max-connections} (or the user's {@code --max-connections-per-user}) rather
   * than evict one (with its uncommitted writes), bounds buffered writes per connection, per user and in all.
   */
  static final class ServerMeta extends JdbcMeta {
    /** A statement prepared with generated keys. */
    private static final class KeyedStatementInfo extends StatementInfo {
      final PreparedStatement keyed;

      KeyedStatementInfo(PreparedStatement keyed) {
        super(keyed);
        this.keyed = keyed;
      }
    }


    private final Set<String> serverKeys;
    private final int maxConnections;
    private final D1BufferLimit serverBuffer;
    private final long maxBufferPerConnection;
    private final int maxConnectionsPerUser;
    private final long maxBufferPerUser;
    /** Connections being opened: they hold a place before they reach the cache. */
    private int opening;
    /** The authenticated user of each connection open or being opened (by connection id); guarded by this. */
    private final Map<String, String> owners = new HashMap<>();
    /** The users of the connections being opened (null without authentication); guarded by this. */
    private final List<String> openingUsers = new ArrayList<>();
    private final Map<String, D1BufferLimit> userBuffers = new ConcurrentHashMap<>();
    /** The connection id of each statement (by statement id): JdbcMeta keeps none it would check. */
    private final Map<Integer, String> statementOwners = new ConcurrentHashMap<>();

    ServerMeta(String url, Properties info, int maxConnections, D1BufferLimit serverBuffer,
        long maxBufferPerConnection, int maxConnectionsPerUser, long maxBufferPerUser) throws SQLException {
      super(url, info);
      this.serverKeys = new LinkedHashSet<>(info.stringPropertyNames());
      this.maxConnections = maxConnections;
      this.serverBuffer = serverBuffer;
      this.maxBufferPerConnection = maxBufferPerConnection;
      this.maxConnectionsPerUser = maxConnectionsPerUser;
      this.maxBufferPerUser = maxBufferPerUser;
    }

    @Override public void openConnection(ConnectionHandle ch, Map<String, String> info) {
      // The place is taken under the lock (two clients cannot both get the last one); opening, which reads the
      // catalog from D1 and can take seconds, runs outside it.
      String user = AuthenticatedUser.current();
      synchronized (this) {
        getConnectionCache().cleanUp(); // closes the expired connections first: their places are free
        if (getConnectionCache().size() + opening >= maxConnections) {
          throw new AvaticaRuntimeException("The server has its maximum of " + maxConnections + " connections open"
              + " (--max-connections); no connection was closed to make room. Close connections you no longer use"
              + " (an idle one closes after --connection-expiry) and retry, or raise --max-connections.", 0,
              "53300", AvaticaSeverity.ERROR);
        }
        if (user != null) {
          owners.keySet().retainAll(getConnectionCache().asMap().keySet()); // forgets closed and expired ones
        }
        if (user != null && maxConnectionsPerUser > 0) {
          if (Collections.frequency(owners.values(), user) + openingBy(user) >= maxConnectionsPerUser) {
            throw new AvaticaRuntimeException("User \"" + user + "\" has its maximum of " + maxConnectionsPerUser
                + " connections open (--max-connections-per-user); no connection was closed to make room. Close"
                + " connections you no longer use (an idle one closes after --connection-expiry) and retry.", 0,
                "53300", AvaticaSeverity.ERROR);
          }
        }
        opening++;
        openingUsers.add(user);
      }
      boolean opened = false;
      try {
        super.openConnection(ch, info);
        opened = true;
      } finally {
        synchronized (this) {
          opening--;
          openingUsers.remove(user);
          if (opened && user != null) {
            owners.put(ch.id, user);
          }
        }
      }
    }

    /**
     * Refuses a request that names another user's connection, or a statement of another connection than the one it
     * names. Avatica's JdbcMeta finds a statement by its number alone, and numbers count up from 0: without this
     * check any client could fetch another's rows or run SQL inside another's transaction.
     */
    void checkCaller(Object[] args) {
      Object handle = args == null || args.length == 0 ? null : args[0];
      String connectionId = handle instanceof ConnectionHandle ch ? ch.id
          : handle instanceof StatementHandle h ? h.connectionId : null;
      if (connectionId == null) {
        return;
      }
      String user = AuthenticatedUser.current();
      String owner;
      synchronized (this) {
        owner = owners.get(connectionId);
      }
      if (owner != null && !owner.equals(user)) {
        throw new AvaticaRuntimeException("No connection " + connectionId + " is open for user \"" + user + "\": a"
            + " connection serves only the user who opened it. Open a connection of your own.", 0, "08003",
            AvaticaSeverity.ERROR);
      }
      if (handle instanceof StatementHandle h) {
        if (getStatementCache().getIfPresent(h.id) != null && !connectionId.equals(statementOwners.get(h.id))) {
          throw new AvaticaRuntimeException("Connection " + connectionId + " has no statement " + h.id + ": a"
              + " statement is used through the connection that created it.", 0, "26000", AvaticaSeverity.ERROR);
        }
      }
    }

    /**
     * {@code result}; a statement it hands out (a created or prepared statement, or the statement of a metadata
     * result set) is recorded as its connection's.
     */
    Object recordOwner(Object result) {
      if (result instanceof StatementHandle h) {
        record(h.id, h.connectionId);
      } else if (result instanceof MetaResultSet rows) {
        record(rows.statementId, rows.connectionId);
      }
      return result;
    }

    /**
     * Records a statement's connection once: every execution hands its statement out again, and the records of the
     * statements no longer cached are forgotten only when a new one is recorded (a pass over all of them).
     */
    private void record(int statementId, String connectionId) {
      if (statementOwners.putIfAbsent(statementId, connectionId) == null) {
        statementOwners.keySet().retainAll(getStatementCache().asMap().keySet());
      }
    }

    private int openingBy(String user) {
      return Collections.frequency(openingUsers, user);
    }

    /**
     * A statement prepared with generated keys ({@link D1RemoteKeys}) on the server's {@code jdbc:d1:} connection,
     * which supports them: each execution answers with the update count and then the keys.
     */
    @Override public StatementHandle prepare(ConnectionHandle ch, String sql, long maxRowCount) {
      D1RemoteKeys keys = keysAskedBy(sql);
      if (keys == null) {
        return super.prepare(ch, sql, maxRowCount);
      }
      try {
        PreparedStatement statement = keys.prepare(getConnection(ch.id));
        int id = getStatementIdGenerator().getAndIncrement();
        getStatementCache().put(id, new KeyedStatementInfo(statement));
        return new StatementHandle(ch.id, id, signature(statement.getMetaData(), statement.getParameterMetaData(),
            sql, statement.unwrap(AvaticaStatement.class).getStatementType()));
      } catch (SQLException e) {
        throw new RuntimeException(e);
      }
    }

    @Override public ExecuteResult execute(StatementHandle h, List<TypedValue> parameterValues,
        int maxRowsInFirstFrame) throws NoSuchStatementException {
      ExecuteResult result = super.execute(h, parameterValues, maxRowsInFirstFrame);
      StatementInfo info = getStatementCache().getIfPresent(h.id);
      return info instanceof KeyedStatementInfo k ? withKeys(h, k.keyed, result) : result;
    }

    /**
     * A statement that asks for generated keys runs with them, on a statement of its own (JdbcMeta keeps the
     * client's statement out of reach), and answers with its update count and the keys.
     */
    @Override public ExecuteResult prepareAndExecute(StatementHandle h, String sql, long maxRowCount,
        int maxRowsInFirstFrame, PrepareCallback callback) throws NoSuchStatementException {
      D1RemoteKeys keys = keysAskedBy(sql);
      D1RemoteMetadata metadata = keys == null ? metadataAskedBy(sql) : null;
      if (keys == null && metadata == null) {
        return super.prepareAndExecute(h, sql, maxRowCount, maxRowsInFirstFrame, callback);
      }
      StatementInfo info = getStatementCache().getIfPresent(h.id);
      if (info == null) {
        throw new NoSuchStatementException(h);
      }
      info.setResultSet(null); // the client's statement has no rows now: a fetch must not see its last query's
      if (metadata != null) {
        try (ResultSet rows = metadata.call(getConnection(h.connectionId).getMetaData())) {
          return new ExecuteResult(List.of(allRows(h, rows)));
        } catch (SQLException e) {
          throw new RuntimeException(e);
        }
      }
      try (Statement statement = getConnection(h.connectionId).createStatement()) {
        if (keys.execute(statement)) {
          statement.getResultSet().close();
          throw new SQLException("Generated keys were asked for a statement that returns rows; ask for them with"
              + " INSERT, UPDATE or DELETE only", "0A000");
        }
        return withKeys(h, statement,
            new ExecuteResult(List.of(MetaResultSet.count(h.connectionId, h.id, statement.getUpdateCount()))));
      } catch (SQLException e) {
        throw new RuntimeException(e);
      }
    }

    private static D1RemoteKeys keysAskedBy(String sql) {
      try {
        return D1RemoteKeys.of(sql);
      } catch (SQLException e) {
        throw new RuntimeException(e);
      }
    }

    private static D1RemoteMetadata metadataAskedBy(String sql) {
      try {
        return D1RemoteMetadata.of(sql);
      } catch (SQLException e) {
        throw new RuntimeException(e);
      }
    }

    /** {@code result} and then the statement's generated keys. */
    private static ExecuteResult withKeys(StatementHandle h, Statement statement, ExecuteResult result) {
      List<MetaResultSet> both = new ArrayList<>(result.resultSets);
      try (ResultSet keys = statement.getGeneratedKeys()) {
        both.add(allRows(h, keys));
      } catch (SQLException e) {
        throw new RuntimeException(e);
      }
      return new ExecuteResult(both);
    }

    /**
     * {@code rows}, all in one frame: the client fetches no more (the statement it would fetch from has no rows). The
     * values are plain (Long, String, Double, Short, Integer, Boolean: generated keys and catalog rows), read with
     * {@code getObject}; JdbcMeta's own converter, {@code JdbcResultSet}, is package-private.
     */
    private static MetaResultSet allRows(StatementHandle h, ResultSet rows) throws SQLException {
      Signature signature = signature(rows.getMetaData());
      int columns = signature.columns.size();
      List<Object> frame = new ArrayList<>();
      while (rows.next()) {
        List<Object> row = new ArrayList<>(columns);
        for (int i = 1; i <= columns; i++) {
          row.add(rows.getObject(i));
        }
        frame.add(row);
      }
      return MetaResultSet.create(h.connectionId, h.id, false, signature, new Frame(0, true, frame));
    }

    @Override protected Connection createConnection(String url, Properties info) throws SQLException {
      Connection connection = super.createConnection(url, filter(info, serverKeys));
      D1BufferLimit own =
          D1BufferLimit.perConnection(maxBufferPerConnection, "the server's --max-buffer-per-connection");
      String user = AuthenticatedUser.current();
      if (user != null && maxBufferPerUser > 0) {
        D1BufferLimit users = userBuffers.computeIfAbsent(user,
            u -> D1BufferLimit.perUser(maxBufferPerUser, u, "the server's --max-buffer-per-user"));
        D1Connections.session(connection).limitBuffer(own, users, serverBuffer);
      } else {
        D1Connections.session(connection).limitBuffer(own, serverBuffer);
      }
      return connection;
    }
  }

  /**
   * The Meta as the server's handler sees it, with each failure turned into what Avatica's ErrorResponse carries to
   * the client: JdbcMeta wraps an SQLException in a bare RuntimeException, which Avatica sends as "Error -1 (00000)";
   * an {@link AvaticaRuntimeException} keeps the SQLState, the vendor code and the message, so the thin client's
   * AvaticaSqlException (and, for commit/rollback, AvaticaClientRuntimeException) reports them. Each request is first
   * checked to name the caller's own connection and statement ({@link ServerMeta#checkCaller}).
   */
  static ProtobufMeta carrySqlStates(ServerMeta meta) {
    InvocationHandler handler = (proxy, method, args) -> {
      try {
        meta.checkCaller(args);
        return meta.recordOwner(method.invoke(meta, args));
      } catch (InvocationTargetException e) {
        throw onTheWire(e.getCause());
      }
    };
    return (ProtobufMeta) Proxy.newProxyInstance(ProtobufMeta.class.getClassLoader(),
        new Class<?>[] {ProtobufMeta.class}, handler);
  }

  /** The failure as the client should see it (see {@link #carrySqlStates}). */
  static Throwable onTheWire(Throwable failure) {
    if (failure instanceof NoSuchConnectionException) {
      // Avatica's client knows this code (transparent_reconnection); the text says what was lost.
      return new AvaticaRuntimeException("This connection is no longer open on the server: closed, or idle longer"
          + " than the server's --connection-expiry. Its uncommitted writes were discarded and none of them was"
          + " written. Open a new connection and run the transaction again.",
          ErrorResponse.MISSING_CONNECTION_ERROR_CODE, "08003", AvaticaSeverity.ERROR);
    }
    SQLException first = null;
    for (Throwable t = failure; t != null && t != t.getCause(); t = t.getCause()) {
      if (t instanceof SQLException sql) {
        if (sql.getSQLState() != null) {
          return new AvaticaRuntimeException(sql.getMessage(), sql.getErrorCode(), sql.getSQLState(),
              AvaticaSeverity.ERROR);
        }
        first = first == null ? sql : first;
      }
    }
    if (first != null) {
      return new AvaticaRuntimeException(first.getMessage(), first.getErrorCode(), "HY000", AvaticaSeverity.ERROR);
    }
    return failure;
  }

  /**
   * Keeps the safe client keys; drops the server's own JdbcMeta settings (they configure the connection cache, and
   * are not connection properties: the {@code jdbc:d1:database=...} shortcut would take them for schema operands)
   * and logs the other keys it drops.
   */
  static Properties filter(Properties info, Set<String> serverKeys) {
    Properties safe = new Properties();
    List<String> dropped = new ArrayList<>();
    for (String key : info.stringPropertyNames()) {
      if (SAFE_CLIENT_PROPERTIES.contains(key)) {
        safe.setProperty(key, info.getProperty(key));
      } else if (!serverKeys.contains(key)) {
        dropped.add(key);
      }
    }
    if (!dropped.isEmpty()) {
      LOG.info("ignored client connection properties {} (allowed: {})", dropped, SAFE_CLIENT_PROPERTIES);
    }
    return safe;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Command line

  public static void main(String[] args) throws Exception {
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    Config c = config();
    String passwordEnv = "CALCITE_D1_SERVE_PASSWORD";
    String passwordFile = null;
    List<String> list = new ArrayList<>(List.of(args));
    D1AvaticaServer server;
    if (!list.isEmpty() && list.get(0).equals("serve")) {
      list.remove(0);
    }
    try {
      for (int i = 0; i < list.size(); i++) {
        String a = list.get(i);
        if (a.equals("--help") || a.equals("-h")) {
          out.println(usage());
          return 0;
        }
        if (i + 1 >= list.size()) {
          throw new IllegalArgumentException(a + " needs a value");
        }
        String v = list.get(++i);
        switch (a) {
          case "--model" -> c.model(v);
          case "--url" -> c.url(v);
          case "--bind" -> c.bind(v);
          case "--port" -> c.port(Integer.parseInt(v));
          case "--serialization" -> c.serialization(Serialization.valueOf(v.toUpperCase(Locale.ROOT)));
          case "--connection-expiry" -> c.connectionExpiry(parseDuration(v));
          case "--max-connections" -> c.maxConnections(Integer.parseInt(v));
          case "--max-buffer-per-connection" -> c.maxBufferPerConnection(parseBytes(v));
          case "--max-buffer-total" -> c.maxBufferTotal(parseBytes(v));
          case "--max-connections-per-user" -> c.maxConnectionsPerUser(Integer.parseInt(v));
          case "--max-buffer-per-user" -> c.maxBufferPerUser(parseBytes(v));
          case "--user" -> c.basicUser = v;
          case "--password-env" -> passwordEnv = v;
          case "--password-file" -> passwordFile = v;
          case "--realm-file" -> c.realmFile(v);
          default -> throw new IllegalArgumentException("unknown option " + a);
        }
      }
      if (c.url == null) {
        throw new IllegalArgumentException("give --model PATH or --url JDBC_URL");
      }
      if (c.basicUser != null) {
        c.basicPassword = passwordFile != null ? readPasswordFile(passwordFile) : System.getenv(passwordEnv);
        if (c.basicPassword == null || c.basicPassword.isEmpty()) {
          throw new IllegalArgumentException("--user needs a password: in environment variable " + passwordEnv
              + " (or the one --password-env names), or in the file --password-file names");
        }
      }
      if (c.realmFile != null && !Files.isReadable(Paths.get(c.realmFile))) {
        throw new IllegalArgumentException("cannot read realm file " + c.realmFile);
      }
      server = start(c); // its own checks (per-user limits without users) are usage errors too
    } catch (IllegalArgumentException e) {
      err.println("calcite-d1 serve: " + e.getMessage() + "\n" + usage());
      return 1;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "calcite-d1-serve-shutdown"));
    out.println("calcite-d1 serve: " + redact(c.url) + " on http://" + c.bind + ":" + server.port() + " ("
        + c.serialization.name().toLowerCase(Locale.ROOT) + (c.basicUser != null || c.realmFile != null
        ? ", HTTP BASIC" : ", no authentication") + ")");
    out.println("  connect: " + server.clientUrl());
    out.println("       or: " + server.d1ClientUrl() + "   (calcite-d1's driver jar: SQLExceptions from commit,"
        + " generated keys)");
    out.println("  idle connections expire after " + c.connectionExpiry.toString().substring(2).toLowerCase(Locale.ROOT)
        + "; an expired connection's uncommitted writes are dropped.");
    if (!c.bind.equals("127.0.0.1") && !c.bind.equals("localhost") && c.basicUser == null && c.realmFile == null) {
      out.println("  WARNING: listening beyond loopback without authentication.");
    }
    out.flush();
    server.join();
    return 0;
  }

  static Duration parseDuration(String v) {
    String s = v.trim().toLowerCase(Locale.ROOT);
    long n;
    if (s.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
    }
    char unit = s.charAt(s.length() - 1);
    if (Character.isDigit(unit)) {
      return Duration.ofMinutes(Long.parseLong(s));
    }
    n = Long.parseLong(s.substring(0, s.length() - 1));
    return switch (unit) {
      case 's' -> Duration.ofSeconds(n);
      case 'm' -> Duration.ofMinutes(n);
      case 'h' -> Duration.ofHours(n);
      case 'd' -> Duration.ofDays(n);
      default -> throw new IllegalArgumentException("bad duration " + v + " (use 30s, 10m, 2h)");
    };
  }

  /** The whole content of a password file, taken as it is but for one line break at its end. */
  static String readPasswordFile(String file) {
    try {
      return Files.readString(Paths.get(file), StandardCharsets.UTF_8).replaceFirst("\\r?\\n\\z", "");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read --password-file " + file + ": " + e.getMessage());
    }
  }

  /** A byte count: {@code 65536}, {@code 512k}, {@code 64m}, {@code 1g}. */
  static long parseBytes(String v) {
    String s = v.trim().toLowerCase(Locale.ROOT);
    int shift = switch (s.isEmpty() ? ' ' : s.charAt(s.length() - 1)) {
      case 'k' -> 10;
      case 'm' -> 20;
      case 'g' -> 30;
      default -> 0;
    };
    try {
      long n = Long.parseLong(shift == 0 ? s : s.substring(0, s.length() - 1));
      if (n > 0 && n <= Long.MAX_VALUE >> shift) {
        return n << shift;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("bad size " + v + " (use 65536, 512k, 64m, 1g)");
  }

  /** The connect string without secret-looking values; not shown at all when an inline model holds a token. */
  static String redact(String url) {
    if (D1Driver.modelHoldsToken(url)) {
      return "<connect string not shown: its model holds an apiToken>";
    }
    return url.replaceAll("(?i)(apiToken|password|token)=[^;]*", "$1=***");
  }

  static String usage() {
    return String.join("\n",
        "usage: calcite-d1 serve (--model PATH | --url JDBC_URL) [options]",
        "  --bind HOST               address to listen on (default 127.0.0.1)",
        "  --port N                  port (default 8765; 0 = any free port)",
        "  --serialization protobuf|json   wire format (default protobuf; clients must match)",
        "  --connection-expiry D     close connections idle for D (default 10m; 30s, 2h ...).",
        "                            Closing drops the connection's uncommitted writes.",
        "  --max-connections N       open server connections at most (default 100); past it a new",
        "                            connection is refused, no open one is closed",
        "  --max-buffer-per-connection SIZE  uncommitted writes one connection may hold (default 64m)",
        "  --max-buffer-total SIZE   uncommitted writes of all connections (default: a quarter of the heap)",
        "  --max-connections-per-user N      with HTTP BASIC: open connections of one user at most",
        "                            (default: only --max-connections)",
        "  --max-buffer-per-user SIZE        with HTTP BASIC: uncommitted writes of all connections of one",
        "                            user (default: only the per-connection and total limits)",
        "  --user NAME               HTTP BASIC user; password from $CALCITE_D1_SERVE_PASSWORD",
        "  --password-env VAR        read the BASIC password from VAR instead",
        "  --password-file FILE      read it from FILE (its whole content but a final line break)",
        "                            Either way, every character counts: commas, backslashes, blanks.",
        "  --realm-file FILE         HTTP BASIC users from a Jetty realm file (name: password,d1)");
  }
}
