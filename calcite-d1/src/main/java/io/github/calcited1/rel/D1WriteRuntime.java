package io.github.calcited1.rel;

import io.github.calcited1.client.D1Result;
import io.github.calcited1.client.ReadOnlySql;
import io.github.calcited1.client.Rethrow;
import io.github.calcited1.config.D1WriteOptions;
import io.github.calcited1.write.D1CommitLedger;
import io.github.calcited1.write.D1CommitStats;
import io.github.calcited1.write.D1Delete;
import io.github.calcited1.write.D1GeneratedKeys;
import io.github.calcited1.write.D1Insert;
import io.github.calcited1.write.D1KeyMatch;
import io.github.calcited1.write.D1Merge;
import io.github.calcited1.write.D1Session;
import io.github.calcited1.write.D1SqlWrite;
import io.github.calcited1.write.D1Transaction;
import io.github.calcited1.write.D1Update;
import io.github.calcited1.write.D1ValueKind;
import io.github.calcited1.write.D1Write;
import org.apache.calcite.DataContext;
import org.apache.calcite.jdbc.D1MetaBridge;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.Linq4j;

import java.lang.reflect.Array;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * What generated code calls to write to D1. Decides, per statement, whether the write is buffered or sent now:
 * <ul>
 *   <li>on a {@code jdbc:d1:} connection with autocommit off (or inside a JDBC batch), the write goes to the
 *       connection's {@link D1Transaction} for that database and waits for COMMIT;</li>
 *   <li>otherwise (autocommit, plain {@code jdbc:calcite:}, or no connection at all) it is sent at once, as one
 *       request when it fits.</li>
 * </ul>
 * Returns the update count: rows inserted (exact); for UPDATE/DELETE sent at once D1's {@code changes}; for buffered
 * pushed UPDATE/DELETE/INSERT...SELECT 0, which does not mean "no row matched": the count is known only at COMMIT
 * ({@code D1Connections.lastCommitStats}), and the connection gets an {@link SQLWarning} saying so
 * ({@code D1Connections.warnings}); for buffered by-key UPDATE/DELETE the number of keys.
 */
public final class D1WriteRuntime {
  private D1WriteRuntime() {
  }

  /**
   * A statement run inside D1 (pushed UPDATE/DELETE/INSERT...SELECT); {@code params} are its parameters' values,
   * of the kinds {@code paramKinds} ({@link D1Query#paramKinds()}).
   */
  public static Enumerable<Long> pushed(DataContext root, D1Schema schema, D1Write.Kind kind, String table,
      String sql, D1Query.Kind[] paramKinds, Object[] params) {
    try {
      checkWritable(schema, table);
      D1Write w = new D1SqlWrite(kind, table, sql,
          Arrays.asList(D1Query.bind(paramKinds, params)), -1);
      return Linq4j.singletonEnumerable(submit(root, schema, w));
    } catch (SQLException e) {
      throw Rethrow.unchanged(e);
    }
  }

  /**
   * Rows from anywhere (VALUES, another database, a file) into a D1 table. Each row holds the values of
   * {@code columns}, then one BOOLEAN per entry of {@code perRowDefaults} (the column it governs): true leaves that
   * column to D1's default in that row. Rows are sent in order, a new INSERT starting wherever the set of columns
   * given changes (consecutive INSERTs with the same columns travel as one).
   */
  public static Enumerable<Long> insert(DataContext root, D1Schema schema, String table, String[] columns,
      D1ValueKind[] kinds, int[] perRowDefaults, Enumerable<Object[]> rows) {
    try {
      return insert0(root, schema, table, columns, kinds, perRowDefaults, rows);
    } catch (SQLException e) {
      throw Rethrow.unchanged(e);
    }
  }

  private static Enumerable<Long> insert0(DataContext root, D1Schema schema, String table, String[] columns,
      D1ValueKind[] kinds, int[] perRowDefaults, Enumerable<Object[]> rows) throws SQLException {
    checkWritable(schema, table);
    List<D1Write> writes = new ArrayList<>();
    boolean[] given = new boolean[columns.length];
    boolean[] previous = null;
    D1Insert w = null;
    long count = 0;
    try (Enumerator<Object[]> e = rows.enumerator()) {
      while (e.moveNext()) {
        Object[] r = e.current();
        Arrays.fill(given, true);
        for (int k = 0; k < perRowDefaults.length; k++) {
          if (Boolean.TRUE.equals(r[columns.length + k])) {
            given[perRowDefaults[k]] = false;
          }
        }
        if (w == null || !Arrays.equals(given, previous)) {
          w = new D1Insert(table, List.of(select(columns, given)), List.of(select(kinds, given)));
          writes.add(w);
          previous = given.clone();
        }
        // Rows are encoded at once (not kept), so a row that gives every column is added as it is.
        w.add(perRowDefaults.length == 0 && r.length == columns.length ? r : select(r, given));
        count++;
      }
    }
    submit(root, schema, writes);
    return Linq4j.singletonEnumerable(count);
  }

