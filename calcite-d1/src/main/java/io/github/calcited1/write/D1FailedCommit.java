package io.github.calcited1.write;

import static io.github.calcited1.catalog.D1Names.quote;

import io.github.calcited1.client.D1AuthenticationException;
import io.github.calcited1.client.D1Exception;
import io.github.calcited1.client.D1OutcomeUnknownException;
import io.github.calcited1.client.D1ProtocolException;
import io.github.calcited1.client.D1Result;
import io.github.calcited1.client.D1RetriesExhaustedException;
import io.github.calcited1.client.D1Statement;
import io.github.calcited1.config.D1WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.sql.SQLWarning;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Explains a failed COMMIT request: finds the failing statement (by bisection with rolled-back probes) and builds
 * the {@link D1CommitException} that says exactly what was applied (for a split transaction: which requests, with
 * which writes), what was not, and what is safe to do next.
 */
final class D1FailedCommit {
  private static final Logger LOG = LoggerFactory.getLogger(D1Transaction.class);
  private static final int MAX_PROBES = 12;
  /** Writes named per request in a message; the rest are counted. */
  private static final int WRITES_NAMED = 5;

  /**
   * Where a COMMIT stands when request {@code current} (0-based) fails: the requests before it were applied, with
   * {@code changesApplied} rows changed as D1 reported them ({@code changesKnown} false when a confirmed request's
   * answer was lost).
   */
  record Progress(List<List<D1BatchPacker.Planned>> requests, int current, long changesApplied,
      boolean changesKnown) {
    List<D1BatchPacker.Planned> request() {
      return requests.get(current);
    }

    boolean split() {
      return requests.size() > 1;
    }

    /** "request k of n", or "this request" when the COMMIT was not split. */
    String name() {
      return split() ? "request " + (current + 1) + " of " + requests.size() : "this request";
    }
  }

  private final String database;
  private final D1BatchSender batches;
  private final D1WriteOptions options;

  D1FailedCommit(String database, D1BatchSender batches, D1WriteOptions options) {
    this.database = database;
    this.batches = batches;
    this.options = options;
  }

  /**
   * A request whose fate is unknown, without the ledger: a 2xx answer whose body was lost means applied (counts
   * unknown, a warning says so); otherwise the COMMIT fails with 08007.
   *
   * @return an empty list when the request is known to have landed but its answer is lost
   */
  List<D1Result> unknownWithoutLedger(SQLException unknown, Progress progress, Consumer<SQLWarning> warnings)
      throws SQLException {
    if (unknown instanceof D1OutcomeUnknownException && ((D1OutcomeUnknownException) unknown).answeredSuccess()) {
      warn(warnings, "D1 " + database + ": D1 answered HTTP " + ((D1Exception) unknown).httpStatus()
          + " (the request was applied)"
          + " but its answer was lost; the update counts of this commit are unknown");
      return List.of();
    }
    throw failure(unknown, progress);
  }

