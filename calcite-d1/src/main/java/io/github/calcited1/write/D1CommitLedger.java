package io.github.calcited1.write;

import static io.github.calcited1.catalog.D1Names.quote;

import io.github.calcited1.client.D1Exception;
import io.github.calcited1.client.D1Result;
import io.github.calcited1.client.D1Statement;
import io.github.calcited1.config.D1WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.sql.SQLWarning;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * The commit ledger ({@link D1WriteOptions#commitLedger()}): exactly-once COMMIT requests. Every request starts with
 * {@code INSERT INTO ledger (id, committed_at)} of a fresh commit id, in the same atomic batch: afterwards the ledger
 * says whether the request landed, and sending it again is safe because a second copy fails on the ledger's primary
 * key, which rolls that copy back whole.
 */
public final class D1CommitLedger {
  private static final Logger LOG = LoggerFactory.getLogger(D1Transaction.class);
  /** Resends of one request whose fate stayed unknown, with the ledger, before giving up with 08007. */
  private static final int MAX_LEDGER_RESENDS = 3;
  /**
   * How long to keep asking the ledger after an unknown outcome. The lost answer is often the server or the network
   * going away for a moment; the client's own retries of one read last well under a second, which is too little for
   * a restart. D1 ends any request after 30 s, so a request still in flight has settled by then too.
   */
  static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final long FIRST_PAUSE_MILLIS = 250;
  private static final long MAX_PAUSE_MILLIS = 4_000;

  private final String database;
  private final D1BatchSender batches;
  private final D1WriteOptions options;
  private final D1FailedCommit failures;

  D1CommitLedger(String database, D1BatchSender batches, D1WriteOptions options, D1FailedCommit failures) {
    this.database = database;
    this.batches = batches;
    this.options = options;
    this.failures = failures;
  }

  /** The ledger's own DDL, sent with every ledger commit: it changes no table a user sees. */
  public static String createSql(String ledgerTable) {
    return "CREATE TABLE IF NOT EXISTS " + quote(ledgerTable)
        + " (id TEXT PRIMARY KEY, committed_at TEXT NOT NULL)";
  }

  /** {@code CREATE TABLE IF NOT EXISTS ledger ...; INSERT INTO ledger VALUES (commitId, now)}. */
  List<D1Statement> statements(String commitId) {
    String table = quote(options.commitLedgerTable());
    return List.of(
        D1Statement.of(createSql(options.commitLedgerTable())),
        D1Statement.of("INSERT INTO " + table + " (id, committed_at) VALUES (?, ?)", commitId,
            Instant.now().toString()));
  }

  /**
   * A request whose fate is unknown: ask D1 whether the commit id landed (patiently: {@link #ledgerHas}); if so it
   * succeeded; if not, send the same request again (a second copy cannot apply: the ledger's primary key rolls it
   * back), up to {@value #MAX_LEDGER_RESENDS} times.
   *
   * @return the results of the request, or an empty list when it is known to have landed but its answer is lost
   */
  List<D1Result> resolve(SQLException unknown, List<D1Statement> stmts, String commitId,
      D1FailedCommit.Progress progress, Consumer<SQLWarning> warnings) throws SQLException {
    SQLException last = unknown;
    for (int resend = 0; ; resend++) {
      Boolean landed = ledgerHas(commitId);
      if (Boolean.TRUE.equals(landed)) {
        LOG.info("D1 {}: the outcome of commit {} was unknown ({}); the ledger shows it landed", database, commitId,
            last.getMessage());
        D1FailedCommit.warn(warnings, "D1 " + database + ": commit " + commitId + " was confirmed by the commit"
            + " ledger after its answer was lost; its update counts are unknown");
        return List.of();
      }
      if (landed == null) {
        throw failures.unresolved(last, progress, commitId, "the ledger could not be read within "
            + PATIENCE.toSeconds() + " s");
      }
      if (resend >= MAX_LEDGER_RESENDS) {
        throw failures.unresolved(last, progress, commitId, resend + " resends were not answered either");
      }
      LOG.warn("D1 {}: commit {} did not land (outcome was unknown: {}); sending it again ({} of {})", database,
          commitId, last.getMessage(), resend + 1, MAX_LEDGER_RESENDS);
      try {
        return batches.batch(stmts);
      } catch (SQLException e) {
        if (D1FailedCommit.outcomeUnknown(e)) {
          last = e;
          continue;
        }
        String said = e instanceof D1Exception ? ((D1Exception) e).d1Message() : e.getMessage();
        if (said != null && said.contains("UNIQUE constraint failed: " + options.commitLedgerTable() + ".id")) {
          // The first copy landed after all, while we looked: this copy was rolled back whole.
          D1FailedCommit.warn(warnings, "D1 " + database + ": commit " + commitId + " landed late (its resend was"
              + " refused by the commit ledger); its update counts are unknown");
          return List.of();
        }
        throw failures.failure(e, progress);
      }
    }
  }

  /**
   * Whether the commit id is in the ledger; null if that could not be read within {@link #PATIENCE}. A failure that
   * waiting can cure (no connection, a 5xx, a rate limit: typically D1 or the network restarting right after the
   * lost answer) is asked again after a pause, each read with the client's own retries; one that it cannot (D1
   * refused the read, e.g. the token) ends the patience at once.
   */
  private Boolean ledgerHas(String commitId) {
    String table = quote(options.commitLedgerTable());
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    long pauseMillis = FIRST_PAUSE_MILLIS;
    while (true) {
      try {
        List<D1Result> r = batches.batch(List.of(D1Statement.of("SELECT count(*) FROM " + table + " WHERE id = ?",
            commitId)));
        Object n = r.get(0).rows().get(0)[0];
        return n instanceof Number && ((Number) n).longValue() > 0;
      } catch (SQLException e) {
        String said = e instanceof D1Exception ? ((D1Exception) e).d1Message() : e.getMessage();
        if (said != null && said.startsWith("no such table")) {
          return false; // the ledger's first request never landed
        }
        int status = e instanceof D1Exception ? ((D1Exception) e).httpStatus() : 0;
        boolean curable = status == 0 || status == 429 || status >= 500;
        if (!curable || System.nanoTime() + pauseMillis * 1_000_000L > deadline) {
          LOG.warn("D1 {}: cannot read the commit ledger: {}", database, e.getMessage());
          return null;
        }
        LOG.info("D1 {}: cannot read the commit ledger yet ({}); asking again in {} ms", database, e.getMessage(),
            pauseMillis);
        try {
          Thread.sleep(pauseMillis);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return null;
        }
        pauseMillis = Math.min(MAX_PAUSE_MILLIS, 2 * pauseMillis);
      }
    }
  }
}
