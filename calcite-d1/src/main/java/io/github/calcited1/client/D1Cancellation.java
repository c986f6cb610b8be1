package io.github.calcited1.client;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.Call;

/**
 * What may end a JDBC statement's D1 requests early: its query timeout ({@code Statement.setQueryTimeout}, a deadline
 * counted from the statement's start) and {@code Statement.cancel()} (a flag another thread sets). {@link D1Client}
 * gives each request of the statement at most the time left (OkHttp's call timeout, retries and their waits included)
 * and starts none after the deadline; a watcher thread cancels the statement's calls in flight once its flag is set,
 * so a request stuck on the network stops within {@link #WATCH_MILLIS}, in every thread of a fan-out. The flag is
 * Calcite's ({@code DataContext.Variable.CANCEL_FLAG}, an {@link AtomicBoolean} that tells no one when it is set),
 * hence the watcher.
 */
public final class D1Cancellation {
  /** Neither a deadline nor a flag: requests bounded only by the client's own timeouts. */
  public static final D1Cancellation NONE = new D1Cancellation(0, 0, null);

  /** How often the watcher looks at the flags of the calls in flight. */
  static final long WATCH_MILLIS = 20;

  /** The calls in flight of statements that can be cancelled; see {@link #watch}. */
  private static final Set<Call> WATCHED = ConcurrentHashMap.newKeySet();
  private static final Object WATCHER_LOCK = new Object();

  static {
    Thread watcher = new Thread(D1Cancellation::watch, "calcite-d1-cancel-watch");
    watcher.setDaemon(true);
    watcher.start();
  }

  private final long timeoutMillis;
  /** The deadline, in {@link System#currentTimeMillis()} time (as Calcite counts it); 0: none. */
  private final long deadlineMillis;
  private final AtomicBoolean cancelFlag;

  private D1Cancellation(long timeoutMillis, long deadlineMillis, AtomicBoolean cancelFlag) {
    this.timeoutMillis = timeoutMillis;
    this.deadlineMillis = deadlineMillis;
    this.cancelFlag = cancelFlag;
  }

  /**
   * @param startMillis when the statement started ({@link System#currentTimeMillis()} time)
   * @param timeoutMillis its query timeout; 0 or less: none
   * @param cancelFlag set when the statement is cancelled; null: it cannot be
   */
  public static D1Cancellation of(long startMillis, long timeoutMillis, AtomicBoolean cancelFlag) {
    if (timeoutMillis <= 0 && cancelFlag == null) {
      return NONE;
    }
    return new D1Cancellation(Math.max(0, timeoutMillis), timeoutMillis > 0 ? startMillis + timeoutMillis : 0,
        cancelFlag);
  }

  /** Whether the statement was cancelled or its deadline has passed. */
  public boolean stopped() {
    return cancelled() || (deadlineMillis > 0 && System.currentTimeMillis() >= deadlineMillis);
  }

  private boolean cancelled() {
    return cancelFlag != null && cancelFlag.get();
  }

