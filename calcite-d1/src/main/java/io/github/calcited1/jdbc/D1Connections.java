package io.github.calcited1.jdbc;

import io.github.calcited1.write.D1CommitStats;
import io.github.calcited1.write.D1Session;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.jdbc.D1MetaBridge;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.util.List;

/**
 * Transaction details of a {@code jdbc:d1:} connection: the way in to its {@link D1Session}, whose class
 * {@code connection.unwrap(...)} does not offer. {@code Connection.getWarnings()} and {@code clearWarnings()} reach
 * the same warnings the standard way:
 * <pre>
 *   conn.commit();
 *   List&lt;D1CommitStats&gt; stats = D1Connections.lastCommitStats(conn);   // requests, statements, rows, D1 time
 *   SQLWarning w = D1Connections.warnings(conn);                       // e.g. "split into 3 requests"
 * </pre>
 */
public final class D1Connections {
  private D1Connections() {
  }

  /** The D1 session of a {@code jdbc:d1:} connection; throws for other connections. */
  public static D1Session session(Connection connection) throws SQLException {
    Object c = connection;
    if (!(D1MetaBridge.metaOf(c) instanceof D1Session.Holder) && connection.isWrapperFor(CalciteConnection.class)) {
      c = connection.unwrap(CalciteConnection.class);
    }
    Object meta = D1MetaBridge.metaOf(c);
    if (meta instanceof D1Session.Holder) {
      return ((D1Session.Holder) meta).d1Session();
    }
    throw new SQLException("not a jdbc:d1: connection: " + connection);
  }

  /** Statistics of the last COMMIT (one per D1 database written), or of the last autocommit write. */
  public static List<D1CommitStats> lastCommitStats(Connection connection) throws SQLException {
    return session(connection).lastCommitStats();
  }

  /** User statements waiting for COMMIT. */
  public static int pendingStatements(Connection connection) throws SQLException {
    return session(connection).pendingStatements();
  }

  /** Warnings of the connection's transactions (e.g. a transaction split over several requests), or null. */
  public static SQLWarning warnings(Connection connection) throws SQLException {
    return session(connection).warnings();
  }

  public static void clearWarnings(Connection connection) throws SQLException {
    session(connection).clearWarnings();
  }
}
