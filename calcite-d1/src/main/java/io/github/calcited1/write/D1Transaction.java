package io.github.calcited1.write;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.sql.SQLWarning;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import io.github.calcited1.config.D1WriteOptions;

/**
 * The write buffer of one connection for one D1 database (DuckDB's {@code SQLiteTransaction} in its sqlite storage
 * extension plays this part): INSERT, UPDATE
 * and DELETE become {@link D1Write}s that wait here; {@link #commit} hands them to the {@link D1CommitSender}, which
 * sends them, in order, as ONE D1 batch request (atomic: all or nothing) when they fit, else as several requests in
 * order (atomic per request only, reported as a warning; an error instead with {@code strictAtomicity});
 * {@link #rollback} discards them. Reads never go through the buffer, so buffered writes are invisible to reads until
 * COMMIT. Thread-safe.
 */
public final class D1Transaction {
  private static final Logger LOG = LoggerFactory.getLogger(D1Transaction.class);

  private final String database;
  private final D1CommitSender sender;
  private final List<D1Write> writes = new ArrayList<>();
  private int userStatements;

  public D1Transaction(String database, D1BatchSender batches, D1WriteOptions options) {
    this.database = database;
    this.sender = new D1CommitSender(database, batches, options);
  }

  /** Buffers a write (coalescing it into the previous one when both are row inserts into the same table). */
  public synchronized void add(D1Write write) {
    userStatements++;
    if (!writes.isEmpty() && writes.get(writes.size() - 1).absorb(write)) {
      return;
    }
    writes.add(write);
  }

  /**
   * Buffers one row of the insert {@code shape} (which itself stays empty), as {@code add(shape + row)} would, without
   * a write object per row: the row joins the previous write when that is the same insert.
   */
  public synchronized void addRow(D1Insert shape, Object[] row) throws SQLException {
    D1Write last = writes.isEmpty() ? null : writes.get(writes.size() - 1);
    if (last instanceof D1Insert && ((D1Insert) last).coalescesWith(shape)) {
      ((D1Insert) last).add(row);
    } else {
      writes.add(shape.emptyCopy().add(row));
    }
    userStatements++;
  }

  public synchronized boolean isEmpty() {
    return writes.isEmpty();
  }

  /** User statements buffered since the last commit/rollback. */
  public synchronized int pendingStatements() {
    return userStatements;
  }

  /** Discards the buffer; nothing is sent. Returns the number of user statements discarded. */
  public synchronized int rollback() {
    int n = userStatements;
    if (n > 0) {
      LOG.info("D1 {}: rollback discarded {} buffered statement(s); nothing was sent", database, n);
    }
    writes.clear();
    userStatements = 0;
    return n;
  }

  /**
   * Sends the buffer and clears it (also when sending fails). Returns null if the buffer was empty.
   *
   * @param warnings receives a warning when the transaction had to be split into several requests
   */
  public synchronized D1CommitStats commit(Consumer<SQLWarning> warnings) throws SQLException {
    if (writes.isEmpty()) {
      userStatements = 0;
      return null;
    }
    List<D1Write> ws = new ArrayList<>(writes);
    int buffered = userStatements;
    writes.clear();
    userStatements = 0;
    return sender.send(ws, buffered, warnings);
  }
}
