package io.github.calcited1.write;

import io.github.calcited1.client.D1Statement;

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

  static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  static String abbreviate(String s) {
    String one = s.replaceAll("\\s+", " ");
    return one.length() <= 200 ? one : one.substring(0, 197) + "...";
  }
}
