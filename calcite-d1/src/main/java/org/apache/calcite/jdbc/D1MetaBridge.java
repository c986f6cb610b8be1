package org.apache.calcite.jdbc;

import com.google.common.collect.ImmutableMap;
import org.apache.calcite.DataContext;
import org.apache.calcite.DataContexts;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaSite;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.MetaImpl;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.remote.TypedValue;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.QueryProvider;
import org.apache.calcite.rel.type.TimeFrameSet;
import org.apache.calcite.rel.type.TimeFrames;
import org.apache.calcite.runtime.Hook;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.util.Holder;
import org.apache.calcite.util.Util;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;

/**
 * One of the two classes calcite-d1 puts into Calcite's package (a split package on the class path; the other is
 * {@link D1JdbcFactory}, for the same reason).
 *
 * <p>{@link CalciteMetaImpl}'s constructors take the package-private {@code CalciteConnectionImpl}, so a Meta subclass
 * outside this package cannot be compiled; and a connection's Meta is reachable only through the package-private
 * {@code CalciteConnectionImpl.meta()}. This bridge exposes those two things (and, for {@code DatabaseMetaData}, hides
 * Calcite's {@code metadata} schema, whose listing is package-private too). The Meta that
 * gives calcite-d1 its commit/rollback path is {@code io.github.calcited1.jdbc.D1JdbcMeta}.
 */
public abstract class D1MetaBridge extends CalciteMetaImpl {
  /** Calcite's schema of its own metadata tables ({@code metadata.TABLES}, {@code metadata.COLUMNS}). */
  private static final String CALCITE_METADATA_SCHEMA = "metadata";

  protected D1MetaBridge(AvaticaConnection connection, CalciteMetaColumnFactory columns) {
    super((CalciteConnectionImpl) connection, CalciteMetaTableFactoryImpl.INSTANCE, columns);
  }

  /**
   * As Calcite's, without Calcite's own {@code metadata} schema: its SYSTEM TABLEs are not the user's data, and a
   * tool would show an extra schema and a table type {@code getTableTypes} does not list. SQL can still read it.
   */
  @Override
  org.apache.calcite.linq4j.Enumerable<MetaSchema> schemas(String catalog,
      org.apache.calcite.schema.lookup.LikePattern pattern) {
    return super.schemas(catalog, pattern).where(s -> !CALCITE_METADATA_SCHEMA.equals(s.tableSchem));
  }

  /**
   * As Calcite's, but an SQLException thrown while the statement starts (e.g. an autocommit write sent at once, or a
   * value refused before sending) reaches the JDBC caller as itself, with its SQLState and type. Calcite's own
   * version rethrows it as {@code new RuntimeException(e.getMessage())}, dropping both.
   */
  @Override
  Iterable<Object> _createIterable(StatementHandle handle, Signature signature, List<TypedValue> parameterValues,
      Frame firstFrame) {
    try {
      return enumerable(handle, (CalcitePrepare.CalciteSignature<Object>) signature, parameterValues);
    } catch (java.sql.SQLException e) {
      throw D1MetaBridge.<RuntimeException>sneaky(e);
    }
  }

  /** What {@link #dataContext} reads from the connection's properties, read once (they do not change). */
  private volatile ConnectionConstants constants;

  private static final class ConnectionConstants {
    final boolean spark;
    final @org.checkerframework.checker.nullness.qual.Nullable TimeZone timeZone; // null: the JVM default, per run
    final Locale locale;
    final TimeFrameSet timeFrameSet;

    ConnectionConstants(CalciteConnectionImpl c) {
      org.apache.calcite.config.CalciteConnectionConfig config = c.config();
      this.spark = config.spark();
      String tz = config.timeZone();
      this.timeZone = tz == null ? null : TimeZone.getTimeZone(tz);
      String localeName = config.locale();
      this.locale = localeName != null ? Util.parseLocale(localeName) : Locale.ROOT;
      this.timeFrameSet = c.typeFactory.getTypeSystem().deriveTimeFrameSet(TimeFrames.CORE);
    }
  }

  private ConnectionConstants constants() {
    ConnectionConstants k = constants;
    if (k == null) {
      k = new ConnectionConstants(getConnection());
      constants = k;
    }
    return k;
  }

