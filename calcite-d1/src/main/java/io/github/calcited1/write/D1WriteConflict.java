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
 * atomic; a statement that changes 0 rows is no error, hence the check). {@link D1FailedCommit} turns that error into
 * SQLState {@value #SQLSTATE}. The marker is text calcite-d1 writes itself, with a number that names the write.
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
   * The 1-based position in {@code request} of the check whose marker the error {@code e} names, or 0 when {@code e}
   * is not a write conflict. The marker is found in D1's message, never inferred from its wording.
   */
  static int failedCheck(SQLException e, List<D1BatchPacker.Planned> request) {
    String said = e instanceof D1Exception d && d.d1Message() != null ? d.d1Message() : e.getMessage();
    Matcher m = said == null ? null : MARKER_IN_MESSAGE.matcher(said);
    if (m == null || !m.find()) {
      return 0;
    }
    String quoted = "'" + m.group() + "'";
    for (int i = 0; i < request.size(); i++) {
      if (request.get(i).statement().sql().contains(quoted)) {
        return i + 1;
      }
    }
    return 0;
  }
}
