package io.github.calcited1.write;

import io.github.calcited1.client.D1Exception;
import io.github.calcited1.client.D1Statement;

import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compare-and-set for writes that Calcite computed from rows it read (by-key UPDATE/DELETE, the two-statement MERGE):
 * each such statement changes a row only if it still holds the values read, and is followed, in the same request, by
 * a check that it changed as many rows as were read:
 * <pre>SELECT CASE WHEN changes() = 3 THEN 1 ELSE json_extract('{}', 'calcite-d1 row conflict #17') END</pre>
 * When another client changed, deleted or inserted such a row meanwhile, the check fails with SQLite's
 * {@code bad JSON path: 'calcite-d1 row conflict #17'}, which makes D1 roll the whole request back (a batch is
 * atomic; a statement that changes 0 rows is no error, hence the check). {@link #of} turns that error into SQLState
 * {@value #SQLSTATE}. The marker is text calcite-d1 writes itself, with a number that names the write.
 */
final class D1WriteConflict {
  /** SQLState of a serialization failure: re-running the transaction may succeed. */
  static final String SQLSTATE = "40001";
  private static final String MARKER = "calcite-d1 row conflict #";
  private static final Pattern MARKER_IN_MESSAGE = Pattern.compile(Pattern.quote(MARKER) + "\\d+");
  private static final AtomicLong NEXT = new AtomicLong();

  private D1WriteConflict() {
  }

  /** A fresh marker, for one write's checks. */
  static String newMarker() {
    return MARKER + NEXT.incrementAndGet();
  }

  /** The statement that fails with {@code marker} unless the statement before it changed {@code rows} rows. */
  static D1Statement check(long rows, String marker) {
    return D1Statement.of(checkSql("changes() = " + rows, marker));
  }

  /** {@code SELECT CASE WHEN condition THEN 1 ELSE <error naming marker> END}. */
  static String checkSql(String condition, String marker) {
    return "SELECT CASE WHEN " + condition + " THEN 1 ELSE json_extract('{}', '" + marker + "') END";
  }

  /**
   * The 40001 exception for a failed request whose error is one of its writes' checks, or null if it is not.
   *
   * @param applied earlier requests of the same (split) transaction that were applied
   */
  static D1CommitException of(SQLException e, List<D1BatchPacker.Planned> request, int applied, String database) {
    String said = e instanceof D1Exception d && d.d1Message() != null ? d.d1Message() : e.getMessage();
    Matcher m = said == null ? null : MARKER_IN_MESSAGE.matcher(said);
    if (m == null || !m.find()) {
      return null;
    }
    String marker = m.group();
    for (int i = 0; i < request.size(); i++) {
      D1BatchPacker.Planned p = request.get(i);
      if (p.statement().sql().contains("'" + marker + "'")) {
        String write = p.owner().describe();
        StringBuilder msg = new StringBuilder("Write conflict on D1 table ")
            .append(D1Write.quote(p.owner().table())).append(" (SQLState ").append(SQLSTATE)
            .append("): the row changed since it was read; re-run the transaction. -- D1 ").append(database)
            .append(": ").append(write).append(" was computed by calcite-d1 from rows it read, and when the request"
                + " ran, one of them no longer held the values read (another client updated, deleted or inserted"
                + " it meanwhile). Nothing of this request was applied (a D1 batch is atomic)");
        if (applied > 0) {
          msg.append("; the transaction had been split and ").append(applied)
              .append(" earlier request(s) WERE applied");
        }
        msg.append(". Reads do not see this transaction's own buffered writes, so a row written by an earlier"
            + " statement of the same transaction and then changed by key conflicts every time: commit in between."
            + " The buffer was cleared.");
        return new D1CommitException(msg.toString(), new SQLException(said, SQLSTATE, e), i + 1, write, applied);
      }
    }
    return null;
  }
}