  /**
   * As {@code CalciteConnectionImpl.enumerable}, but with a {@link DataContext} built from {@link #constants()}, read
   * once per connection: Calcite's own reads the connection's properties on each execution and derives the
   * time-frame set again, which dominated a prepared INSERT executed many times. The context holds the same
   * variables as Calcite's {@code DataContextImpl}.
   */
  private Enumerable<Object> enumerable(StatementHandle handle, CalcitePrepare.CalciteSignature<Object> signature,
      List<TypedValue> parameterValues0) throws SQLException {
    CalciteConnectionImpl connection = getConnection();
    AvaticaStatement statement = connection.statementMap.get(handle.id);
    if (statement == null) {
      return connection.enumerable(handle, signature, parameterValues0);
    }
    List<TypedValue> parameterValues = parameterValues0 == null || parameterValues0.isEmpty()
        ? CalciteConnectionImpl.TROJAN.getParameterValues(statement) : parameterValues0;
    if (MetaImpl.checkParameterValueHasNull(parameterValues)) {
      throw new SQLException("exception while executing query: unbound parameter");
    }
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < parameterValues.size(); i++) {
      map.put("?" + i, parameterValues.get(i).toLocal());
    }
    map.putAll(signature.internalParameters);
    try {
      map.put(DataContext.Variable.CANCEL_FLAG.camelName, connection.getCancelFlag(handle));
    } catch (NoSuchStatementException e) {
      throw new RuntimeException(e);
    }
    int queryTimeout = statement.getQueryTimeout();
    if (queryTimeout > 0 && queryTimeout < Integer.MAX_VALUE / 1000) {
      map.put(DataContext.Variable.TIMEOUT.camelName, queryTimeout * 1000L);
    }
    return signature.enumerable(dataContext(connection, map, signature.rootSchema));
  }

  private DataContext dataContext(CalciteConnectionImpl connection, Map<String, Object> parameters,
      CalciteSchema rootSchema) {
    ConnectionConstants k = constants();
    if (k.spark) {
      return DataContexts.EMPTY;
    }
    return new D1DataContext(connection, k, parameters, rootSchema);
  }

  /** Calcite's {@code DataContextImpl} with the connection's settings read once. */
  private static final class D1DataContext implements DataContext {
    private final ImmutableMap<Object, Object> map;
    private final CalciteConnectionImpl connection;
    private final CalciteSchema rootSchema;

    D1DataContext(CalciteConnectionImpl connection, ConnectionConstants k, Map<String, Object> parameters,
        CalciteSchema rootSchema) {
      this.connection = connection;
      this.rootSchema = rootSchema;
      final Holder<Long> timeHolder = Holder.of(System.currentTimeMillis());
      Hook.CURRENT_TIME.run(timeHolder);
      final long time = timeHolder.get();
      final TimeZone timeZone = k.timeZone == null ? TimeZone.getDefault() : (TimeZone) k.timeZone.clone();
      final long localOffset = timeZone.getOffset(time);
      final long sysOffset = TimeZone.getDefault().getOffset(time);
      final Holder<Object[]> streamHolder = Holder.of(new Object[] {System.in, System.out, System.err});
      Hook.STANDARD_STREAMS.run(streamHolder);
      ImmutableMap.Builder<Object, Object> builder = ImmutableMap.builder();
      builder.put(Variable.UTC_TIMESTAMP.camelName, time)
          .put(Variable.CURRENT_TIMESTAMP.camelName, time + localOffset)
          .put(Variable.LOCAL_TIMESTAMP.camelName, time + localOffset)
          .put(Variable.SYS_TIMESTAMP.camelName, time + sysOffset)
          .put(Variable.TIME_ZONE.camelName, timeZone)
          .put(Variable.TIME_FRAME_SET.camelName, k.timeFrameSet)
          .put(Variable.USER.camelName, "sa")
          .put(Variable.SYSTEM_USER.camelName, System.getProperty("user.name"))
          .put(Variable.LOCALE.camelName, k.locale)
          .put(Variable.STDIN.camelName, streamHolder.get()[0])
          .put(Variable.STDOUT.camelName, streamHolder.get()[1])
          .put(Variable.STDERR.camelName, streamHolder.get()[2]);
      for (Map.Entry<String, Object> entry : parameters.entrySet()) {
        Object e = entry.getValue();
        builder.put(entry.getKey(), e == null ? AvaticaSite.DUMMY_VALUE : e);
      }
      map = builder.build();
    }

    @Override public synchronized Object get(String name) {
      Object o = map.get(name);
      if (o == AvaticaSite.DUMMY_VALUE) {
        return null;
      }
      if (o == null && Variable.SQL_ADVISOR.camelName.equals(name)) {
        // Rare (SQL completion): Calcite's own context builds the advisor.
        return new CalciteConnectionImpl.DataContextImpl(connection, Map.of(), rootSchema).get(name);
      }
      return o;
    }

    @Override public SchemaPlus getRootSchema() {
      return rootSchema == null ? null : rootSchema.plus();
    }

    @Override public JavaTypeFactory getTypeFactory() {
      return connection.getTypeFactory();
    }

    @Override public QueryProvider getQueryProvider() {
      return connection;
    }
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> E sneaky(Throwable e) throws E {
    throw (E) e;
  }

  /** The signature a statement was prepared with, or null (unknown statement, not prepared by Calcite). */
  protected CalcitePrepare.CalciteSignature<?> preparedSignature(StatementHandle h) {
    try {
      Signature s = getConnection().server.getStatement(h).getSignature();
      return s instanceof CalcitePrepare.CalciteSignature ? (CalcitePrepare.CalciteSignature<?>) s : null;
    } catch (NoSuchStatementException e) {
      return null;
    }
  }

  /** The Meta of a Calcite connection (the object {@code DataContext.getQueryProvider()} returns), or null. */
  public static Object metaOf(Object connection) {
    if (connection instanceof CalciteConnectionImpl) {
      return ((CalciteConnectionImpl) connection).meta();
    }
    return null;
  }
}
