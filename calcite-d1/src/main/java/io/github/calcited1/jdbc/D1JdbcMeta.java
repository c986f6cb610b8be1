package io.github.calcited1.jdbc;

import io.github.calcited1.write.D1DirectInsert;
import io.github.calcited1.write.D1Session;
import io.github.calcited1.write.D1SqlWrite;
import io.github.calcited1.write.D1Write;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.remote.TypedValue;
import org.apache.calcite.jdbc.CalcitePrepare;
import org.apache.calcite.jdbc.D1MetaBridge;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The Meta of a {@code jdbc:d1:} connection: Calcite's {@code CalciteMetaImpl} plus the transaction path Calcite lacks.
 * <ul>
 *   <li>autocommit is on by default (Calcite's own default is off, against JDBC);</li>
 *   <li>{@code commit} sends each D1 database's buffer as one batch request; {@code rollback} and closing the
 *       connection discard the buffers; switching autocommit back on commits, as JDBC requires;</li>
 *   <li>a JDBC batch ({@code executeBatch}) in autocommit mode is one D1 batch request per database, and its update
 *       counts for UPDATE/DELETE are D1's {@code changes}.</li>
 * </ul>
 */
public class D1JdbcMeta extends D1MetaBridge implements D1Session.Holder {
  private final D1Session session;

  public D1JdbcMeta(AvaticaConnection connection) {
    super(connection);
    connProps.setAutoCommit(true);
    connProps.setDirty(false);
    session = new D1Session(this::autoCommit);
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
      throw sneaky(e);
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

  @Override
  public StatementHandle prepare(ConnectionHandle ch, String sql, long maxRowCount) {
    try {
      return super.prepare(ch, sql, maxRowCount);
    } catch (RuntimeException | AssertionError | StackOverflowError e) {
      throw sneaky(D1StatementFailures.translate(sql, e));
    }
  }

  @Override
  public ExecuteResult prepareAndExecute(StatementHandle h, String sql, long maxRowCount, int maxRowsInFirstFrame,
      PrepareCallback callback) throws NoSuchStatementException {
    try {
      return super.prepareAndExecute(h, sql, maxRowCount, maxRowsInFirstFrame, callback);
    } catch (RuntimeException | AssertionError | StackOverflowError e) {
      throw sneaky(D1StatementFailures.translate(sql, e));
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
    if (bufferedDirectly(h, parameterValues)) {
      return new ExecuteResult(List.of(MetaResultSet.count(h.connectionId, h.id, 1)));
    }
    try {
      return super.execute(h, parameterValues, maxRowsInFirstFrame);
    } catch (RuntimeException | AssertionError | StackOverflowError e) {
      throw sneaky(D1StatementFailures.translate(h.signature == null ? null : h.signature.sql, e));
    }
  }

  /** Whether the execution was a prepared row insert, buffered without its plan ({@link D1DirectInsert}). */
  private boolean bufferedDirectly(StatementHandle h, List<TypedValue> parameterValues) {
    if (parameterValues == null || parameterValues.isEmpty() || !session.buffering()) {
      return false;
    }
    CalcitePrepare.CalciteSignature<?> signature = preparedSignature(h);
    D1DirectInsert direct = signature == null ? null : D1DirectInsert.find(signature.internalParameters);
    if (direct == null || signature.rootSchema == null) {
      return false;
    }
    try {
      return direct.buffer(session, signature.rootSchema, parameterValues);
    } catch (SQLException e) {
      throw sneaky(e);
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

  /** Pushed UPDATE/DELETE report 0 while buffered; once the batch was sent, D1's changes are known. */
  private long[] fixCounts(List<Long> counts, List<List<D1Write>> writes) {
    long[] out = new long[counts.size()];
    boolean sent = autoCommit();
    for (int i = 0; i < out.length; i++) {
      long c = counts.get(i);
      if (sent) {
        for (D1Write w : writes.get(i)) {
          if (w instanceof D1SqlWrite) {
            c += w.changes();
          }
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

  @SuppressWarnings("unchecked")
  static <E extends Throwable> RuntimeException sneaky(Throwable e) throws E {
    throw (E) e;
  }
}
