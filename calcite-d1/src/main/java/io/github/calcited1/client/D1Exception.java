package io.github.calcited1.client;

import java.sql.SQLException;

/**
 * A failed D1 call. Carries the HTTP status, D1's error code and message, and a SQLState; subclasses name the kind
 * of failure. {@link #getErrorCode()} is the D1 code. The message starts with what D1 said, then says what to do.
 *
 * <p>Messages, causes and {@code toString()} never contain the API token: the client scrubs them.
 */
public class D1Exception extends SQLException {
  private static final long serialVersionUID = 1L;

  private final int httpStatus;
  private final int d1Code;
  private final String d1Message;

  /**
   * @param httpStatus the HTTP status, or 0 when no HTTP response arrived
   * @param d1Code D1's error code ({@code errors[0].code}), or 0 when D1 sent none
   * @param d1Message D1's error message ({@code errors[0].message}), or a description of the failure when D1 sent
   *     none
   */
  public D1Exception(String message, String sqlState, int httpStatus, int d1Code, String d1Message, Throwable cause) {
    super(message, sqlState, d1Code, cause);
    this.httpStatus = httpStatus;
    this.d1Code = d1Code;
    this.d1Message = d1Message;
  }

  /** The HTTP status; 0 when the failure happened before any HTTP response (e.g. connection refused). */
  public int httpStatus() {
    return httpStatus;
  }

  /** D1's error code, e.g. 7500 for SQL errors, 10000 for authentication; 0 when D1 sent none. */
  public int d1Code() {
    return d1Code;
  }

  /** D1's own error text, e.g. {@code no such table: t: SQLITE_ERROR}. */
  public String d1Message() {
    return d1Message;
  }

  /**
   * Whether sending the same request again later might succeed (rate limits, server errors, network failures).
   * Says nothing about whether a failed write was applied: a retry layer must decide that per request.
   */
  public boolean isTransient() {
    return httpStatus >= 500;
  }
}
