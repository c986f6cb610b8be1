package io.github.calcited1.write;

import java.sql.SQLException;

/**
 * A bound on the bytes of uncommitted writes: of one connection, or of all connections that share it (the connections
 * of one {@code calcite-d1 serve}, or of one of its users). A statement that would go past it is refused before it is
 * buffered, so the transaction's earlier writes stay intact and the process keeps its heap.
 */
public final class D1BufferLimit {
  private final long maxBytes;
  private final String whose;
  private final String option;
  private final String sqlState;
  private long used;

  private D1BufferLimit(long maxBytes, String whose, String option, String sqlState) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException(option + " must be positive, not " + maxBytes);
    }
    this.maxBytes = maxBytes;
    this.whose = whose;
    this.option = option;
    this.sqlState = sqlState;
  }

  /** The limit of one connection; going past it is SQLState 54000 (a program limit). {@code option} names its knob. */
  public static D1BufferLimit perConnection(long maxBytes, String option) {
    return new D1BufferLimit(maxBytes, "This connection's", option, "54000");
  }

  /** The limit of all connections of one authenticated user; going past it is SQLState 53200, to that user. */
  public static D1BufferLimit perUser(long maxBytes, String user, String option) {
    return new D1BufferLimit(maxBytes, "User \"" + user + "\"'s (all its connections')", option, "53200");
  }

  /** A limit shared by many connections; going past it is SQLState 53200 (out of memory). */
  public static D1BufferLimit shared(long maxBytes, String option) {
    return new D1BufferLimit(maxBytes, "The server's (all connections')", option, "53200");
  }

  public long maxBytes() {
    return maxBytes;
  }

  /** Bytes held now. */
  public synchronized long usedBytes() {
    return used;
  }

  synchronized void reserve(long bytes) throws SQLException {
    if (used + bytes > maxBytes) {
      throw new SQLException(whose + " uncommitted writes would take " + (used + bytes) + " bytes, more than the"
          + " limit of " + maxBytes + " bytes (" + option + "). This statement was not buffered; the transaction's"
          + " earlier writes are kept and can still be committed or rolled back. Commit more often (e.g. every"
          + " 10,000 rows), or raise " + option + ".", sqlState);
    }
    used += bytes;
  }

  synchronized void release(long bytes) {
    used = Math.max(0, used - bytes);
  }
}
