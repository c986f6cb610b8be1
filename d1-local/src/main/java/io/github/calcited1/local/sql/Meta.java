package io.github.calcited1.local.sql;

/**
 * D1's {@code meta} of one result. {@code rowsRead} and {@code rowsWritten} approximate the
 * counters of D1's patched SQLite (see {@link D1Database}); the rest is exact.
 */
public record Meta(long durationMillis, long changes, long lastRowId, boolean changedDb, long sizeAfter,
    long rowsRead, long rowsWritten) {
  /** What local D1 (Miniflare) reports as {@code served_by}. */
  public static final String SERVED_BY = "miniflare.db";
}
