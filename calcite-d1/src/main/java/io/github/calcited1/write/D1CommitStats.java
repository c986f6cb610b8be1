package io.github.calcited1.write;

/**
 * What one flush of a {@link D1Transaction} did (a COMMIT, or one autocommit statement or JDBC batch): per D1
 * database. {@code d1DurationMillis} is the sum of D1's own {@code meta.duration}; {@code wallMillis} includes HTTP.
 */
public final class D1CommitStats {
  private final String database;
  private final int writesBuffered;
  private final int statementsSent;
  private final int requestsSent;
  private final long rowsInserted;
  private final long changes;
  private final long rowsRead;
  private final long rowsWritten;
  private final double d1DurationMillis;
  private final long wallMillis;

  public D1CommitStats(String database, int writesBuffered, int statementsSent, int requestsSent, long rowsInserted,
      long changes, long rowsRead, long rowsWritten, double d1DurationMillis, long wallMillis) {
    this.database = database;
    this.writesBuffered = writesBuffered;
    this.statementsSent = statementsSent;
    this.requestsSent = requestsSent;
    this.rowsInserted = rowsInserted;
    this.changes = changes;
    this.rowsRead = rowsRead;
    this.rowsWritten = rowsWritten;
    this.d1DurationMillis = d1DurationMillis;
    this.wallMillis = wallMillis;
  }

  /** The schema/database this flush went to. */
  public String database() {
    return database;
  }

  /** User statements that were buffered (counted before consecutive inserts coalesce). */
  public int writesBuffered() {
    return writesBuffered;
  }

  /** D1 statements sent (a packed insert of many rows is one). */
  public int statementsSent() {
    return statementsSent;
  }

  /** HTTP requests (D1 batches) sent; more than 1 means the transaction was split and atomic per request only. */
  public int requestsSent() {
    return requestsSent;
  }

  public boolean split() {
    return requestsSent > 1;
  }

  /** Rows inserted (or upserted), as buffered. */
  public long rowsInserted() {
    return rowsInserted;
  }

  /** Sum of D1's {@code meta.changes}, which includes rows changed by triggers and foreign-key cascades. */
  public long changes() {
    return changes;
  }

  public long rowsRead() {
    return rowsRead;
  }

  /** D1's {@code rows_written}: counts index entries too. */
  public long rowsWritten() {
    return rowsWritten;
  }

  public double d1DurationMillis() {
    return d1DurationMillis;
  }

  public long wallMillis() {
    return wallMillis;
  }

  @Override
  public String toString() {
    return "D1CommitStats{database=" + database + ", writesBuffered=" + writesBuffered + ", statementsSent="
        + statementsSent + ", requestsSent=" + requestsSent + ", rowsInserted=" + rowsInserted + ", changes="
        + changes + ", rowsRead=" + rowsRead + ", rowsWritten=" + rowsWritten + ", d1DurationMillis="
        + d1DurationMillis + ", wallMillis=" + wallMillis + "}";
  }
}
