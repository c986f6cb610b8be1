package org.apache.calcite.jdbc;

import io.github.calcited1.client.Rethrow;
import org.apache.calcite.DataContext;
import org.apache.calcite.DataContexts;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.MetaImpl;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.remote.TypedValue;
import org.apache.calcite.linq4j.Enumerable;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Meta base class of {@code jdbc:d1:}, in Calcite's package (a split package on the class path, with
 * {@link D1JdbcFactory} and {@link D1FastDataContext}) because what it needs is package-private there:
 * <ul>
 *   <li>{@link CalciteMetaImpl}'s constructors take {@code CalciteConnectionImpl}, so a Meta subclass outside this
 *       package cannot be compiled; and a connection's Meta is reachable only through
 *       {@code CalciteConnectionImpl.meta()} ({@link #metaOf}, {@link #preparedSignature});</li>
 *   <li>{@code DatabaseMetaData} lists Calcite's {@code metadata} schema through a package-private method
 *       ({@link #schemas}), which hides it;</li>
 *   <li>{@code _createIterable} is package-private: overridden so that an SQLException keeps its SQLState, and to
 *       execute with a {@link D1FastDataContext} (a copy of Calcite's, with the settings read once).</li>
 * </ul>
 * The Meta that gives calcite-d1 its commit/rollback path is {@code io.github.calcited1.jdbc.D1JdbcMeta}.
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
      throw Rethrow.unchanged(e);
    }
  }

  /** What the data context reads from the connection's properties, read once (they do not change). */
  private volatile D1FastDataContext.Settings settings;

  private D1FastDataContext.Settings settings() {
    D1FastDataContext.Settings k = settings;
    if (k == null) {
      k = new D1FastDataContext.Settings(getConnection());
      settings = k;
    }
    return k;
  }

  /**
   * As {@code CalciteConnectionImpl.enumerable}, but with a {@link D1FastDataContext} built from {@link #settings()},
   * read once per connection: Calcite's own reads the connection's properties on each execution and derives the
   * time-frame set again, which dominated a prepared INSERT executed many times.
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
    D1FastDataContext.Settings k = settings();
    return k.spark ? DataContexts.EMPTY : new D1FastDataContext(connection, k, parameters, rootSchema);
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
