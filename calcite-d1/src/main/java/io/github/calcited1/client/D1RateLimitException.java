package io.github.calcited1.client;

import java.time.Duration;
import java.util.Optional;

/**
 * Too many requests: Cloudflare's API rate limit (HTTP 429, code 971) or an overloaded database (SQLState 53000,
 * "insufficient resources").
 */
public class D1RateLimitException extends D1Exception {
  private static final long serialVersionUID = 1L;

  private final Duration retryAfter;

  public D1RateLimitException(String message, String sqlState, int httpStatus, int d1Code, String d1Message,
      Throwable cause, Duration retryAfter) {
    super(message, sqlState, httpStatus, d1Code, d1Message, cause);
    this.retryAfter = retryAfter;
  }

  /** How long the server asked to wait ({@code Retry-After}), if it said. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  @Override
  public boolean isTransient() {
    return true;
  }
}
