package io.github.calcited1.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What D1's authorizer refuses (transactions, schema introspection), as real D1 does: the conformance suite checks the
 * same cases against Cloudflare's own D1 code (docs/d1-local.md).
 */
class RefusalsTest extends D1LocalTestBase {
  static final String TRANSACTION_MESSAGE = "To execute a transaction, please use the state.storage.transaction() or "
      + "state.storage.transactionSync() APIs instead of the SQL BEGIN TRANSACTION or SAVEPOINT statements. The "
      + "JavaScript API is safer because it will automatically roll back on exceptions, and because it interacts "
      + "correctly with Durable Objects' automatic atomic write coalescing.";

  @ParameterizedTest
  @ValueSource(strings = {"BEGIN TRANSACTION", "BEGIN", "COMMIT", "ROLLBACK", "END", "SAVEPOINT sp1", "RELEASE sp1"})
  void transactionStatementsAreRefusedWithoutSqliteSuffix(String sql) {
    assertSqlError(TRANSACTION_MESSAGE, query("{\"sql\":\"" + sql + "\"}"));
  }

  @Test
  void beginInsideMultiStatementAppliesNothing() {
    execute("CREATE TABLE t (s TEXT)");
    assertSqlError(TRANSACTION_MESSAGE,
        query("{\"sql\":\"BEGIN TRANSACTION; INSERT INTO t (s) VALUES ('in-txn'); COMMIT;\"}"));
    assertEquals("[{\"n\":0}]", firstResults(query("{\"sql\":\"SELECT count(*) AS n FROM t\"}")));
  }

  @Test
  void metadataTableCannotBeRead() {
    execute("SELECT 1");
    assertSqlError("access to _cf_METADATA.key is prohibited: SQLITE_AUTH",
        query("{\"sql\":\"SELECT * FROM _cf_METADATA\"}"));
    assertSqlError("not authorized: SQLITE_AUTH", query("{\"sql\":\"SELECT count(*) AS n FROM _cf_METADATA\"}"));
  }

  @Test
  void cfKvDoesNotExistLocally() {
    assertSqlError("no such table: _cf_KV: SQLITE_ERROR", query("{\"sql\":\"SELECT * FROM _cf_KV\"}"));
  }

  @Test
  void cfAndSqliteNamesCannotBeCreated() {
    assertSqlError("not authorized: SQLITE_AUTH", query("{\"sql\":\"CREATE TABLE _cf_mine (x)\"}"));
    assertSqlError("object name reserved for internal use: sqlite_mine: SQLITE_ERROR",
        query("{\"sql\":\"CREATE TABLE sqlite_mine (x)\"}"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"PRAGMA journal_mode", "PRAGMA user_version", "PRAGMA compile_options",
      "PRAGMA journal_mode = DELETE", "PRAGMA table_info(_cf_METADATA)", "ATTACH DATABASE 'x.db' AS x",
      "DETACH DATABASE x", "CREATE TEMP TABLE tt (x)", "CREATE TABLE temp.tt (x)",
      "SELECT * FROM pragma_compile_options", "CREATE VIRTUAL TABLE v USING rtree(id, a, b)"})
  void unsafeStatementsAreNotAuthorized(String sql) {
    assertSqlError("not authorized: SQLITE_AUTH", query("{\"sql\":\"" + sql + "\"}"));
  }

  @Test
  void sqliteVersionIsNotAnAllowedFunction() {
    assertSqlError("not authorized to use function: sqlite_version at offset 7: SQLITE_ERROR",
        query("{\"sql\":\"SELECT sqlite_version() AS v\"}"));
  }

  @Test
  void functionsOutsideTheAllowlistAreRefusedInsideExpressions() {
    assertSqlError("not authorized to use function: sqlite_source_id at offset 12: SQLITE_ERROR",
        query("{\"sql\":\"SELECT 1 || sqlite_source_id() AS v\"}"));
  }

  @Test
  void allowedFunctionsRun() {
    assertEquals("[{\"a\":\"ABC\",\"j\":2,\"m\":3,\"d\":\"2024-01-02\"}]",
        firstResults(query("{\"sql\":\"SELECT upper('abc') AS a, json_extract('{\\\"x\\\":2}', '$.x') AS j, "
            + "max(1, 3) AS m, date('2024-01-02') AS d\"}")));
  }

  @Test
  void introspectionPragmasWork() {
    execute("CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
    execute("CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent(id) "
        + "ON DELETE CASCADE, note TEXT DEFAULT 'none')");
    execute("CREATE INDEX child_parent ON child(parent_id)");
    assertEquals("[{\"cid\":0,\"name\":\"id\",\"type\":\"INTEGER\",\"notnull\":0,\"dflt_value\":null,\"pk\":1},"
        + "{\"cid\":1,\"name\":\"parent_id\",\"type\":\"INTEGER\",\"notnull\":1,\"dflt_value\":null,\"pk\":0},"
        + "{\"cid\":2,\"name\":\"note\",\"type\":\"TEXT\",\"notnull\":0,\"dflt_value\":\"'none'\",\"pk\":0}]",
        firstResults(query("{\"sql\":\"PRAGMA table_info(child)\"}")));
    assertEquals("[{\"id\":0,\"seq\":0,\"table\":\"parent\",\"from\":\"parent_id\",\"to\":\"id\",\"on_update\":"
        + "\"NO ACTION\",\"on_delete\":\"CASCADE\",\"match\":\"NONE\"}]",
        firstResults(query("{\"sql\":\"PRAGMA foreign_key_list(child)\"}")));
    assertEquals("[{\"seq\":0,\"name\":\"sqlite_autoindex_parent_1\",\"unique\":1,\"origin\":\"u\",\"partial\":0}]",
        firstResults(query("{\"sql\":\"PRAGMA index_list(parent)\"}")));
    assertEquals("[]", firstResults(query("{\"sql\":\"PRAGMA table_info(nope)\"}")));
  }

  @Test
  void foreignKeysAreOnAndCannotBeSwitchedOff() {
    execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)");
    execute("CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id))");
    assertEquals("[{\"foreign_keys\":1}]", firstResults(query("{\"sql\":\"PRAGMA foreign_keys\"}")));
    assertEquals(200, query("{\"sql\":\"PRAGMA foreign_keys = OFF\"}").status());
    assertEquals("[{\"foreign_keys\":1}]", firstResults(query("{\"sql\":\"PRAGMA foreign_keys\"}")));
    assertSqlError("FOREIGN KEY constraint failed: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_FOREIGNKEY)",
        query("{\"sql\":\"PRAGMA foreign_keys = OFF; INSERT INTO child (parent_id) VALUES (999)\"}"));
    assertEquals(200, query("{\"sql\":\"PRAGMA defer_foreign_keys = ON\"}").status());
  }

  @Test
  void cascadeChangesAreCountedInMeta() {
    execute("CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT)");
    execute("CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id) ON DELETE CASCADE)");
    execute("INSERT INTO parent (id, name) VALUES (1, 'a'), (2, 'b');"
        + " INSERT INTO child (parent_id) VALUES (1), (1), (2)");
    Answer answer = query("{\"sql\":\"DELETE FROM parent WHERE id = 1\"}");
    assertEquals(200, answer.status());
    assertEquals(true, answer.body().contains("\"changes\":3,\"last_row_id\":3,\"changed_db\":true"), answer.body());
  }
}
