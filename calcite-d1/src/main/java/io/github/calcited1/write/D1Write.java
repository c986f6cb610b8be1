package io.github.calcited1.write;

import io.github.calcited1.catalog.D1Catalog;
import io.github.calcited1.client.D1Statement;
import io.github.calcited1.config.D1WriteOptions;

import java.sql.SQLException;
import java.util.List;

/**
 * One write waiting in a {@link D1Transaction}: what a single SQL statement of the user became. It turns into one or
 * more D1 statements when the transaction is sent ({@link #toStatements}); consecutive row inserts into the same
 * table coalesce ({@link #absorb}), so 10,000 single-row INSERTs of a JDBC batch travel as a few packed statements.
 */
public abstract class D1Write {
  /** What the user asked for. */
  public enum Kind { INSERT, UPSERT, UPDATE, DELETE,
    /** A statement sent as written ({@code d1_execute}). */
    NATIVE }

  private long changes;
  /** The generated keys this write returns (an INSERT sent at once), or null. */
  private D1GeneratedKeys keys;
  private String returning;

  /** The kind of write. */
  public abstract Kind kind();

  /** The target table as D1 knows it. */
  public abstract String table();

  /** A short description for messages and logs (never the row data). */
  public abstract String describe();

  /**
   * The number of rows this write is known to target when it is buffered: exact for inserts, the number of keys for
   * by-key updates/deletes, and -1 when only D1 can tell (pushed {@code UPDATE ... WHERE}).
   */
  public abstract long knownRows();

  /** The D1 statements, each within D1's per-statement limits; throws if that is impossible. */
  public abstract List<D1Statement> toStatements(D1WriteOptions options) throws SQLException;

  /**
   * Whether statement {@code index} of {@link #toStatements} must be in the same request as the one before it: the
   * compare-and-set check of a write computed from rows read ({@link D1WriteConflict}).
   */
  public boolean staysWithPrevious(int index) {
    return false;
  }

  /** About how many bytes this write holds while it waits for COMMIT (its values as JSON text, its SQL). */
  public abstract long bufferedBytes();

  /** About the bytes {@code values} take as JSON text (a bound limit, not an exact size). */
  public static long valueBytes(Iterable<?> values) {
    long n = 2;
    for (Object v : values) {
      n += 1 + (v instanceof CharSequence s ? s.length() + 2 : v instanceof byte[] b ? 2L * b.length + 2 : 20);
    }
    return n;
  }

  /** Takes over {@code next} (which directly follows this write) if both can travel as one; false otherwise. */
  public boolean absorb(D1Write next) {
    return false;
  }

  /** D1's {@code changes} summed over this write's statements, once sent (includes trigger/cascade changes). */
  public long changes() {
    return changes;
  }

  void addChanges(long n) {
    changes += n;
  }

  /** Makes this INSERT return {@code keys} of {@code table}: each of its statements gets a RETURNING clause. */
  public void returnKeys(D1GeneratedKeys keys, D1Catalog.Table table) throws SQLException {
    if (table == null) {
      throw new SQLException("D1 table '" + table() + "' is not in the catalog read by this connection, so its"
          + " generated keys are unknown; nothing was sent. Retry after the catalog refresh, or insert without asking"
          + " for generated keys", "42S02");
    }
    this.returning = keys.returning(table);
    this.keys = keys;
  }

  /** The statement as sent: with the RETURNING clause of the generated keys, if asked for. */
  D1Statement withReturning(D1Statement s) {
    return returning == null ? s : D1Statement.of(s.sql() + " RETURNING " + returning, s.params());
  }

  /** Receives the rows one of this write's statements returned. */
  void returned(List<Object[]> rows) {
    if (keys != null) {
      keys.add(rows);
    }
  }

  static String abbreviate(String s) {
    String one = s.replaceAll("\\s+", " ");
    return one.length() <= 200 ? one : one.substring(0, 197) + "...";
  }
}
