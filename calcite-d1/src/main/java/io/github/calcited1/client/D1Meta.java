package io.github.calcited1.client;

/**
 * The {@code meta} D1 reports with each statement's result. Immutable. Fields D1 did not send read as 0, false or
 * null; fields this class does not know (production adds {@code timings}, {@code served_by_region}, ...) are skipped.
 */
public final class D1Meta {
  private final long changes;
  private final long lastRowId;
  private final boolean changedDb;
  private final long sizeAfter;
  private final long rowsRead;
  private final long rowsWritten;
  private final double durationMillis;
  private final String servedBy;

  public D1Meta(long changes, long lastRowId, boolean changedDb, long sizeAfter, long rowsRead, long rowsWritten,
      double durationMillis, String servedBy) {
    this.changes = changes;
    this.lastRowId = lastRowId;
    this.changedDb = changedDb;
    this.sizeAfter = sizeAfter;
    this.rowsRead = rowsRead;
    this.rowsWritten = rowsWritten;
    this.durationMillis = durationMillis;
    this.servedBy = servedBy;
  }

  /** Rows changed, counted as SQLite's {@code total_changes()} delta: includes trigger and cascade changes. */
  public long changes() {
    return changes;
  }

  /** The connection's {@code last_insert_rowid()}; reported on every statement, SELECTs included. */
  public long lastRowId() {
    return lastRowId;
  }

  public boolean changedDb() {
    return changedDb;
  }

  /** Database size in bytes after the statement. */
  public long sizeAfter() {
    return sizeAfter;
  }

  /** Rows read, index entries included; what D1 bills. */
  public long rowsRead() {
    return rowsRead;
  }

  /** Rows written, index entries included; what D1 bills. */
  public long rowsWritten() {
    return rowsWritten;
  }

  /** SQL execution time on D1, network excluded; fractional in production. */
  public double durationMillis() {
    return durationMillis;
  }

  /** E.g. {@code "v3-prod"} in production, {@code "miniflare.db"} locally; null if absent. */
  public String servedBy() {
    return servedBy;
  }

  @Override
  public String toString() {
    return "D1Meta{changes=" + changes + ", lastRowId=" + lastRowId + ", changedDb=" + changedDb
        + ", sizeAfter=" + sizeAfter + ", rowsRead=" + rowsRead + ", rowsWritten=" + rowsWritten
        + ", durationMillis=" + durationMillis + ", servedBy=" + servedBy + "}";
  }
}
