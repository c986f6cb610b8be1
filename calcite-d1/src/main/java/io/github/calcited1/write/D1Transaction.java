package io.github.calcited1.write;

import io.github.calcited1.client.D1Exception;
import io.github.calcited1.client.D1OutcomeUnknownException;
import io.github.calcited1.client.D1RetriesExhaustedException;
import io.github.calcited1.client.D1Result;
import io.github.calcited1.client.D1Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.sql.SQLWarning;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The write buffer of one connection for one D1 database (the DuckDB design's {@code D1Transaction}): INSERT, UPDATE
 * and DELETE become {@link D1Write}s that wait here; {@link #commit} sends them, in order, as ONE D1 batch request
 * (atomic: all or nothing) when they fit, else as several requests in order (atomic per request only, reported as a
 * warning; an error instead with {@code strictAtomicity}); {@link #rollback} discards them. Reads never go through the
 * buffer, so buffered writes are invisible to reads until COMMIT. Thread-safe.
 *
 * <p>A request whose fate is unknown (it left, then the connection broke or timed out, or D1 answered 5xx) is never
 * sent again blindly. With the commit ledger ({@link D1WriteOptions#commitLedger()}) every request starts with
 * {@code INSERT INTO ledger (id, committed_at)} of a fresh commit id, in the same atomic batch: afterwards the ledger
 * says whether the request landed, and sending it again is safe because a second copy fails on the ledger's primary
 * key, which rolls that copy back whole. Without the ledger the COMMIT fails with SQLState 08007 and says what to check.
 */
public final class D1Transaction {
  private static final Logger LOG = LoggerFactory.getLogger(D1Transaction.class);
  private static final int MAX_PROBES = 12;
  /** Resends of one request whose fate stayed unknown, with the ledger, before giving up with 08007. */
  private static final int MAX_LEDGER_RESENDS = 3;

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
        planned.add(new D1BatchPacker.Planned(w.withReturning(s), w));
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
      List<D1Statement> stmts = new ArrayList<>(request.size() + 2);
      String commitId = options.commitLedger() ? UUID.randomUUID().toString() : null;
      if (commitId != null) {
        stmts.addAll(ledgerStatements(commitId));
      }
      int offset = stmts.size();
      for (D1BatchPacker.Planned p : request) {
        stmts.add(p.statement);
      }
      List<D1Result> results;
      try {
        results = sender.batch(stmts);
      } catch (SQLException e) {
        if (!outcomeUnknown(e)) {
          throw failure(e, request, sentRequests, requests.size());
        }
        results = resolve(e, stmts, commitId, request, sentRequests, requests.size(), warnings);
      }
      sentRequests++;
      sentStatements += stmts.size();
      for (int i = 0; i + offset < results.size() && i < request.size(); i++) {
        D1Result r = results.get(i + offset);
        if (r == null || r.meta() == null) {
          continue;
        }
        request.get(i).owner.addChanges(r.meta().changes());
        request.get(i).owner.returned(r.rows());
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
    if (outcomeUnknown(e)) {
      int status = ((D1Exception) e).httpStatus();
      msg.append("The outcome of this request is UNKNOWN (SQLState 08007): it was sent, then ").append(
          status == 0 ? "the connection failed before D1 answered"
              : status < 300 ? "D1's answer (HTTP " + status + ") could not be understood"
              : "D1 answered HTTP " + status)
          .append(", so D1 may or may not have applied it, all or nothing; it was NOT sent again. Check before"
              + " re-running: read back a row this transaction wrote (").append(request.get(0).owner.describe())
          .append(") and re-run only if it is absent. Turn on the commit ledger (operand commitLedger: true) to"
              + " have calcite-d1 find out and resend safely by itself");
    } else if (definitelyNotRun(e)) {
      msg.append("Nothing of this request was applied (")
          .append(((D1Exception) e).httpStatus() >= 400 ? "D1 refused it, and a D1 batch is atomic"
              : "D1 could not be reached or refused it before running it")
          .append(')');
    } else {
      msg.append("The request failed before D1 answered; whether it was applied is unknown");
    }
    if (applied > 0) {
      msg.append("; the transaction had been split and ").append(applied).append(" of ").append(total)
          .append(" earlier request(s) WERE applied");
    }
    msg.append(". The buffer was cleared.");
    LOG.warn("D1 {}: commit failed: {}", database, msg);
    SQLException cause = outcomeUnknown(e) && !"08007".equals(e.getSQLState())
        ? new SQLException(e.getMessage(), "08007", e) : e;
    return new D1CommitException(msg.toString(), cause, failed, write, applied);
  }

  /**
   * The request left and nothing says whether D1 applied it: the client's {@link D1OutcomeUnknownException}, or a
   * 2xx answer that is not D1's JSON ({@link D1ProtocolException}; the client sends a write only once).
   */
  static boolean outcomeUnknown(SQLException e) {
    return e instanceof D1OutcomeUnknownException || e instanceof io.github.calcited1.client.D1ProtocolException;
  }

  /** D1 answered 4xx (refused; 429 included), no connection was ever made, or only such attempts were made. */
  private static boolean definitelyNotRun(SQLException e) {
    if (e instanceof D1RetriesExhaustedException) {
      return true; // for a write only attempts D1 certainly did not run are ever repeated
    }
    if (!(e instanceof D1Exception)) {
      return false;
    }
    D1Exception d = (D1Exception) e;
    return (d.httpStatus() >= 400 && d.httpStatus() < 500) || (d.httpStatus() == 0 && "08001".equals(d.getSQLState()));
  }

  /** {@code CREATE TABLE IF NOT EXISTS ledger ...; INSERT INTO ledger VALUES (commitId, now)}. */
  private List<D1Statement> ledgerStatements(String commitId) {
    String table = D1Write.quote(options.commitLedgerTable());
    return List.of(
        D1Statement.of("CREATE TABLE IF NOT EXISTS " + table + " (id TEXT PRIMARY KEY, committed_at TEXT NOT NULL)"),
        D1Statement.of("INSERT INTO " + table + " (id, committed_at) VALUES (?, ?)", commitId,
            Instant.now().toString()));
  }

  /**
   * A request whose fate is unknown. Without the ledger: a 2xx answer whose body was lost means applied (counts
   * unknown, a warning says so); otherwise the COMMIT fails with 08007. With the ledger: ask D1 whether the commit id
   * landed; if so it succeeded; if not, send the same request again (a second copy cannot apply: the ledger's
   * primary key rolls it back), up to {@value #MAX_LEDGER_RESENDS} times.
   *
   * @return the results of the request, or an empty list when it is known to have landed but its answer is lost
   */
  private List<D1Result> resolve(SQLException unknown, List<D1Statement> stmts, String commitId,
      List<D1BatchPacker.Planned> request, int applied, int total, Consumer<SQLWarning> warnings) throws SQLException {
    if (commitId == null) {
      if (unknown instanceof D1OutcomeUnknownException && ((D1OutcomeUnknownException) unknown).answeredSuccess()) {
        warn(warnings, "D1 " + database + ": D1 answered HTTP " + ((D1Exception) unknown).httpStatus()
            + " (the request was applied)"
            + " but its answer was lost; the update counts of this commit are unknown");
        return List.of();
      }
      throw failure(unknown, request, applied, total);
    }
    SQLException last = unknown;
    for (int resend = 0; ; resend++) {
      Boolean landed = ledgerHas(commitId);
      if (Boolean.TRUE.equals(landed)) {
        LOG.info("D1 {}: the outcome of commit {} was unknown ({}); the ledger shows it landed", database, commitId,
            last.getMessage());
        warn(warnings, "D1 " + database + ": commit " + commitId + " was confirmed by the commit ledger after its"
            + " answer was lost; its update counts are unknown");
        return List.of();
      }
      if (landed == null || resend >= MAX_LEDGER_RESENDS) {
        throw new D1CommitException(last.getMessage() + " -- D1 " + database + ": the outcome of commit " + commitId
            + " is UNKNOWN (SQLState 08007) and the commit ledger could not settle it ("
            + (landed == null ? "the ledger could not be read" : resend + " resends were not answered either")
            + "). It landed exactly once or not at all: SELECT * FROM " + D1Write.quote(options.commitLedgerTable())
            + " WHERE id = '" + commitId + "' tells which; re-run the transaction only if that finds no row. The"
            + " buffer was cleared.", new SQLException(last.getMessage(), "08007", last), 0, null, applied);
      }
      LOG.warn("D1 {}: commit {} did not land (outcome was unknown: {}); sending it again ({} of {})", database,
          commitId, last.getMessage(), resend + 1, MAX_LEDGER_RESENDS);
      try {
        return sender.batch(stmts);
      } catch (SQLException e) {
        if (outcomeUnknown(e)) {
          last = e;
          continue;
        }
        String said = e instanceof D1Exception ? ((D1Exception) e).d1Message() : e.getMessage();
        if (said != null && said.contains("UNIQUE constraint failed: " + options.commitLedgerTable() + ".id")) {
          // The first copy landed after all, while we looked: this copy was rolled back whole.
          warn(warnings, "D1 " + database + ": commit " + commitId + " landed late (its resend was refused by the"
              + " commit ledger); its update counts are unknown");
          return List.of();
        }
        throw failure(e, request, applied, total);
      }
    }
  }

  /** Whether the commit id is in the ledger; null if that could not be read. */
  private Boolean ledgerHas(String commitId) {
    String table = D1Write.quote(options.commitLedgerTable());
    try {
      List<D1Result> r = sender.batch(List.of(D1Statement.of("SELECT count(*) FROM " + table + " WHERE id = ?",
          commitId)));
      Object n = r.get(0).rows().get(0)[0];
      return n instanceof Number && ((Number) n).longValue() > 0;
    } catch (SQLException e) {
      String said = e instanceof D1Exception ? ((D1Exception) e).d1Message() : e.getMessage();
      if (said != null && said.startsWith("no such table")) {
        return false; // the ledger's first request never landed
      }
      LOG.warn("D1 {}: cannot read the commit ledger: {}", database, e.getMessage());
      return null;
    }
  }

  private static void warn(Consumer<SQLWarning> warnings, String message) {
    LOG.warn(message);
    if (warnings != null) {
      warnings.accept(new SQLWarning(message, "01D02"));
    }
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
