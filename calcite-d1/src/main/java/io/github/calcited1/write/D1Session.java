package io.github.calcited1.write;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.sql.SQLWarning;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The write state of one {@code jdbc:d1:} connection (as DuckDB's {@code SQLiteTransactionManager}): one
 * {@link D1Transaction} per D1 database written in the current transaction, the statistics of the last commit and
 * the warnings. Created and owned by the connection's Meta ({@code io.github.calcited1.jdbc.D1JdbcMeta}); the write
 * runtime finds it from the {@code DataContext} of a running statement.
 */
public final class D1Session {
  private static final Logger LOG = LoggerFactory.getLogger(D1Session.class);

  /** Implemented by the Meta of a connection that has a commit path. */
  public interface Holder {
    D1Session d1Session();
  }

  private final BooleanSupplier autoCommit;
  private final Map<String, D1Transaction> transactions = new LinkedHashMap<>();
  private int batchDepth;
  private List<D1Write> executionWrites;
  private List<D1CommitStats> lastCommitStats = List.of();
  /** Warnings kept per connection until cleared; the last of them says that more were dropped. */
  public static final int MAX_WARNINGS = 100;
  /** SQLState of the warning that ends a full chain. */
  public static final String TOO_MANY_WARNINGS_STATE = "01D03";

  private SQLWarning warnings;
  private SQLWarning lastWarning;
  private int warningCount;
  /** Bounds on the bytes buffered (none by default; calcite-d1 serve sets them), and the bytes buffered now. */
  private List<D1BufferLimit> bufferLimits = List.of();
  private long bufferedBytes;
  /**
   * Per thread: a statement runs its INSERT on the thread that executes it, and another statement of the connection
   * on another thread must neither fill these keys nor return keys of its own.
   */
  private final ThreadLocal<D1GeneratedKeys> generatedKeys = new ThreadLocal<>();

  public D1Session(BooleanSupplier autoCommit) {
    this.autoCommit = autoCommit;
  }

  /** Whether writes wait for COMMIT: autocommit is off, or a JDBC batch is being executed. */
  public synchronized boolean buffering() {
    return batchDepth > 0 || !autoCommit.getAsBoolean();
  }

  /**
   * Starts a JDBC batch: writes are buffered until {@link #endBatch}; the caller then commits them (one request per
   * database) if autocommit is on.
   */
  public synchronized void beginBatch() {
    batchDepth++;
  }

  public synchronized void endBatch() {
    batchDepth--;
  }

  /** Within a JDBC batch: starts recording the writes of one execution. */
  public synchronized void beginExecution() {
    executionWrites = new ArrayList<>();
  }

  /** Within a JDBC batch: the writes the current execution buffered. */
  public synchronized List<D1Write> endExecution() {
    List<D1Write> w = executionWrites == null ? List.of() : executionWrites;
    executionWrites = null;
    return w;
  }

  /** Called by the write runtime for every buffered write. */
  public synchronized void noteBuffered(D1Write write) {
    if (executionWrites != null) {
      executionWrites.add(write);
    }
  }

  /**
   * Sets the generated keys the INSERT of the statement this thread runs next returns (null: none): the JDBC
   * statement sets them before it executes and takes them back after ({@link #takeGeneratedKeys}).
   */
  public void requestGeneratedKeys(D1GeneratedKeys keys) {
    generatedKeys.set(keys);
  }

  /** The generated keys asked for by the statement running on this thread, or null. */
  public D1GeneratedKeys generatedKeys() {
    return generatedKeys.get();
  }

  /** The generated keys of the statement that just ran (null if none were asked for); clears the request. */
  public D1GeneratedKeys takeGeneratedKeys() {
    D1GeneratedKeys k = generatedKeys.get();
    generatedKeys.remove();
    return k;
  }

  /** Rows a prepared INSERT appended without running its plan ({@link D1DirectInsert}); a diagnostic. */
  private long directRows;

  public synchronized void noteDirectRow() {
    directRows++;
  }

  /** How many executions of prepared single-row INSERTs were buffered without running Calcite's plan. */
  public synchronized long directInsertRows() {
    return directRows;
  }

  /**
   * Bounds the bytes of this connection's uncommitted writes by each of {@code limits} (its own, and one shared with
   * other connections). Set before the connection buffers anything.
   */
  public synchronized void limitBuffer(D1BufferLimit... limits) {
    bufferLimits = List.of(limits);
  }

  /**
   * Called by the write runtime before it buffers a statement's writes of about {@code bytes}: refuses the statement
   * (nothing of it is buffered) when a limit would be passed.
   */
  public synchronized void reserveBuffer(long bytes) throws SQLException {
    for (int i = 0; i < bufferLimits.size(); i++) {
      try {
        bufferLimits.get(i).reserve(bytes);
      } catch (SQLException e) {
        for (int j = 0; j < i; j++) {
          bufferLimits.get(j).release(bytes);
        }
        throw e;
      }
    }
    bufferedBytes += bytes;
  }

  /** About the bytes of the uncommitted writes, as {@link #reserveBuffer} counted them. */
  public synchronized long bufferedBytes() {
    return bufferedBytes;
  }

  private void releaseBuffer() {
    for (D1BufferLimit limit : bufferLimits) {
      limit.release(bufferedBytes);
    }
    bufferedBytes = 0;
  }

  /** The buffer of this connection for a database, created on first use. */
  public synchronized D1Transaction transaction(String key, Supplier<D1Transaction> factory) {
    return transactions.computeIfAbsent(key, k -> factory.get());
  }

  /** User statements buffered and not yet committed, over all databases. */
  public synchronized int pendingStatements() {
    int n = 0;
    for (D1Transaction t : transactions.values()) {
      n += t.pendingStatements();
    }
    return n;
  }

  /**
   * Sends every database's buffer, in the order the databases were first written, one request per database when it
   * fits. Atomic per database only. If one database fails, those before it stay committed and the buffers of it and
   * of those after it are discarded; the exception says so.
   */
  public synchronized List<D1CommitStats> commit() throws SQLException {
    List<D1CommitStats> stats = new ArrayList<>();
    List<D1Transaction> all = new ArrayList<>(transactions.values());
    transactions.clear();
    releaseBuffer();
    try {
      for (int i = 0; i < all.size(); i++) {
        D1Transaction t = all.get(i);
        try {
          D1CommitStats s = t.commit(this::addWarning);
          if (s != null) {
            stats.add(s);
          }
        } catch (SQLException e) {
          for (int j = i + 1; j < all.size(); j++) {
            all.get(j).rollback();
          }
          if (!stats.isEmpty()) {
            List<String> done = new ArrayList<>();
            for (D1CommitStats s : stats) {
              done.add(s.database());
            }
            e.setNextException(new SQLException("These databases of the same transaction were already committed: "
                + done + "; later ones were discarded", "40000"));
          }
          throw e;
        }
      }
    } finally {
      lastCommitStats = Collections.unmodifiableList(stats);
    }
    if (!stats.isEmpty()) {
      LOG.info("D1 commit: {}", stats);
    }
    return lastCommitStats;
  }

  /** Discards every buffer; nothing is sent. */
  public synchronized int rollback() {
    int n = 0;
    for (D1Transaction t : transactions.values()) {
      n += t.rollback();
    }
    transactions.clear();
    releaseBuffer();
    return n;
  }

  /** Records the statistics of an autocommit statement (one request per statement). */
  public synchronized void recordAutoCommit(D1CommitStats stats) {
    lastCommitStats = stats == null ? List.of() : List.of(stats);
  }

  public synchronized List<D1CommitStats> lastCommitStats() {
    return lastCommitStats;
  }

  /**
   * Adds a warning to the connection's chain. The chain keeps the first {@value #MAX_WARNINGS} warnings until they are
   * cleared, then one saying that later ones were dropped: a long-lived connection that never clears them (20,000
   * split commits) must not grow without bound.
   */
  public synchronized void addWarning(SQLWarning w) {
    if (warningCount == MAX_WARNINGS) {
      return;
    }
    warningCount++;
    SQLWarning next = warningCount < MAX_WARNINGS ? w : new SQLWarning("More warnings followed and were dropped: a"
        + " connection keeps at most " + MAX_WARNINGS + " until they are cleared (Connection.clearWarnings()). The"
        + " first dropped one: " + w.getMessage(), TOO_MANY_WARNINGS_STATE);
    if (warnings == null) {
      warnings = next;
    } else {
      lastWarning.setNextWarning(next); // appended after lastWarning, which is the end of the chain: no walk
    }
    lastWarning = next;
  }

  /** Adds {@code w} unless a warning with the same message is already there (until the warnings are cleared). */
  public synchronized void addWarningOnce(SQLWarning w) {
    for (SQLWarning x = warnings; x != null; x = x.getNextWarning()) {
      if (w.getMessage().equals(x.getMessage())) {
        return;
      }
    }
    addWarning(w);
  }

  /** The chain of warnings (oldest first), or null. */
  public synchronized SQLWarning warnings() {
    return warnings;
  }

  public synchronized void clearWarnings() {
    warnings = null;
    lastWarning = null;
    warningCount = 0;
  }
}
