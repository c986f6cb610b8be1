package io.github.calcited1.client;

/**
 * A write request left this process, and no answer says whether D1 applied it: the connection broke or timed out
 * after sending, D1 answered 5xx, or its HTTP 2xx answer could not be read. SQLState 08007 ("transaction resolution
 * unknown"). The client never sends such a request again by itself, since that could apply it twice; the write path
 * resolves it with its commit ledger when that is on (docs/transactions.md), and otherwise reports it.
 */
public class D1OutcomeUnknownException extends D1ConnectionException {
  private static final long serialVersionUID = 1L;

  public D1OutcomeUnknownException(String message, int httpStatus, int d1Code, String d1Message, Throwable cause) {
    super(message, "08007", httpStatus, d1Code, d1Message, cause);
  }

  /**
   * D1 answered with a 2xx status (only the body was lost or unreadable). D1 sends 2xx only for a request it ran to
   * the end, so the write was applied; its result (update counts) is what is unknown.
   */
  public boolean answeredSuccess() {
    return httpStatus() >= 200 && httpStatus() < 300;
  }

  /** Sending it again blindly could apply it twice. */
  @Override
  public boolean isTransient() {
    return false;
  }
}
