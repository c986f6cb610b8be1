package io.github.calcited1.write;

import java.sql.SQLException;

/**
 * A flush of a {@link D1Transaction} failed. Unless the SQLState is 08007 (outcome unknown: the request left and its
 * answer was lost), the failed request changed nothing in D1 (a D1 batch is atomic); if the transaction had been
 * split into {@link #requests()} requests, the {@link #requestsApplied()} before the failed one were applied and
 * those after it were not sent. The message names the writes of each part and says what is safe to re-run. The
 * buffer is cleared either way, as after a rollback.
 */
public class D1CommitException extends SQLException {
  private static final long serialVersionUID = 1L;

  private final int failedStatement;
  private final String failedWrite;
  private final int requestsApplied;
  private final int requests;

  public D1CommitException(String message, SQLException cause, int failedStatement, String failedWrite,
      int requestsApplied, int requests) {
    super(message, cause.getSQLState(), cause.getErrorCode(), cause);
    this.failedStatement = failedStatement;
    this.failedWrite = failedWrite;
    this.requestsApplied = requestsApplied;
    this.requests = requests;
  }

  /** 1-based position of the failing statement in the failed request, or 0 if it could not be determined. */
  public int failedStatement() {
    return failedStatement;
  }

  /** Description of the user statement the failing D1 statement came from, or null. */
  public String failedWrite() {
    return failedWrite;
  }

  /**
   * Requests of this flush that D1 applied before the failed one (0 unless the transaction was split): requests
   * {@code 1..requestsApplied()} are applied, request {@code requestsApplied() + 1} failed (applied or not as the
   * SQLState says: 08007 unknown, anything else not applied), and the later ones were not sent.
   */
  public int requestsApplied() {
    return requestsApplied;
  }

  /** Requests the flush was split into (1 when it was not split). */
  public int requests() {
    return requests;
  }
}