  /** The elements of {@code values} (at least as long as {@code keep}) whose {@code keep} entry is true. */
  @SuppressWarnings("unchecked")
  private static <T> T[] select(T[] values, boolean[] keep) {
    List<T> out = new ArrayList<>(keep.length);
    for (int i = 0; i < keep.length; i++) {
      if (keep[i]) {
        out.add(values[i]);
      }
    }
    return out.toArray((T[]) Array.newInstance(values.getClass().getComponentType(), 0));
  }

  /** The elements of {@code values} at {@code fields}. */
  private static <T> T[] pick(T[] values, int[] fields) {
    T[] out = Arrays.copyOf(values, fields.length);
    for (int i = 0; i < fields.length; i++) {
      out[i] = values[fields[i]];
    }
    return out;
  }

  /**
   * An UPDATE Calcite computed (its WHERE/SET could not run in D1): each input row is (old columns..., new values...);
   * the rows are sent as an update by key (by all columns when {@code wholeRow}, see {@link D1KeyMatch}) that applies
   * only to rows whose {@code guarded} columns still hold the values read ({@link D1WriteConflict}).
   */
  public static Enumerable<Long> updateByKey(DataContext root, D1Schema schema, String table, String[] keyColumns,
      boolean wholeRow, String[] guardedColumns, String[] setColumns, int[] fields, D1ValueKind[] kinds,
      Enumerable<Object[]> rows) {
    try {
      D1Update w = new D1Update(table, new D1KeyMatch(List.of(keyColumns), wholeRow, List.of(guardedColumns)),
          List.of(setColumns), List.of(kinds));
      return byKey(root, schema, w, fields, w::add, rows);
    } catch (SQLException e) {
      throw Rethrow.unchanged(e);
    }
  }

  /**
   * A DELETE Calcite computed: each input row is a full row of the table; its key and the old values of the
   * {@code guarded} columns are sent ({@link D1KeyMatch}, {@link D1WriteConflict}).
   */
  public static Enumerable<Long> deleteByKey(DataContext root, D1Schema schema, String table, String[] keyColumns,
      boolean wholeRow, String[] guardedColumns, int[] fields, D1ValueKind[] kinds, Enumerable<Object[]> rows) {
    try {
      D1Delete w = new D1Delete(table, new D1KeyMatch(List.of(keyColumns), wholeRow, List.of(guardedColumns)),
          List.of(kinds));
      return byKey(root, schema, w, fields, w::add, rows);
    } catch (SQLException e) {
      throw Rethrow.unchanged(e);
    }
  }

  /** A row sink that may fail. */
  private interface RowSink {
    Object add(Object[] row) throws SQLException;
  }

  private static Enumerable<Long> byKey(DataContext root, D1Schema schema, D1Write w, int[] fields,
      RowSink sink, Enumerable<Object[]> rows) throws SQLException {
    checkWritable(schema, w.table());
    try (Enumerator<Object[]> e = rows.enumerator()) {
      while (e.moveNext()) {
        sink.add(pick(e.current(), fields));
      }
    }
    if (w.knownRows() == 0) {
      return Linq4j.singletonEnumerable(0L);
    }
    return Linq4j.singletonEnumerable(submit(root, schema, w));
  }

  /**
   * A MERGE with a WHEN NOT MATCHED THEN INSERT branch, whose ON condition matches the target's primary key, as
   * SQLite's UPSERT. Calcite computes the rows (source LEFT JOIN target); each row holds the n insert values, the
   * target columns the update reads ({@code readFields}: their table columns; NULL when no row matched) and the m
   * update values. If every row's update values equal its insert values for the same columns, it is ONE statement
   * {@code INSERT ... ON CONFLICT (pk) DO UPDATE SET c = excluded.c}, whose outcome does not depend on what was read.
   * Otherwise the update values were computed from the rows read, and the MERGE is a {@link D1Merge}: a
   * compare-and-set check, a by-key UPDATE and {@code INSERT ... ON CONFLICT (pk) DO NOTHING}, in one request.
   */
  public static Enumerable<Long> merge(DataContext root, D1Schema schema, String table, String[] columns,
      D1ValueKind[] kinds, int[] keyFields, int[] updateFields, int[] readFields, int width,
      Enumerable<Object[]> rows) {
    try {
      return merge0(root, schema, table, columns, kinds, keyFields, updateFields, readFields, width, rows);
    } catch (SQLException e) {
      throw Rethrow.unchanged(e);
    }
  }

