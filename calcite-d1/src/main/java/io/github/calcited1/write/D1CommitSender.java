package io.github.calcited1.write;

import io.github.calcited1.client.D1Result;
import io.github.calcited1.client.D1Statement;
import io.github.calcited1.config.D1WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.sql.SQLWarning;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Sends the writes of one COMMIT to one D1 database: packs them into requests ({@link D1BatchPacker}), sends the
 * requests in order, and sums D1's figures into {@link D1CommitStats}. A request whose fate is unknown goes to the
 * {@link D1CommitLedger} (when on); a failed one is diagnosed and explained by {@link D1FailedCommit}.
 */
final class D1CommitSender {
  /** The commit statistics are logged under the transaction's name, as documented in docs/transactions.md. */
  private static final Logger LOG = LoggerFactory.getLogger(D1Transaction.class);

  private final String database;
  private final D1BatchSender batches;
  private final D1WriteOptions options;
  private final D1CommitLedger ledger;
  private final D1FailedCommit failures;

  D1CommitSender(String database, D1BatchSender batches, D1WriteOptions options) {
    this.database = database;
    this.batches = batches;
    this.options = options;
    this.failures = new D1FailedCommit(database, batches, options);
    this.ledger = options.commitLedger() ? new D1CommitLedger(database, batches, options, failures) : null;
  }

  /**
   * Sends {@code ws} ({@code buffered} user statements) in order; returns what was done. Like DuckDB's
   * {@code SQLiteTransaction::Commit}: plan the statements, send them, count.
   */
  D1CommitStats send(List<D1Write> ws, int buffered, Consumer<SQLWarning> warnings) throws SQLException {
    long start = System.nanoTime();
    List<D1BatchPacker.Planned> planned = statements(ws);
    List<List<D1BatchPacker.Planned>> requests = D1BatchPacker.pack(planned, options);
    if (requests.size() > 1) {
      refuseOrWarnSplit(buffered, planned.size(), requests.size(), warnings);
    }
    long rowsInserted = ws.stream()
        .filter(w -> w.kind() == D1Write.Kind.INSERT || w.kind() == D1Write.Kind.UPSERT)
        .mapToLong(D1Write::knownRows).sum();
    Tally tally = new Tally();
    for (List<D1BatchPacker.Planned> request : requests) {
      sendRequest(request, requests, tally, warnings);
    }
    D1CommitStats stats = new D1CommitStats(database, buffered, tally.statements, tally.requests, rowsInserted,
        tally.changes, tally.rowsRead, tally.rowsWritten, tally.d1Millis, (System.nanoTime() - start) / 1_000_000L);
    LOG.info("D1 {}: sent {}", database, stats);
    return stats;
  }

  /** The D1 statements of the writes, in order; each but a compare-and-set check returns its keys. */
  private List<D1BatchPacker.Planned> statements(List<D1Write> ws) throws SQLException {
    List<D1BatchPacker.Planned> planned = new ArrayList<>();
    for (D1Write w : ws) {
      List<D1Statement> statements = w.toStatements(options);
      for (int i = 0; i < statements.size(); i++) {
        boolean check = w.staysWithPrevious(i); // a compare-and-set check returns no keys
        planned.add(new D1BatchPacker.Planned(check ? statements.get(i) : w.withReturning(statements.get(i)), w,
            check));
      }
    }
    return planned;
  }

  /** A transaction that needs several requests: refused with {@code strictAtomicity}, else sent with a warning. */
  private void refuseOrWarnSplit(int buffered, int statements, int requests, Consumer<SQLWarning> warnings)
      throws SQLException {
    String msg = "D1 " + database + ": the transaction (" + buffered + " statement(s), " + statements
        + " D1 statement(s)) does not fit one D1 request (budget: " + options.maxStatementsPerRequest()
        + " statements / " + options.maxRequestBytes() + " bytes per request) and needs " + requests
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

  /** What the requests sent so far did. */
  private static final class Tally {
    int requests;
    int statements;
    long changes;
    boolean changesKnown = true;
    long rowsRead;
    long rowsWritten;
    double d1Millis;
  }

  /**
   * Sends one request (behind the ledger's statements when the ledger is on) and adds D1's figures to
   * {@code tally}; a failure is explained by {@link D1FailedCommit}, an unknown outcome settled by the ledger.
   */
  private void sendRequest(List<D1BatchPacker.Planned> request, List<List<D1BatchPacker.Planned>> requests,
      Tally tally, Consumer<SQLWarning> warnings) throws SQLException {
    List<D1Statement> stmts = new ArrayList<>(request.size() + 2);
    String commitId = ledger != null ? UUID.randomUUID().toString() : null;
    if (commitId != null) {
      stmts.addAll(ledger.statements(commitId));
    }
    int offset = stmts.size();
    for (D1BatchPacker.Planned p : request) {
      stmts.add(p.statement);
    }
    List<D1Result> results;
    try {
      results = batches.batch(stmts);
    } catch (SQLException e) {
      D1FailedCommit.Progress progress =
          new D1FailedCommit.Progress(requests, tally.requests, tally.changes, tally.changesKnown);
      if (!D1FailedCommit.outcomeUnknown(e)) {
        throw failures.failure(e, progress);
      }
      results = ledger == null ? failures.unknownWithoutLedger(e, progress, warnings)
          : ledger.resolve(e, stmts, commitId, progress, warnings);
      tally.changesKnown &= !results.isEmpty();
    }
    tally.requests++;
    tally.statements += stmts.size();
    for (int i = 0; i + offset < results.size() && i < request.size(); i++) {
      D1Result r = results.get(i + offset);
      if (r == null || r.meta() == null) {
        continue;
      }
      request.get(i).owner.addChanges(r.meta().changes());
      if (!request.get(i).staysWithPrevious) {
        request.get(i).owner.returned(r.rows());
      }
      tally.changes += r.meta().changes();
      tally.rowsRead += r.meta().rowsRead();
      tally.rowsWritten += r.meta().rowsWritten();
      tally.d1Millis += r.meta().durationMillis();
    }
  }
}
