package io.github.calcited1.local.fault;

import java.time.Duration;
import java.util.Objects;

/**
 * A failure d1-local plays instead of (or around) a normal answer, so reliability tests can run
 * against the real server. Queue faults with {@link FaultHooks#next(Fault)}.
 */
public final class Fault {
  /** What the fault does. */
  public enum Kind {
    /** HTTP 429, code 971, with {@code Retry-After}; the request is not executed. */
    RATE_LIMITED,
    /** HTTP 5xx, code 7500 {@code internal error; reference = ...}; the request is not executed. */
    SERVER_ERROR,
    /** Waits, then answers normally. */
    DELAY,
    /** Executes the request, sends the headers and half the body, then drops the connection. */
    DROP_MID_BODY,
    /** Executes (and commits) the request, then drops the connection without answering. */
    DROP_AFTER_EXECUTE
  }

  private final Kind kind;
  private final Duration duration;
  private final int status;

  private Fault(Kind kind, Duration duration, int status) {
    this.kind = kind;
    this.duration = duration;
    this.status = status;
  }

  /** Cloudflare's API rate limit: 429 with {@code Retry-After} in whole seconds (rounded up). */
  public static Fault rateLimited(Duration retryAfter) {
    Objects.requireNonNull(retryAfter, "retryAfter");
    return new Fault(Kind.RATE_LIMITED, retryAfter, 429);
  }

  /** A server error with the given status, 500 to 599. */
  public static Fault serverError(int status) {
    if (status < 500 || status > 599) {
      throw new IllegalArgumentException("a server error status is 500..599, got " + status);
    }
    return new Fault(Kind.SERVER_ERROR, Duration.ZERO, status);
  }

  /** Answers normally after waiting this long (e.g. to exercise client timeouts). */
  public static Fault delay(Duration delay) {
    if (delay == null || delay.isNegative()) {
      throw new IllegalArgumentException("delay must be zero or positive, got " + delay);
    }
    return new Fault(Kind.DELAY, delay, 200);
  }

  /** Executes the request, then cuts the response body in the middle. */
  public static Fault dropMidBody() {
    return new Fault(Kind.DROP_MID_BODY, Duration.ZERO, 200);
  }

  /** Executes and commits the request, then closes the connection before answering. */
  public static Fault dropAfterExecute() {
    return new Fault(Kind.DROP_AFTER_EXECUTE, Duration.ZERO, 200);
  }

  public Kind kind() {
    return kind;
  }

  /** The Retry-After of RATE_LIMITED, the wait of DELAY, zero otherwise. */
  public Duration duration() {
    return duration;
  }

  /** The HTTP status of RATE_LIMITED and SERVER_ERROR. */
  public int status() {
    return status;
  }

  @Override
  public String toString() {
    return "Fault[" + kind + (duration.isZero() ? "" : " " + duration) + (kind == Kind.SERVER_ERROR ? " " + status : "")
        + "]";
  }
}