  /** The COMMIT failed at {@code progress}'s current request with {@code e}. */
  D1CommitException failure(SQLException e, Progress progress) {
    List<D1BatchPacker.Planned> request = progress.request();
    int conflicting = D1WriteConflict.failedCheck(e, request);
    if (conflicting > 0) {
      return conflict(e, progress, conflicting);
    }
    String d1Message = e instanceof D1Exception && ((D1Exception) e).d1Message() != null
        ? ((D1Exception) e).d1Message() : e.getMessage();
    boolean statementError = statementError(e);
    int failed = statementError && request.size() == 1 ? 1 : 0;
    if (failed == 0 && statementError && options.diagnoseFailedCommit()) {
      failed = locate(request, d1Message);
    }
    StringBuilder msg = new StringBuilder(d1Message == null ? "D1 error" : d1Message);
    msg.append(" -- D1 ").append(database).append(": ");
    String thisRequest = progress.name();
    String sentenceStart = Character.toUpperCase(thisRequest.charAt(0)) + thisRequest.substring(1);
    String write = null;
    boolean unknown = outcomeUnknown(e);
    if (e instanceof D1AuthenticationException) {
      msg.append("D1 refused the API token (HTTP ").append(((D1Exception) e).httpStatus())
          .append(", SQLState 28000), so no statement of ").append(thisRequest).append(" ran. Check the token and its"
              + " D1 Edit permission for this account. ");
    } else if (failed > 0) {
      write = request.get(failed - 1).owner.describe();
      msg.append("statement ").append(failed).append(" of ").append(request.size()).append(" in ").append(thisRequest)
          .append(" failed (").append(write).append("). ");
    } else if (statementError) {
      msg.append("one of the ").append(request.size()).append(" statements of ").append(thisRequest)
          .append(" failed. ");
    } else if (!unknown) {
      msg.append(sentenceStart).append(" (").append(request.size()).append(" statement(s)) failed as a whole. ");
    }
    if (unknown) {
      int status = ((D1Exception) e).httpStatus();
      msg.append("The outcome of ").append(thisRequest).append(" is UNKNOWN (SQLState 08007): it was sent, then ")
          .append(status == 0 ? "the connection failed before D1 answered"
              : status >= 300 ? "D1 answered HTTP " + status
              : e instanceof D1ProtocolException ? "D1's answer (HTTP " + status + ") could not be understood"
              : "D1 answered HTTP " + status + " but with an error instead of results (D1 answers a refusal with"
                  + " 4xx)")
          .append(", so D1 may or may not have applied it, all or nothing; it was NOT sent again. ");
    } else if (definitelyNotRun(e)) {
      msg.append("Nothing of ").append(thisRequest).append(" was applied (")
          .append(((D1Exception) e).httpStatus() >= 400 ? "D1 refused it, and a D1 batch is atomic"
              : "D1 could not be reached or refused it before running it")
          .append("). ");
    } else {
      unknown = true;
      msg.append(sentenceStart).append(" failed before D1 answered; whether it was applied is unknown. ");
    }
    if (progress.split()) {
      msg.append(parts(progress, unknown ? "OUTCOME UNKNOWN" : "NOT APPLIED"));
    }
    if (unknown) {
      msg.append(unknownAdvice(progress));
    } else {
      msg.append(refusedAdvice(progress));
    }
    msg.append(" The buffer was cleared.");
    LOG.warn("D1 {}: commit failed: {}", database, msg);
    SQLException cause = unknown && !"08007".equals(e.getSQLState())
        ? new SQLException(e.getMessage(), "08007", e) : e;
    return new D1CommitException(msg.toString(), cause, failed, write, progress.current(),
        progress.requests().size());
  }

  /** A compare-and-set check failed: SQLState 40001, and what is safe to do given the requests already applied. */
  private D1CommitException conflict(SQLException e, Progress progress, int check) {
    D1Write owner = progress.request().get(check - 1).owner;
    String write = owner.describe();
    String said = e instanceof D1Exception d && d.d1Message() != null ? d.d1Message() : e.getMessage();
    StringBuilder msg = new StringBuilder("Write conflict on D1 table ").append(quote(owner.table()))
        .append(" (SQLState ").append(D1WriteConflict.SQLSTATE).append("): the row changed since it was read. -- D1 ")
        .append(database).append(": ").append(write).append(" was computed by calcite-d1 from rows it read, and when ")
        .append(progress.name()).append(" ran, one of them no longer held the values read (another client updated,"
            + " deleted or inserted it meanwhile). Nothing of ").append(progress.name())
        .append(" was applied (a D1 batch is atomic). ");
    if (progress.split()) {
      msg.append(parts(progress, "NOT APPLIED"));
    }
    msg.append(progress.current() == 0 ? "Nothing of the transaction was applied: re-run it (it reads the new"
        + " values)." : refusedAdvice(progress));
    msg.append(" Reads do not see this transaction's own buffered writes, so a row written by an earlier statement of"
        + " the same transaction and then changed by key conflicts every time: commit in between. The buffer was"
        + " cleared.");
    LOG.info("D1 {}: commit failed: {}", database, msg);
    return new D1CommitException(msg.toString(), new SQLException(said, D1WriteConflict.SQLSTATE, e), check, write,
        progress.current(), progress.requests().size());
  }

