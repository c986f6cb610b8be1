package io.github.calcited1.local.sql;

import io.github.calcited1.local.json.ResultShape;
import io.github.calcited1.local.json.RowWriter;
import io.github.calcited1.local.json.SpillBuffer;
import io.github.calcited1.local.sql.SqlLexer.Token;
import io.github.calcited1.local.sql.StatementSplitter.Piece;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteException;
import org.sqlite.SQLiteLimits;
import org.sqlite.SQLiteUpdateListener;

/**
 * One D1 database: a SQLite file behind one connection, used by one request at a time as D1's
 * single Durable Object is. Every request runs in one transaction, so a failing statement leaves
 * nothing of the request applied.
 *
 * <p>{@code rows_read} and {@code rows_written} come from a patched SQLite in D1. Here they are
 * approximated: a row written costs 1 plus one per index of its table (a delete costs 1), a
 * schema change costs 1 (2 for CREATE TABLE), and a row read is a row returned, updated or
 * deleted.
 */
public final class D1Database implements AutoCloseable {
  private static final int MAX_STATEMENT_BYTES = 100_000;
  private static final String METADATA_TABLE_SQL =
      "CREATE TABLE _cf_METADATA (\n        key INTEGER PRIMARY KEY,\n        value BLOB\n      )";

  private final String name;
  private final UUID id;
  private final Path file;
  private SQLiteConnection connection; // replaced when D1 would restart its Durable Object
  private final ReentrantLock lock = new ReentrantLock(true);
  private final long pageSize;
  private final WriteCounter writes = new WriteCounter();
  private final StatementGuard.Inspector inspector = new CatalogInspector();
  private boolean hasMetadataTable;

