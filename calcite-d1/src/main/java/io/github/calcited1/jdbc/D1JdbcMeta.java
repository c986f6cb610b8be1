package io.github.calcited1.jdbc;

import io.github.calcited1.client.Rethrow;
import io.github.calcited1.rel.D1DirectInsert;
import io.github.calcited1.write.D1GeneratedKeys;
import io.github.calcited1.write.D1Session;
import io.github.calcited1.write.D1SqlWrite;
import io.github.calcited1.write.D1Write;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaUtils;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.remote.TypedValue;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.jdbc.CalcitePrepare;
import org.apache.calcite.jdbc.D1MetaBridge;

import java.lang.reflect.Field;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The Meta of a {@code jdbc:d1:} connection: Calcite's {@code CalciteMetaImpl} plus the transaction path Calcite lacks.
 * <ul>
 *   <li>autocommit is on by default (Calcite's own default is off, against JDBC);</li>
 *   <li>{@code commit} sends each D1 database's buffer as one batch request; {@code rollback} and closing the
 *       connection discard the buffers; switching autocommit back on commits, as JDBC requires;</li>
 *   <li>a JDBC batch ({@code executeBatch}) in autocommit mode is one D1 batch request per database, and its update
 *       counts for UPDATE/DELETE are D1's {@code changes};</li>
 *   <li>{@code DatabaseMetaData} knows D1's keys, foreign keys, indexes and column declarations ({@link D1Metadata}),
 *       and READ COMMITTED as the isolation.</li>
 * </ul>
 */
public class D1JdbcMeta extends D1MetaBridge implements D1Session.Holder {
  private final D1Session session;

  public D1JdbcMeta(AvaticaConnection connection) {
    super(connection, D1Metadata.COLUMNS);
    connProps.setAutoCommit(true);
    connProps.setTransactionIsolation(ISOLATION);
    connProps.setDirty(false);
    session = new D1Session(this::autoCommit);
  }

  /**
   * The isolation a transaction has: its reads go to D1 at once and see what is committed there (other connections'
   * commits included, so a second read may differ), never uncommitted data; its own writes wait in the buffer
   * until COMMIT and are invisible to its reads. JDBC's nearest level is READ COMMITTED.
   */
  static final int ISOLATION = java.sql.Connection.TRANSACTION_READ_COMMITTED;

  /** Calcite's, with the default isolation {@link #ISOLATION}. */
  @Override
  public Map<DatabaseProperty, Object> getDatabaseProperties(ConnectionHandle ch) {
    Map<DatabaseProperty, Object> p = new EnumMap<>(DatabaseProperty.class);
    p.putAll(super.getDatabaseProperties(ch));
    p.put(DatabaseProperty.GET_DEFAULT_TRANSACTION_ISOLATION, ISOLATION);
    return p;
  }

  /** The table types {@code getTableTypes} lists (Calcite's), and so all {@code getTables} lists. */
  static final List<String> TABLE_TYPES = List.of("TABLE", "VIEW");

  /**
   * As Calcite's, but without a type list only the types {@code getTableTypes} lists: a federated JDBC source
   * otherwise adds its SYSTEM TABLEs (SQLite's {@code sqlite_schema} and {@code sqlite_autoindex_*}, which are not
   * even readable as tables) to what {@code !tables} and GUI tools show.
   */
  @Override
  public MetaResultSet getTables(ConnectionHandle ch, String catalog, Pat schemaPattern, Pat tableNamePattern,
      List<String> typeList) {
    return super.getTables(ch, catalog, schemaPattern, tableNamePattern, typeList == null ? TABLE_TYPES : typeList);
  }

  private D1Metadata metadata() {
    try {
      return new D1Metadata(connection.unwrap(CalciteConnection.class).getRootSchema());
    } catch (SQLException e) {
      throw Rethrow.unchanged(e);
    }
  }

  @Override
  public MetaResultSet getPrimaryKeys(ConnectionHandle ch, String catalog, String schema, String table) {
    return rows(D1Metadata.PrimaryKey.class, D1Metadata.PRIMARY_KEY_COLUMNS, metadata().primaryKeys(schema, table));
  }

  @Override
  public MetaResultSet getImportedKeys(ConnectionHandle ch, String catalog, String schema, String table) {
    return foreignKeys(metadata().foreignKeys(schema, null, table), true);
  }

  @Override
  public MetaResultSet getExportedKeys(ConnectionHandle ch, String catalog, String schema, String table) {
    return foreignKeys(metadata().foreignKeys(schema, table, null), false);
  }

  @Override
  public MetaResultSet getCrossReference(ConnectionHandle ch, String parentCatalog, String parentSchema,
      String parentTable, String foreignCatalog, String foreignSchema, String foreignTable) {
    List<D1Metadata.ForeignKeyColumn> keys = metadata().foreignKeys(foreignSchema, parentTable, foreignTable);
    keys.removeIf(k -> parentSchema != null && !parentSchema.equals(k.pktableSchem));
    return foreignKeys(keys, false);
  }

  /** Foreign key rows in JDBC's order: imported keys by the referenced table, exported keys by the referencing one. */
  private MetaResultSet foreignKeys(List<D1Metadata.ForeignKeyColumn> keys, boolean imported) {
    keys.sort(Comparator.comparing((D1Metadata.ForeignKeyColumn k) -> imported ? k.pktableSchem : k.fktableSchem)
        .thenComparing(k -> imported ? k.pktableName : k.fktableName).thenComparingInt(k -> k.constraint)
        .thenComparing(k -> k.keySeq));
    return rows(D1Metadata.ForeignKeyColumn.class, D1Metadata.FOREIGN_KEY_COLUMNS, keys);
  }

  @Override
  public MetaResultSet getIndexInfo(ConnectionHandle ch, String catalog, String schema, String table, boolean unique,
      boolean approximate) {
    return rows(MetaIndexInfo.class, D1Metadata.INDEX_INFO_COLUMNS, metadata().indexInfo(schema, table, unique));
  }

  /**
   * The generated keys of a statement, as a result set: one column per key column, typed by the values (BIGINT for
   * integers, VARCHAR for text, DOUBLE for reals; ANY when they differ).
   */
  public MetaResultSet generatedKeys(D1GeneratedKeys keys) {
    List<ColumnMetaData> columns = new ArrayList<>();
    List<String> names = keys.columns();
    for (int i = 0; i < names.size(); i++) {
      Class<?> type = null;
      for (Object[] row : keys.rows()) {
        if (row[i] != null) {
          type = type == null || type == row[i].getClass() ? row[i].getClass() : Object.class;
        }
      }
      columns.add(type == null || type == Long.class || type == String.class || type == Double.class
          ? columnMetaData(names.get(i), i, type == null ? Long.class : type, true)
          : columnMetaData(names.get(i), i, ColumnMetaData.scalar(java.sql.Types.JAVA_OBJECT, "ANY",
              ColumnMetaData.Rep.OBJECT), true));
    }
    @SuppressWarnings("unchecked")
    Iterable<Object> rows = (Iterable<Object>) (Iterable<?>) keys.rows();
    return createResultSet(Map.of(), columns, CursorFactory.ARRAY, new Frame(0, true, rows));
  }

  /** A metadata result set of {@code rows}, whose public fields are the columns {@code names} (camel case). */
  private MetaResultSet rows(Class<?> rowClass, List<String> names, List<?> rows) {
    List<ColumnMetaData> columns = new ArrayList<>();
    List<Field> fields = new ArrayList<>();
    List<String> fieldNames = new ArrayList<>();
    for (String name : names) {
      String fieldName = AvaticaUtils.toCamelCase(name);
      Field field;
      try {
        field = rowClass.getField(fieldName);
      } catch (NoSuchFieldException e) {
        throw new IllegalStateException(rowClass + " has no field for " + name, e);
      }
      columns.add(columnMetaData(name, columns.size(), field.getType(), !field.getType().isPrimitive()));
      fields.add(field);
      fieldNames.add(fieldName);
    }
    @SuppressWarnings("unchecked")
    Iterable<Object> iterable = (Iterable<Object>) rows;
    return createResultSet(Map.of(), columns, CursorFactory.record(rowClass, fields, fieldNames),
        new Frame(0, true, iterable));
  }

  @Override
  public D1Session d1Session() {
    return session;
  }

  boolean autoCommit() {
    Boolean b = connProps.isAutoCommit();
    return b == null || b;
  }

  @Override
  public ConnectionProperties connectionSync(ConnectionHandle ch, ConnectionProperties props) {
    boolean was = autoCommit();
    ConnectionProperties result = super.connectionSync(ch, props);
    if (!was && autoCommit()) {
      commitOrThrow();
    }
    return result;
  }

  @Override
  public void commit(ConnectionHandle ch) {
    commitOrThrow();
  }

  private void commitOrThrow() {
    try {
      session.commit();
    } catch (SQLException e) {
      throw Rethrow.unchanged(e);
    }
  }

  @Override
  public void rollback(ConnectionHandle ch) {
    session.rollback();
  }

  @Override
  public void closeConnection(ConnectionHandle ch) {
    session.rollback();
    super.closeConnection(ch);
  }

  /*
   * Preparing and starting statements: what escapes Calcite becomes an SQLException a user can act on
   * (D1StatementFailures): D1's refusal with D1's message first, Calcite's internal errors and size limits with an
   * SQLState. Calcite itself lets its Errors (AssertionError, StackOverflowError) through raw.
   */

  /**
   * One statement at a time, so statements made from several threads each get a number of their own: Avatica counts
   * them with an unguarded {@code statementCount++} and Calcite registers them in a plain HashMap (two statements
   * with one number failed with an AssertionError, or would have shared their state). Closing takes the same lock
   * ({@code D1JdbcStatement.close_}); preparing makes its statement here.
   */
  @Override
  public synchronized StatementHandle createStatement(ConnectionHandle ch) {
    return super.createStatement(ch);
  }

  @Override
  public synchronized void closeStatement(StatementHandle h) {
    super.closeStatement(h);
  }

  @Override
  public StatementHandle prepare(ConnectionHandle ch, String sql, long maxRowCount) {
    try {
      return super.prepare(ch, sql, maxRowCount);
    } catch (RuntimeException | AssertionError | StackOverflowError e) {
      throw Rethrow.unchanged(D1StatementFailures.translate(sql, e));
    }
  }

  @Override
  public ExecuteResult prepareAndExecute(StatementHandle h, String sql, long maxRowCount, int maxRowsInFirstFrame,
      PrepareCallback callback) throws NoSuchStatementException {
    try {
      return super.prepareAndExecute(h, sql, maxRowCount, maxRowsInFirstFrame, callback);
    } catch (RuntimeException | AssertionError | StackOverflowError e) {
      throw Rethrow.unchanged(D1StatementFailures.translate(sql, e));
    }
  }

  /**
   * While writes are buffered, a prepared single-row {@code INSERT ... VALUES (?, ...)} appends its parameters to the
   * buffer without running Calcite's plan ({@link D1DirectInsert}: same values, same packing); anything else, and any
   * row whose values need Calcite's conversion, runs the plan.
   */
  @Override
  public ExecuteResult execute(StatementHandle h, List<TypedValue> parameterValues, int maxRowsInFirstFrame)
      throws NoSuchStatementException {
    parameterValues = booleansAsNumbers(preparedSignature(h), parameterValues);
    if (bufferedDirectly(h, parameterValues)) {
      return new ExecuteResult(List.of(MetaResultSet.count(h.connectionId, h.id, 1)));
    }
    try {
      return super.execute(h, parameterValues, maxRowsInFirstFrame);
    } catch (RuntimeException | AssertionError | StackOverflowError e) {
      throw Rethrow.unchanged(D1StatementFailures.translate(h.signature == null ? null : h.signature.sql, e));
    }
  }

  /**
   * {@code values} with each Boolean set for a numeric parameter as 1 or 0 of that type: JDBC allows
   * {@code setBoolean} on a numeric parameter (JDBC 4.3, table B-5), and Spark does it when it appends a boolean column
   * to an INTEGER or REAL column, but Calcite's generated code would cast the Boolean to a Number and fail.
   */
  static List<TypedValue> booleansAsNumbers(CalcitePrepare.CalciteSignature<?> signature, List<TypedValue> values) {
    if (signature == null || values == null || values.size() != signature.parameters.size()) {
      return values;
    }
    List<TypedValue> converted = null;
    for (int i = 0; i < values.size(); i++) {
      TypedValue v = values.get(i);
      if (v == null || !(v.value instanceof Boolean b)) {
        continue;
      }
      TypedValue number = switch (signature.parameters.get(i).parameterType) {
        case java.sql.Types.TINYINT, java.sql.Types.SMALLINT, java.sql.Types.INTEGER, java.sql.Types.BIGINT ->
            TypedValue.ofLocal(ColumnMetaData.Rep.LONG, b ? 1L : 0L);
        case java.sql.Types.REAL, java.sql.Types.FLOAT, java.sql.Types.DOUBLE ->
            TypedValue.ofLocal(ColumnMetaData.Rep.DOUBLE, b ? 1d : 0d);
        case java.sql.Types.DECIMAL, java.sql.Types.NUMERIC ->
            TypedValue.ofLocal(ColumnMetaData.Rep.NUMBER, b ? java.math.BigDecimal.ONE : java.math.BigDecimal.ZERO);
        default -> null;
      };
      if (number != null) {
        if (converted == null) {
          converted = new ArrayList<>(values);
        }
        converted.set(i, number);
      }
    }
    return converted == null ? values : converted;
  }

  /** Whether the execution was a prepared row insert, buffered without its plan ({@link D1DirectInsert}). */
  private boolean bufferedDirectly(StatementHandle h, List<TypedValue> parameterValues) {
    if (parameterValues == null || parameterValues.isEmpty() || !session.buffering()) {
      return false;
    }
    CalcitePrepare.CalciteSignature<?> signature = preparedSignature(h);
    D1DirectInsert direct = signature == null ? null : D1DirectInsert.find(signature.internalParameters);
    if (direct == null) {
      return false;
    }
    try {
      return direct.buffer(session, parameterValues);
    } catch (SQLException e) {
      throw Rethrow.unchanged(e);
    }
  }

  @Override
  public ExecuteBatchResult executeBatch(StatementHandle h, List<List<TypedValue>> parameterValueLists)
      throws NoSuchStatementException {
    List<Long> counts = new ArrayList<>();
    List<List<D1Write>> writes = new ArrayList<>();
    runBatch(() -> {
      for (List<TypedValue> values : parameterValueLists) {
        if (bufferedDirectly(h, values)) {
          counts.add(1L);
          writes.add(List.of());
          continue;
        }
        session.beginExecution();
        ExecuteResult r = execute(h, values, -1);
        writes.add(session.endExecution());
        counts.add(r.resultSets.size() == 1 ? Math.max(0L, r.resultSets.get(0).updateCount) : 0L);
      }
    });
    return new ExecuteBatchResult(fixCounts(counts, writes));
  }

  @Override
  public ExecuteBatchResult prepareAndExecuteBatch(StatementHandle h, List<String> sqlCommands)
      throws NoSuchStatementException {
    List<Long> counts = new ArrayList<>();
    List<List<D1Write>> writes = new ArrayList<>();
    runBatch(() -> {
      for (String sql : sqlCommands) {
        session.beginExecution();
        long[] c = super.prepareAndExecuteBatch(h, List.of(sql)).updateCounts;
        writes.add(session.endExecution());
        counts.add(c.length == 1 ? Math.max(0L, c[0]) : 0L);
      }
    });
    return new ExecuteBatchResult(fixCounts(counts, writes));
  }

  /** Runs a JDBC batch; in autocommit mode its writes are buffered and then sent as one request per database. */
  private void runBatch(BatchBody body) throws NoSuchStatementException {
    boolean flush = autoCommit();
    session.beginBatch();
    boolean ok = false;
    try {
      body.run();
      ok = true;
    } finally {
      session.endBatch();
      if (flush && !ok) {
        session.rollback();
      }
    }
    if (flush) {
      commitOrThrow();
    }
  }

  /**
   * Pushed UPDATE/DELETE/INSERT ... SELECT report 0 while buffered; once the batch was sent, D1's changes are known.
   * Still buffered (autocommit off), such an element is {@code Statement.SUCCESS_NO_INFO} (-2): JDBC's word for "ran,
   * count unknown", which a batch may use and {@code executeUpdate} may not.
   */
  private long[] fixCounts(List<Long> counts, List<List<D1Write>> writes) {
    long[] out = new long[counts.size()];
    boolean sent = autoCommit();
    for (int i = 0; i < out.length; i++) {
      long c = counts.get(i);
      for (D1Write w : writes.get(i)) {
        if (w instanceof D1SqlWrite) {
          c = sent ? c + w.changes() : w.knownRows() < 0 ? java.sql.Statement.SUCCESS_NO_INFO : c;
        }
      }
      out[i] = c;
    }
    return out;
  }

  @FunctionalInterface
  private interface BatchBody {
    void run() throws NoSuchStatementException;
  }
}
