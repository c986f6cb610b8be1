package io.github.calcited1.client;

/**
 * A write request left this process, and no answer says whether D1 applied it: the connection broke or timed out
 * after sending, D1 answered 5xx, its HTTP 2xx answer could not be read, or it contradicted itself (HTTP 2xx with an
 * error envelope, which D1 never sends for a refusal). SQLState 08007 ("transaction resolution
 * unknown"). The client never sends such a request again by itself, since that could apply it twice; the write path
 * resolves it with its commit ledger when that is on (docs/transactions.md), and otherwise reports it.
 */
public class D1OutcomeUnknownException extends D1ConnectionException {
  private static final long serialVersionUID = 1L;

  private final boolean answeredSuccess;

  /**
   * @param answeredSuccess D1 answered 2xx and only the body was lost (so the write was applied), see
   *     {@link #answeredSuccess()}
   */
  public D1OutcomeUnknownException(String message, int httpStatus, int d1Code, String d1Message, Throwable cause,
      boolean answeredSuccess) {
    super(message, "08007", httpStatus, d1Code, d1Message, cause);
    this.answeredSuccess = answeredSuccess;
  }

  /**
   * D1 answered with a 2xx status and only the body was lost or cut short. D1 sends 2xx only for a request it ran to
   * the end, so the write was applied; its result (update counts) is what is unknown. False for a 2xx answer that
   * reported an error: that one may or may not have been applied.
   */
  public boolean answeredSuccess() {
    return answeredSuccess;
  }

  /** Sending it again blindly could apply it twice. */
  @Override
  public boolean isTransient() {
    return false;
  }
}