  /**
   * With the ledger, the current request's fate could not be settled: it landed exactly once or not at all, and the
   * ledger row {@code commitId} tells which.
   */
  D1CommitException unresolved(SQLException last, Progress progress, String commitId, String why) {
    String ledgerQuery = "SELECT * FROM " + quote(options.commitLedgerTable()) + " WHERE id = '" + commitId
        + "'";
    String thisRequest = progress.name();
    StringBuilder msg = new StringBuilder(last.getMessage()).append(" -- D1 ").append(database)
        .append(": the outcome of ").append(thisRequest).append(" (commit ").append(commitId)
        .append(") is UNKNOWN (SQLState 08007) and the commit ledger could not settle it (").append(why)
        .append("). It landed exactly once or not at all: ")
        .append(ledgerQuery).append(" tells which. ");
    if (progress.split()) {
      msg.append(parts(progress, "OUTCOME UNKNOWN"));
      msg.append(progress.current() > 0 ? "Do NOT re-run the whole transaction: " + appliedRange(progress)
          + " would be applied twice. " : "").append("If the ledger query finds a row, ")
          .append(restAfter(progress)).append("; if it finds none, re-run only ")
          .append(writesOf(progress, progress.current())).append('.');
    } else {
      msg.append("Re-run the transaction only if that finds no row.");
    }
    msg.append(" The buffer was cleared.");
    LOG.warn("D1 {}: commit failed: {}", database, msg);
    return new D1CommitException(msg.toString(), new SQLException(last.getMessage(), "08007", last), 0, null,
        progress.current(), progress.requests().size());
  }

  /** What to do when the current request certainly did not apply. */
  private static String refusedAdvice(Progress progress) {
    if (progress.current() == 0) {
      return "Nothing of the transaction was applied; fix the cause and run it again.";
    }
    return "Do NOT re-run the whole transaction: " + appliedRange(progress) + " would be applied twice. To finish"
        + " it, fix the cause and re-run only " + writesOf(progress, progress.current()) + "; to undo it, reverse the"
        + " writes of " + appliedRange(progress) + ".";
  }

  /** What to do when the current request may or may not have applied, without the ledger. */
  private String unknownAdvice(Progress progress) {
    String probe = "read back a row that " + (progress.split() ? "request " + (progress.current() + 1) : "it")
        + " wrote (" + progress.request().get(0).owner.describe() + ")";
    String ledger = options.commitLedger() ? ""
        : " Turn on the commit ledger (operand commitLedger: true) to have calcite-d1 find out and resend safely by"
            + " itself.";
    if (progress.current() == 0 && !progress.split()) {
      return "Check before re-running: " + probe + " and re-run only if it is absent." + ledger;
    }
    String notSent = restAfter(progress);
    String rerun = "re-run only " + writesOf(progress, progress.current());
    return (progress.current() > 0 ? "Do NOT re-run the whole transaction: " + appliedRange(progress)
        + " would be applied twice. " : "") + "Check first: " + probe + "; if it is there, " + notSent
        + "; if it is absent, " + rerun + "." + ledger;
  }

  /** What to do when the current request turns out to have landed. */
  private static String restAfter(Progress progress) {
    return progress.current() + 1 < progress.requests().size()
        ? "re-run only " + writesOf(progress, progress.current() + 1) : "the transaction is complete";
  }

  /** "request 1" or "requests 1..3": the requests applied before the current one. */
  private static String appliedRange(Progress progress) {
    return progress.current() == 1 ? "request 1 (applied)" : "requests 1.." + progress.current() + " (applied)";
  }

  /** "the writes of requests k..n" (1-based {@code from}+1), naming them. */
  private static String writesOf(Progress progress, int from) {
    int n = progress.requests().size();
    String which = from == n - 1 ? "request " + n : "requests " + (from + 1) + ".." + n;
    StringBuilder sb = new StringBuilder("the writes of ").append(which).append(" (");
    sb.append(describe(progress.requests(), from, n));
    return sb.append(')').toString();
  }