  /**
   * Whether {@code failure} came from stopping the statement: it was cancelled, or its deadline has passed, or a
   * timeout fired within {@link #SLACK_MILLIS} of it (OkHttp's timer and the wall clock may differ by a little).
   */
  boolean stoppedBy(Throwable failure) {
    if (this == NONE) {
      return false;
    }
    if (stopped()) {
      return true;
    }
    if (deadlineMillis == 0 || deadlineMillis - System.currentTimeMillis() > SLACK_MILLIS) {
      return false;
    }
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof java.io.InterruptedIOException) {
        return true;
      }
    }
    return false;
  }

  /** How far before the deadline a timeout still counts as the deadline's. */
  private static final long SLACK_MILLIS = 100;

  /** Throws the statement's failure if it was cancelled or timed out. */
  public void check() throws D1CanceledException {
    if (stopped()) {
      throw failure(null);
    }
  }

  /** Milliseconds left before the deadline (at least 1 while it has not passed); {@link Long#MAX_VALUE}: none. */
  long remainingMillis() {
    return deadlineMillis == 0 ? Long.MAX_VALUE : Math.max(1, deadlineMillis - System.currentTimeMillis());
  }

  /** A call's timeout bounded by the time left ({@code callTimeout} 0: none, as in OkHttp). */
  long callTimeoutMillis(Duration callTimeout) {
    long own = callTimeout.isZero() ? Long.MAX_VALUE : callTimeout.toMillis();
    long bound = Math.min(own, remainingMillis());
    return bound == Long.MAX_VALUE ? 0 : bound;
  }

  /** The failure of a statement that was cancelled or timed out; {@code cause} is what the stop broke, if anything. */
  D1CanceledException failure(Throwable cause) {
    return failure(cause, "");
  }

  /** As {@link #failure(Throwable)}, with {@code detail} (a sentence, or empty) after what happened. */
  private D1CanceledException failure(Throwable cause, String detail) {
    if (cancelled()) {
      return new D1CanceledException("Statement canceled (Statement.cancel()): its D1 requests in flight were"
          + " aborted and it read nothing more." + detail + " The statement stays canceled: run the SQL again on a new"
          + " Statement.",
          "HY008", cause);
    }
    return new D1CanceledException(String.format(Locale.ROOT, "Query timeout of %.1f s reached"
        + " (Statement.setQueryTimeout): its D1 requests in flight were aborted and it read nothing more.%s Raise the"
        + " timeout, or make the query cheaper for D1 (a selective WHERE, an index on D1, a LIMIT).",
        timeoutMillis / 1000.0, detail), "HYT00", cause);
  }

  /**
   * Waits {@code millis} before a retry, in steps, so that a cancel ends the wait; a wait that would pass the deadline
   * is not begun: the statement fails now with {@code failure} as the cause.
   */
  void sleepBeforeRetry(long millis, D1Client.Sleeper sleeper, D1Exception failure) throws D1Exception {
    if (this == NONE) {
      sleepOrThrow(millis, sleeper, failure);
      return;
    }
    if (millis >= remainingMillis()) {
      throw failure(failure, " A request failed (" + failure.d1Message() + ") and the wait before sending it again ("
          + millis + " ms) would pass the timeout.");
    }
    for (long left = millis; left > 0; left -= WATCH_MILLIS) {
      if (stopped()) {
        throw failure(failure);
      }
      sleepOrThrow(Math.min(left, WATCH_MILLIS), sleeper, failure);
    }
    check();
  }

  private static void sleepOrThrow(long millis, D1Client.Sleeper sleeper, D1Exception failure) throws D1Exception {
    try {
      sleeper.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure;
    }
  }

  /** Watches {@code call} (started for a statement that can be cancelled) until {@link #unwatch}. */
  static void watch(Call call) {
    D1Cancellation c = call.request().tag(D1Cancellation.class);
    if (c != null && c.cancelFlag != null) {
      WATCHED.add(call);
      synchronized (WATCHER_LOCK) {
        WATCHER_LOCK.notifyAll();
      }
    }
  }

  /** The call ended (its answer read or closed, or it failed). */
  static void unwatch(Call call) {
    WATCHED.remove(call);
  }

  /** The watcher thread: cancels the calls whose statement's flag is set; sleeps while no call is watched. */
  private static void watch() {
    while (true) {
      try {
        synchronized (WATCHER_LOCK) {
          while (WATCHED.isEmpty()) {
            WATCHER_LOCK.wait();
          }
        }
        for (Call call : WATCHED) {
          D1Cancellation c = call.request().tag(D1Cancellation.class);
          if (c != null && c.cancelled()) {
            WATCHED.remove(call);
            call.cancel();
          }
        }
        Thread.sleep(WATCH_MILLIS);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // One call's cancel failing must not end the watch for every other statement.
      }
    }
  }
}