  private static Enumerable<Long> merge0(DataContext root, D1Schema schema, String table, String[] columns,
      D1ValueKind[] kinds, int[] keyFields, int[] updateFields, int[] readFields, int width, Enumerable<Object[]> rows)
      throws SQLException {
    checkWritable(schema, table);
    int n = columns.length;
    int m = updateFields.length;
    if (width != n + readFields.length + m) {
      throw new SQLException("MERGE into D1 table '" + table + "': unexpected row layout (" + width + " fields for "
          + n + " columns, " + readFields.length + " read and " + m + " updated); nothing was sent", "0A000");
    }
    List<Object[]> all = new ArrayList<>();
    boolean sameValues = true;
    try (Enumerator<Object[]> e = rows.enumerator()) {
      while (e.moveNext()) {
        Object[] r = e.current();
        all.add(r);
        for (int i = 0; i < m; i++) {
          sameValues &= Objects.deepEquals(r[updateFields[i]], r[width - m + i]);
        }
      }
    }
    if (all.isEmpty()) {
      return Linq4j.singletonEnumerable(0L);
    }
    List<String> keyColumns = List.of(pick(columns, keyFields));
    List<String> updateColumns = List.of(pick(columns, updateFields));
    if (sameValues) {
      D1Insert upsert = new D1Insert(table, List.of(columns), List.of(kinds), keyColumns, updateColumns);
      for (Object[] r : all) {
        upsert.add(Arrays.copyOf(r, n));
      }
      submit(root, schema, List.of(upsert));
      return Linq4j.singletonEnumerable((long) all.size());
    }
    int[] readOnly = Arrays.stream(readFields).filter(c -> Arrays.stream(keyFields).noneMatch(k -> k == c)).toArray();
    D1KeyMatch key = new D1KeyMatch(keyColumns, false);
    D1Update update = new D1Update(table, key, updateColumns,
        List.of(pick(kinds, IntStream.concat(Arrays.stream(keyFields), Arrays.stream(updateFields)).toArray())),
        false);
    D1Merge merge = new D1Merge(new D1KeyMatch(keyColumns, false, List.of(pick(columns, readOnly))),
        List.of(pick(kinds, IntStream.concat(Arrays.stream(keyFields), Arrays.stream(readOnly)).toArray())),
        update, new D1Insert(table, List.of(columns), List.of(kinds), keyColumns, List.of()));
    int[] updateRow = IntStream.concat(Arrays.stream(keyFields), IntStream.range(width - m, width)).toArray();
    // A read column's value is at n + its position in readFields.
    int[] readRow = IntStream.concat(Arrays.stream(keyFields), Arrays.stream(readOnly)
        .map(c -> n + IntStream.range(0, readFields.length).filter(i -> readFields[i] == c).findFirst().getAsInt()))
        .toArray();
    for (Object[] r : all) {
      merge.add(pick(r, readRow), pick(r, updateRow), Arrays.copyOf(r, n));
    }
    submit(root, schema, List.of(merge));
    return Linq4j.singletonEnumerable((long) all.size());
  }

  /** Fails before anything is sent when a write cannot proceed: unknown target, read-only schema. */
  public static Enumerable<Long> refuse(String message) {
    throw Rethrow.unchanged(new SQLException(message, "0A000"));
  }

  private static void checkWritable(D1Schema schema, String table) throws SQLException {
    if (options(schema).readOnly()) {
      throw new SQLException("D1 schema '" + String.join(".", schema.path()) + "' (database '"
          + schema.config().database() + "') is read-only (operand readOnly: true); the write to table '" + table
          + "' was refused and nothing was sent", "25006");
    }
  }

  /** The write options of a schema. */
  public static D1WriteOptions options(D1Schema schema) {
    return schema.config().writeOptions();
  }

  /** The session of the connection running the statement, or null (plain jdbc:calcite:, no connection). */
  public static D1Session session(DataContext root) {
    Object meta = D1MetaBridge.metaOf(root.getQueryProvider());
    return meta instanceof D1Session.Holder ? ((D1Session.Holder) meta).d1Session() : null;
  }

