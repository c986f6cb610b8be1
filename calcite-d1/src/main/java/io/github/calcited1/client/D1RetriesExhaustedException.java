package io.github.calcited1.client;

import java.time.Duration;

/**
 * A request failed on every attempt the retry policy allowed ({@code maxAttempts}), or D1 asked to wait longer than
 * {@code maxRetryAfterSeconds}. The message says how many attempts over how long and why they stopped; the cause
 * is the last failure, whose SQLState, HTTP status and D1 code this exception carries.
 */
public class D1RetriesExhaustedException extends D1Exception {
  private static final long serialVersionUID = 1L;

  private final int attempts;
  private final Duration elapsed;

  public D1RetriesExhaustedException(String message, D1Exception last, int attempts, Duration elapsed) {
    super(message, last.getSQLState(), last.httpStatus(), last.d1Code(), last.d1Message(), last);
    this.attempts = attempts;
    this.elapsed = elapsed;
  }

  /** Requests sent, the first included. */
  public int attempts() {
    return attempts;
  }

  /** From the first attempt to giving up, waits included. */
  public Duration elapsed() {
    return elapsed;
  }

  /** The failure of the last attempt. */
  public D1Exception lastFailure() {
    return (D1Exception) getCause();
  }

  @Override
  public boolean isTransient() {
    return true;
  }
}