  private D1Database(String name, UUID id, Path file) throws SQLException {
    this.name = name;
    this.id = id;
    this.file = file;
    this.connection = connect(file);
    try {
      this.pageSize = queryLong("PRAGMA page_size");
      this.hasMetadataTable = queryLong("SELECT count(*) FROM sqlite_master WHERE name = '_cf_METADATA'") > 0;
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  /** Opens (creating if missing) the SQLite file with D1's settings and limits. */
  public static D1Database open(String name, UUID id, Path file) throws SQLException {
    return new D1Database(name, id, file);
  }

  private SQLiteConnection connect(Path file) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.enforceForeignKeys(true);
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setBusyTimeout(10_000);
    SQLiteConnection opened = (SQLiteConnection) config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
    try {
      applyD1Limits(opened);
      opened.addUpdateListener(writes);
      return opened;
    } catch (SQLException | RuntimeException e) {
      opened.close();
      throw e;
    }
  }

  // workerd SqliteDatabase::setupSecurity. ATTACHED is 0 too, but ATTACH is refused before it counts.
  private static void applyD1Limits(SQLiteConnection connection) throws SQLException {
    connection.setLimit(SQLiteLimits.SQLITE_LIMIT_LENGTH, 2_200_000);
    connection.setLimit(SQLiteLimits.SQLITE_LIMIT_SQL_LENGTH, MAX_STATEMENT_BYTES);
    connection.setLimit(SQLiteLimits.SQLITE_LIMIT_COLUMN, 100);
    connection.setLimit(SQLiteLimits.SQLITE_LIMIT_EXPR_DEPTH, 100);
    connection.setLimit(SQLiteLimits.SQLITE_LIMIT_COMPOUND_SELECT, 5);
    connection.setLimit(SQLiteLimits.SQLITE_LIMIT_VDBE_OP, 25_000);
    connection.setLimit(SQLiteLimits.SQLITE_LIMIT_FUNCTION_ARG, 127);
    connection.setLimit(SQLiteLimits.SQLITE_LIMIT_ATTACHED, 0);
    connection.setLimit(SQLiteLimits.SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 50);
    connection.setLimit(SQLiteLimits.SQLITE_LIMIT_VARIABLE_NUMBER, 100);
    connection.setLimit(SQLiteLimits.SQLITE_LIMIT_TRIGGER_DEPTH, 10);
  }

  public String name() {
    return name;
  }

  public UUID id() {
    return id;
  }

  public Path file() {
    return file;
  }

  /**
   * The queries a {@code {sql}} body stands for: without parameters the text is split and each
   * statement answers separately (as the REST API does); with parameters it stays one query.
   */
  public static List<Query> splitIfUnparameterised(Query query) throws D1SqlException {
    if (query.sql().isBlank()) {
      throw new D1SqlException(D1SqlException.NO_STATEMENTS);
    }
    if (!query.params().isEmpty()) {
      return List.of(query);
    }
    List<Query> statements = new ArrayList<>();
    for (Piece piece : StatementSplitter.split(query.sql())) {
      statements.add(new Query(piece.text(), List.of()));
    }
    if (statements.isEmpty()) {
      throw new D1SqlException(D1SqlException.NO_STATEMENTS); // only semicolons
    }
    return statements;
  }

  /**
   * Runs the queries as one transaction and answers one result per query. On a D1 error nothing
   * is applied and the error says what D1 would say.
   */
  public List<StatementResult> execute(List<Query> queries, ResultShape shape) throws D1SqlException, SQLException {
    lock.lock();
    try {
      List<StatementResult> results = new ArrayList<>();
      run("BEGIN");
      try {
        for (Query query : queries) {
          results.add(executeQuery(query, shape));
        }
        if (!hasMetadataTable) {
          createMetadataTable(); // D1 does it inside the first request that succeeds, after its statements
        }
        commit();
        hasMetadataTable = true;
        return results;
      } catch (D1SqlException | SQLException | RuntimeException e) {
        rollbackQuietly();
        results.forEach(StatementResult::close);
        throw e;
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * A COMMIT refused by deferred constraints makes D1 reset its Durable Object: the message says
   * so, and the restart shows as last_row_id 0 afterwards, so the connection is reopened.
   */
  private void commit() throws D1SqlException, SQLException {
    try {
      run("COMMIT");
    } catch (SQLiteException e) {
      D1SqlException refused = SqliteErrors.toD1(e, "COMMIT", this::compileError);
      rollbackQuietly();
      connection.close();
      connection = connect(file);
      throw new D1SqlException("Durable Object was reset and rolled back to its last known good state because the "
          + "application left the database in a state where constraints were violated: " + refused.getMessage());
    }
  }

  /** One query, D1-style: every statement of its text runs, the last one's result is answered. */
  private StatementResult executeQuery(Query query, ResultShape shape) throws D1SqlException, SQLException {
    List<Piece> pieces = StatementSplitter.split(query.sql());
    if (pieces.isEmpty()) {
      throw new D1SqlException(D1SqlException.NO_STATEMENTS);
    }
    long started = System.nanoTime();
    Counters before = counters();
    for (int i = 0; i < pieces.size() - 1; i++) {
      checkLength(query.sql().substring(pieces.get(i).start()));
      try (PreparedStatement statement = compile(pieces.get(i).text(), pieces.get(i).tokens())) {
        if (statement.getParameterMetaData().getParameterCount() > 0) {
          throw new D1SqlException(D1SqlException.PARAMETERS_NOT_LAST);
        }
        try {
          statement.execute(); // one step, as workerd steps a statement that is not the last
        } catch (SQLiteException e) {
          throw SqliteErrors.toD1(e, pieces.get(i).text(), this::compileError);
        }
      }
    }
    Piece last = pieces.get(pieces.size() - 1);
    checkLength(query.sql().substring(last.start()));
    try (PreparedStatement statement = compile(last.text(), last.tokens())) {
      if (statement.getParameterMetaData().getParameterCount() != query.params().size()) {
        throw new D1SqlException(D1SqlException.WRONG_PARAMETER_COUNT);
      }
      writes.reset();
      SpillBuffer results = new SpillBuffer();
      try {
        bind(statement, query.params());
        long rowsReturned = writeResults(statement, shape, results);
        long rowsRead = readsTable(last.tokens()) ? rowsReturned : 0;
        return new StatementResult(meta(started, before, rowsRead, last), results);
      } catch (SQLiteException e) {
        results.close();
        throw SqliteErrors.toD1(e, last.text(), this::compileError);
      } catch (IOException e) {
        results.close();
        throw new UncheckedIOException("could not spool the result", e);
      } catch (RuntimeException e) {
        results.close();
        throw e;
      }
    }
  }

  /** Rows returned count as rows read only when they come from a table (not SELECT 1, not PRAGMA). */
  private static boolean readsTable(List<Token> tokens) {
    return !tokens.get(0).isKeyword("PRAGMA") && tokens.stream().anyMatch(t -> t.isKeyword("FROM"));
  }

  private static void checkLength(String remainingSql) throws D1SqlException {
    // SQLite measures the whole remaining text handed to sqlite3_prepare, in UTF-8 bytes.
    if (remainingSql.length() > MAX_STATEMENT_BYTES / 3
        && remainingSql.getBytes(StandardCharsets.UTF_8).length > MAX_STATEMENT_BYTES) {
      throw new D1SqlException(D1SqlException.STATEMENT_TOO_LONG);
    }
  }

  /** Compiles one statement ({@code tokens}: its tokens) through the authorizer emulation, with D1's errors. */
  private PreparedStatement compile(String sql, List<Token> tokens) throws D1SqlException, SQLException {
    if (tokens.isEmpty()) {
      throw new D1SqlException(D1SqlException.NO_STATEMENT_IN_CODE);
    }
    StatementGuard.beforeCompile(tokens);
    PreparedStatement statement;
    try {
      statement = connection.prepareStatement(sql);
    } catch (SQLiteException e) {
      throw SqliteErrors.toD1(e, sql, this::compileError);
    }
    try {
      StatementGuard.afterCompile(sql, tokens, inspector);
      return statement;
    } catch (D1SqlException | SQLException | RuntimeException e) {
      statement.close();
      throw e;
    }
  }

  private String compileError(String sql) {
    try (PreparedStatement ignored = connection.prepareStatement(sql)) {
      return null;
    } catch (SQLiteException e) {
      return SqliteErrors.sqliteMessage(e);
    } catch (SQLException e) {
      return e.getMessage();
    }
  }

  private static void bind(PreparedStatement statement, List<Object> params) throws SQLException {
    for (int i = 0; i < params.size(); i++) {
      Object value = params.get(i);
      if (value == null) {
        statement.setNull(i + 1, java.sql.Types.NULL);
      } else if (value instanceof Double) {
        statement.setDouble(i + 1, (Double) value);
      } else if (value instanceof byte[]) {
        statement.setBytes(i + 1, (byte[]) value);
      } else {
        statement.setString(i + 1, (String) value);
      }
    }
  }

  private static long writeResults(PreparedStatement statement, ResultShape shape, SpillBuffer out)
      throws SQLException, IOException {
    if (!statement.execute()) { // false: the statement has no result columns
      RowWriter.writeNoColumns(shape, out);
      return 0;
    }
    try (ResultSet rows = statement.getResultSet()) {
      ResultSetMetaData columns = rows.getMetaData();
      List<String> names = new ArrayList<>();
      for (int c = 1; c <= columns.getColumnCount(); c++) {
        names.add(columns.getColumnName(c));
      }
      return RowWriter.writeRows(rows, names, shape, out);
    }
  }

  private Meta meta(long startedNanos, Counters before, long rowsReturnedFromTables, Piece statement)
      throws SQLException {
    Counters after = counters();
    long changes = after.totalChanges - before.totalChanges;
    boolean schemaChanged = after.schemaVersion != before.schemaVersion;
    boolean createsTable = statement.text().regionMatches(true, 0, "CREATE TABLE", 0, 12);
    long rowsWritten = writes.rowsWritten + (schemaChanged ? (createsTable ? 2 : 1) : 0);
    long rowsRead = rowsReturnedFromTables + writes.rowsTouchedInPlace + (schemaChanged && createsTable ? 1 : 0);
    boolean changedDb = changes != 0 || after.lastRowId != before.lastRowId || after.pageCount != before.pageCount;
    long duration = (System.nanoTime() - startedNanos) / 1_000_000;
    return new Meta(duration, changes, after.lastRowId, changedDb, Math.max(1, after.pageCount) * pageSize,
        rowsRead, rowsWritten);
  }

  /** pageCount leaves out free pages: D1 reports the size in use, so a DROP shrinks it at once. */
  private record Counters(long lastRowId, long totalChanges, long pageCount, long schemaVersion) {}

  private Counters counters() throws SQLException {
    // Prepared each time: sqlite-jdbc keeps stale column metadata when a schema change re-prepares.
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT last_insert_rowid(), total_changes(), "
            + "(SELECT page_count FROM pragma_page_count) - (SELECT freelist_count FROM pragma_freelist_count), "
            + "(SELECT schema_version FROM pragma_schema_version)")) {
      row.next();
      return new Counters(row.getLong(1), row.getLong(2), row.getLong(3), row.getLong(4));
    }
  }

  private void createMetadataTable() throws SQLException {
    run(METADATA_TABLE_SQL);
    run("INSERT INTO _cf_METADATA (key, value) VALUES (1, NULL)");
    run("INSERT INTO _cf_METADATA (key, value) VALUES (2, NULL)");
  }

  private void run(String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private long queryLong(String sql) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getLong(1);
    }
  }

  private void rollbackQuietly() {
    try {
      run("ROLLBACK");
    } catch (SQLException alreadyRolledBack) {
      // SQLite rolls back by itself after some errors (e.g. RAISE(ROLLBACK) in a trigger).
    }
  }

  /** What the database list endpoint shows about this database. */
  public record Info(String uuid, String name, long numTables, long fileSize, Instant createdAt) {}

  public Info info() throws SQLException, IOException {
    lock.lock();
    try {
      long tables = queryLong("SELECT count(*) FROM sqlite_master WHERE type = 'table' "
          + "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'");
      long size = Math.max(1, queryLong("SELECT (SELECT page_count FROM pragma_page_count) "
          + "- (SELECT freelist_count FROM pragma_freelist_count)")) * pageSize;
      Instant created = Files.readAttributes(file, BasicFileAttributes.class).creationTime().toInstant();
      return new Info(id.toString(), name, tables, size, created);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() throws SQLException {
    lock.lock();
    try {
      connection.close();
    } finally {
      lock.unlock();
    }
  }

  /** Counts row writes as SQLite reports them, triggers and cascades included. */
  private final class WriteCounter implements SQLiteUpdateListener {
    private final Map<String, Long> indexCounts = new HashMap<>();
    long rowsWritten;
    long rowsTouchedInPlace;

    void reset() {
      rowsWritten = 0;
      rowsTouchedInPlace = 0;
      indexCounts.clear(); // the schema may have changed since the last statement
    }

    @Override
    public void onUpdate(Type type, String database, String table, long rowId) {
      if (type == Type.DELETE) {
        rowsWritten++;
        rowsTouchedInPlace++;
        return;
      }
      rowsWritten += 1 + indexCounts.computeIfAbsent(table, this::indexCount);
      if (type == Type.UPDATE) {
        rowsTouchedInPlace++;
      }
    }

    private long indexCount(String table) {
      try (PreparedStatement count = connection.prepareStatement(
          "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = ?")) {
        count.setString(1, table);
        try (ResultSet row = count.executeQuery()) {
          return row.next() ? row.getLong(1) : 0;
        }
      } catch (SQLException e) {
        return 0; // only an approximation feeds on this
      }
    }
  }

  /** Answers the authorizer emulation's questions from SQLite itself. */
  private final class CatalogInspector implements StatementGuard.Inspector {
    @Override
    public Set<String> functionsCalled(String sql) throws SQLException {
      Set<String> functions = new LinkedHashSet<>();
      String explain = "EXPLAIN " + sql;
      boolean longStatement = explain.getBytes(StandardCharsets.UTF_8).length > MAX_STATEMENT_BYTES;
      if (longStatement) {
        connection.setLimit(SQLiteLimits.SQLITE_LIMIT_SQL_LENGTH, 2 * MAX_STATEMENT_BYTES);
      }
      try (PreparedStatement program = connection.prepareStatement(explain);
          ResultSet ops = program.executeQuery()) {
        while (ops.next()) {
          String opcode = ops.getString(2);
          String p4 = ops.getString(6);
          if (p4 != null && (opcode.endsWith("Func") || opcode.equals("Function") || opcode.startsWith("Agg"))
              && p4.indexOf('(') > 0) {
            functions.add(p4.substring(0, p4.indexOf('(')));
          }
        }
      } finally {
        if (longStatement) {
          connection.setLimit(SQLiteLimits.SQLITE_LIMIT_SQL_LENGTH, MAX_STATEMENT_BYTES);
        }
      }
      return functions;
    }

    @Override
    public List<String> columnsOf(String table) throws SQLException {
      List<String> columns = new ArrayList<>();
      try (PreparedStatement info = connection.prepareStatement("SELECT name FROM pragma_table_info(?)")) {
        info.setString(1, table);
        try (ResultSet rows = info.executeQuery()) {
          while (rows.next()) {
            columns.add(rows.getString(1));
          }
        }
      }
      return columns;
    }
  }
}