  /**
   * The split's parts: "APPLIED: request 1 (...), D1 reported N rows changed. OUTCOME UNKNOWN: request 2 (...).
   * NOT SENT: request 3 (...)."
   */
  private static String parts(Progress progress, String currentState) {
    List<List<D1BatchPacker.Planned>> requests = progress.requests();
    int k = progress.current();
    StringBuilder sb = new StringBuilder("The transaction was split into ").append(requests.size())
        .append(" requests, atomic each: ");
    if (k > 0) {
      sb.append("APPLIED: ").append(k == 1 ? "request 1" : "requests 1.." + k).append(" (")
          .append(describe(requests, 0, k)).append(')');
      sb.append(progress.changesKnown() ? ", D1 reported " + progress.changesApplied() + " row(s) changed"
          : ", row counts partly unknown").append(". ");
    }
    sb.append(currentState).append(": request ").append(k + 1).append(" (").append(describe(requests, k, k + 1))
        .append("). ");
    if (k + 1 < requests.size()) {
      sb.append("NOT SENT: ").append(k + 2 == requests.size() ? "request " + requests.size()
          : "requests " + (k + 2) + ".." + requests.size()).append(" (").append(describe(requests, k + 1,
              requests.size())).append("). ");
    }
    return sb.toString();
  }

  /**
   * The writes of requests {@code from..to-1}: each once, in order, with the part of its D1 statements these requests
   * hold when that is not all of them ("INSERT INTO "t" [a] (100000 rows): its D1 statements 3-6 of 6").
   */
  private static String describe(List<List<D1BatchPacker.Planned>> requests, int from, int to) {
    Map<D1Write, Integer> total = new IdentityHashMap<>();
    Map<D1Write, Integer> first = new IdentityHashMap<>();
    Map<D1Write, Integer> last = new IdentityHashMap<>();
    List<D1Write> named = new ArrayList<>();
    int statements = 0;
    for (int r = 0; r < requests.size(); r++) {
      for (D1BatchPacker.Planned p : requests.get(r)) {
        int index = total.merge(p.owner, 1, Integer::sum);
        if (r >= from && r < to) {
          statements++;
          if (first.putIfAbsent(p.owner, index) == null) {
            named.add(p.owner);
          }
          last.put(p.owner, index);
        }
      }
    }
    StringBuilder sb = new StringBuilder().append(statements).append(" D1 statement(s) from ");
    for (int i = 0; i < named.size() && i < WRITES_NAMED; i++) {
      D1Write w = named.get(i);
      sb.append(i > 0 ? "; " : "").append(w.describe());
      int all = total.get(w);
      if (first.get(w) != 1 || last.get(w) != all) {
        sb.append(": its D1 statements ").append(first.get(w)).append('-').append(last.get(w)).append(" of ")
            .append(all);
      }
    }
    if (named.size() > WRITES_NAMED) {
      sb.append("; and ").append(named.size() - WRITES_NAMED).append(" more write(s)");
    }
    return sb.toString();
  }

  /** D1 ran the statements and one of them failed (HTTP 400, D1's SQL errors), as opposed to a refused request. */
  private static boolean statementError(SQLException e) {
    return e instanceof D1Exception && !(e instanceof D1AuthenticationException)
        && ((D1Exception) e).httpStatus() == 400;
  }

  /**
   * The request left and nothing says whether D1 applied it: the client's {@link D1OutcomeUnknownException}, or a
   * 2xx answer that is not D1's JSON ({@link D1ProtocolException}; the client sends a write only once).
   */
  static boolean outcomeUnknown(SQLException e) {
    return e instanceof D1OutcomeUnknownException || e instanceof D1ProtocolException;
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

  /** Logs a warning and hands it to the connection (SQLState 01D02: the commit's update counts are unknown). */
  static void warn(Consumer<SQLWarning> warnings, String message) {
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
        batches.batch(probe);
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
