package io.github.calcited1.write;

import io.github.calcited1.client.D1Exception;
import io.github.calcited1.client.D1Result;
import io.github.calcited1.client.D1Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.sql.SQLWarning;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The write buffer of one connection for one D1 database (the DuckDB design's {@code D1Transaction}): INSERT, UPDATE
 * and DELETE become {@link D1Write}s that wait here; {@link #commit} sends them, in order, as ONE D1 batch request
 * (atomic: all or nothing) when they fit, else as several requests in order (atomic per request only, reported as a
 * warning; an error instead with {@code strictAtomicity}); {@link #rollback} discards them. Reads never go through the
 * buffer, so buffered writes are invisible to reads until COMMIT. Thread-safe.
 */
public final class D1Transaction {
  private static final Logger LOG = LoggerFactory.getLogger(D1Transaction.class);
  private static final int MAX_PROBES = 12;

  private final String database;
  private final D1BatchSender sender;
  private final D1WriteOptions options;
  private final List<D1Write> writes = new ArrayList<>();
  private int userStatements;

  public D1Transaction(String database, D1BatchSender sender, D1WriteOptions options) {
    this.database = database;
    this.sender = sender;
    this.options = options;
  }

  public String database() {
    return database;
  }

  public D1WriteOptions options() {
    return options;
  }

  /** Buffers a write (coalescing it into the previous one when both are row inserts into the same table). */
  public synchronized void add(D1Write write) {
    userStatements++;
    if (!writes.isEmpty() && writes.get(writes.size() - 1).absorb(write)) {
      return;
    }
    writes.add(write);
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
    return send(ws, buffered, warnings);
  }

  /** Sends one write at once (autocommit), as one request if it fits. */
  public D1CommitStats execute(D1Write write, Consumer<SQLWarning> warnings) throws SQLException {
    return send(List.of(write), 1, warnings);
  }

  private D1CommitStats send(List<D1Write> ws, int buffered, Consumer<SQLWarning> warnings) throws SQLException {
    long start = System.nanoTime();
    List<D1BatchPacker.Planned> planned = new ArrayList<>();
    long rowsInserted = 0;
    for (D1Write w : ws) {
      for (D1Statement s : w.toStatements(options)) {
        planned.add(new D1BatchPacker.Planned(s, w));
      }
      if (w.kind() == D1Write.Kind.INSERT || w.kind() == D1Write.Kind.UPSERT) {
        rowsInserted += w.knownRows();
      }
    }
    List<List<D1BatchPacker.Planned>> requests = D1BatchPacker.pack(planned, options);
    if (requests.size() > 1) {
      String msg = "D1 " + database + ": the transaction (" + buffered + " statement(s), " + planned.size()
          + " D1 statement(s)) does not fit one D1 request (budget: " + options.maxStatementsPerRequest()
          + " statements / " + options.maxRequestBytes() + " bytes per request) and needs " + requests.size()
          + " requests";
      if (options.strictAtomicity()) {
        throw new SQLException(msg + "; strictAtomicity is on, so nothing was sent and the buffer was discarded."
            + " Commit more often, or turn strictAtomicity off to accept atomicity per request.", "25000");
      }
      String warn = msg + ", sent in order; atomicity holds per request only (a failure in request k leaves"
          + " requests 1..k-1 applied).";
      LOG.warn(warn);
      if (warnings != null) {
        warnings.accept(new SQLWarning(warn, "01D01"));
      }
    }
    int sentRequests = 0;
    int sentStatements = 0;
    long changes = 0;
    long rowsRead = 0;
    long rowsWritten = 0;
    double d1Millis = 0;
    for (List<D1BatchPacker.Planned> request : requests) {
      List<D1Statement> stmts = new ArrayList<>(request.size());
      for (D1BatchPacker.Planned p : request) {
        stmts.add(p.statement);
      }
      List<D1Result> results;
      try {
        results = sender.batch(stmts);
      } catch (SQLException e) {
        throw failure(e, request, sentRequests, requests.size());
      }
      sentRequests++;
      sentStatements += stmts.size();
      for (int i = 0; i < results.size() && i < request.size(); i++) {
        D1Result r = results.get(i);
        if (r == null || r.meta() == null) {
          continue;
        }
        request.get(i).owner.addChanges(r.meta().changes());
        changes += r.meta().changes();
        rowsRead += r.meta().rowsRead();
        rowsWritten += r.meta().rowsWritten();
        d1Millis += r.meta().durationMillis();
      }
    }
    D1CommitStats stats = new D1CommitStats(database, buffered, sentStatements, sentRequests, rowsInserted, changes,
        rowsRead, rowsWritten, d1Millis, (System.nanoTime() - start) / 1_000_000L);
    LOG.info("D1 {}: sent {}", database, stats);
    return stats;
  }

  private D1CommitException failure(SQLException e, List<D1BatchPacker.Planned> request, int applied, int total) {
    String d1Message = e instanceof D1Exception && ((D1Exception) e).d1Message() != null
        ? ((D1Exception) e).d1Message() : e.getMessage();
    int failed = request.size() == 1 ? 1 : 0;
    if (failed == 0 && options.diagnoseFailedCommit() && e instanceof D1Exception
        && ((D1Exception) e).httpStatus() == 400) {
      failed = locate(request, d1Message);
    }
    StringBuilder msg = new StringBuilder(d1Message == null ? "D1 error" : d1Message);
    msg.append(" -- D1 ").append(database).append(": ");
    String write = null;
    if (failed > 0) {
      write = request.get(failed - 1).owner.describe();
      msg.append("statement ").append(failed).append(" of ").append(request.size()).append(" in the request failed (")
          .append(write).append("). ");
    } else {
      msg.append("one of the ").append(request.size()).append(" statements of the request failed. ");
    }
    if (e instanceof D1Exception && ((D1Exception) e).httpStatus() == 400) {
      msg.append("Nothing of this request was applied (a D1 batch is atomic)");
    } else {
      msg.append("The request failed before D1 answered; whether it was applied is unknown");
    }
    if (applied > 0) {
      msg.append("; the transaction had been split and ").append(applied).append(" of ").append(total)
          .append(" earlier request(s) WERE applied");
    }
    msg.append(". The buffer was cleared.");
    LOG.warn("D1 {}: commit failed: {}", database, msg);
    return new D1CommitException(msg.toString(), e, failed, write, applied);
  }

  /**
   * Finds the failing statement by bisection: each probe sends a prefix of the request followed by a statement that
   * always fails at run time, so D1 rolls the probe back and nothing is applied; if the probe fails with the original
   * message the culprit is within the prefix. Returns the 1-based index, or 0 if not found.
   */
  private int locate(List<D1BatchPacker.Planned> request, String original) {
    String sentinel = original != null && original.startsWith("malformed JSON")
        ? "SELECT abs(-9223372036854775807 - 1)"
        : "SELECT json_extract('calcite-d1 commit probe', '$')";
    int lo = 0;
    int hi = request.size() - 1;
    int probes = 0;
    while (lo < hi && probes < MAX_PROBES) {
      int mid = (lo + hi) >>> 1;
      List<D1Statement> probe = new ArrayList<>();
      for (int i = 0; i <= mid; i++) {
        probe.add(request.get(i).statement);
      }
      probe.add(D1Statement.of(sentinel));
      probes++;
      try {
        sender.batch(probe);
        return 0; // cannot happen: the sentinel always fails; give up rather than guess
      } catch (SQLException pe) {
        String m = pe instanceof D1Exception ? ((D1Exception) pe).d1Message() : pe.getMessage();
        if (m != null && m.equals(original)) {
          hi = mid;
        } else if (pe instanceof D1Exception && ((D1Exception) pe).httpStatus() == 400) {
          lo = mid + 1;
        } else {
          return 0;
        }
      }
    }
    return lo == hi ? lo + 1 : 0;
  }
}