  static String key(D1Schema schema) {
    return schema.config().baseUrl() + "|" + schema.config().accountId() + "|" + schema.databaseId();
  }

  private static D1Transaction newTransaction(D1Schema schema) {
    String name = "'" + schema.config().database() + "' (schema " + String.join(".", schema.path()) + ")";
    String ledgerDdl = D1CommitLedger.createSql(options(schema).commitLedgerTable());
    return new D1Transaction(name, stmts -> {
      List<D1Result> results = schema.client().batch(schema.databaseId(), stmts);
      // DDL sent through d1_execute: the next statement must see the new catalog. (Not the commit ledger's own
      // CREATE TABLE IF NOT EXISTS, which every ledger commit carries: that would cost a catalog read per commit.)
      if (stmts.stream().anyMatch(st -> ReadOnlySql.changesSchema(st.sql()) && !st.sql().equals(ledgerDdl))) {
        schema.refreshCatalog();
      }
      return results;
    }, options(schema));
  }

  /**
   * Appends a row insert of a prepared statement executed without its plan ({@link D1DirectInsert}) to the session's
   * buffer for the schema's database ({@code key}: its {@link #key}), as the planned path's {@link #submit} does when
   * buffering. Not noted for a JDBC batch's update counts: a row insert's count is always 1.
   */
  static void bufferDirect(D1Session session, D1Schema schema, String key, D1Insert shape, Object[] row)
      throws SQLException {
    checkWritable(schema, shape.table());
    session.reserveBuffer(D1Write.valueBytes(Arrays.asList(row)));
    session.transaction(key, () -> newTransaction(schema)).addRow(shape, row);
    session.noteDirectRow();
  }

  /** Buffers or sends one write; returns its update count (see the class comment). */
  private static long submit(DataContext root, D1Schema schema, D1Write w) throws SQLException {
    boolean buffered = submit(root, schema, List.of(w));
    if (buffered) {
      if (w.knownRows() < 0) {
        warnCountUnknown(session(root), w);
      }
      return Math.max(0L, w.knownRows());
    }
    if (w.knownRows() >= 0 && (w.kind() == D1Write.Kind.INSERT || w.kind() == D1Write.Kind.UPSERT)) {
      return w.knownRows();
    }
    return w.changes();
  }

  /** SQLState of the warning on a buffered statement's update count (01000: a plain warning). */
  public static final String COUNT_UNKNOWN_STATE = "01000";

  /**
   * Tells the caller that the update count 0 of a buffered pushed statement is not "no row matched" (which optimistic
   * locking reads it as); one warning per kind and table until the warnings are cleared. Never -1 (breaks Avatica).
   */
  private static void warnCountUnknown(D1Session session, D1Write w) {
    if (session == null) {
      return;
    }
    String message = "update count 0 of a buffered " + w.kind() + " on " + w.table() + " does not mean no row"
        + " matched: it runs inside D1 and its count is known only at COMMIT; read it then from"
        + " D1Connections.lastCommitStats(connection) (changes), or run the statement with autocommit on for D1's"
        + " count.";
    session.addWarningOnce(new SQLWarning(message, COUNT_UNKNOWN_STATE));
  }

  /**
   * Adds the writes of one statement to the connection's buffer for the database, or, in autocommit, sends them as
   * one transaction (one request when they fit). Returns whether they were buffered.
   */
  private static boolean submit(DataContext root, D1Schema schema, List<D1Write> writes) throws SQLException {
    if (writes.isEmpty()) {
      return false;
    }
    D1Session session = session(root);
    if (session != null && session.buffering()) {
      long bytes = 0;
      for (D1Write w : writes) {
        bytes += w.bufferedBytes();
      }
      session.reserveBuffer(bytes);
      D1Transaction t = session.transaction(key(schema), () -> newTransaction(schema));
      for (D1Write w : writes) {
        t.add(w);
        session.noteBuffered(w);
      }
      return true;
    }
    D1GeneratedKeys keys = session == null ? null : session.generatedKeys();
    D1Transaction t = newTransaction(schema);
    for (D1Write w : writes) {
      if (keys != null && w.kind() == D1Write.Kind.INSERT) {
        w.returnKeys(keys, schema.catalog().tables().get(w.table()));
      }
      t.add(w);
    }
    D1CommitStats stats = t.commit(session == null ? null : session::addWarning);
    if (session != null) {
      session.recordAutoCommit(stats);
    }
    return false;
  }
}
