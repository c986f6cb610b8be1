package io.github.calcited1.write;

import io.github.calcited1.client.D1Exception;
import io.github.calcited1.client.D1OutcomeUnknownException;
import io.github.calcited1.client.D1ProtocolException;
import io.github.calcited1.client.D1Result;
import io.github.calcited1.client.D1RetriesExhaustedException;
import io.github.calcited1.client.D1Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.sql.SQLWarning;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Explains a failed COMMIT request: finds the failing statement (by bisection with rolled-back probes) and builds
 * the {@link D1CommitException} that says what was applied and what to do next.
 */
final class D1FailedCommit {
  private static final Logger LOG = LoggerFactory.getLogger(D1Transaction.class);
  private static final int MAX_PROBES = 12;

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
  List<D1Result> unknownWithoutLedger(SQLException unknown, List<D1BatchPacker.Planned> request, int applied,
      int total, Consumer<SQLWarning> warnings) throws SQLException {
    if (unknown instanceof D1OutcomeUnknownException && ((D1OutcomeUnknownException) unknown).answeredSuccess()) {
      warn(warnings, "D1 " + database + ": D1 answered HTTP " + ((D1Exception) unknown).httpStatus()
          + " (the request was applied)"
          + " but its answer was lost; the update counts of this commit are unknown");
      return List.of();
    }
    throw failure(unknown, request, applied, total);
  }

  D1CommitException failure(SQLException e, List<D1BatchPacker.Planned> request, int applied, int total) {
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
