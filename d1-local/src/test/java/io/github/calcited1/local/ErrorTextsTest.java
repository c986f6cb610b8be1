package io.github.calcited1.local;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** D1's error texts, word for word as real D1 gives them (the conformance suite's {@code error-} cases). */
class ErrorTextsTest extends D1LocalTestBase {
  @BeforeEach
  void createTables() {
    execute("CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
    execute("INSERT INTO parent (id, name) VALUES (2, 'b')");
    execute("CREATE TABLE ck (x INTEGER CHECK (x > 0)) STRICT");
  }

  @Test
  void uniqueColumn() {
    assertSqlError("UNIQUE constraint failed: parent.name: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_UNIQUE)",
        query("{\"sql\":\"INSERT INTO parent (name) VALUES ('b')\"}"));
  }

  @Test
  void uniquePrimaryKey() {
    assertSqlError("UNIQUE constraint failed: parent.id: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_PRIMARYKEY)",
        query("{\"sql\":\"INSERT INTO parent (id, name) VALUES (2, 'zz')\"}"));
  }

  @Test
  void notNull() {
    assertSqlError("NOT NULL constraint failed: parent.name: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_NOTNULL)",
        query("{\"sql\":\"INSERT INTO parent (name) VALUES (NULL)\"}"));
  }

  @Test
  void check() {
    assertSqlError("CHECK constraint failed: x > 0: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_CHECK)",
        query("{\"sql\":\"INSERT INTO ck VALUES (-1)\"}"));
  }

  @Test
  void strictType() {
    assertSqlError("cannot store TEXT value in INTEGER column ck.x: SQLITE_CONSTRAINT (extended: "
        + "SQLITE_CONSTRAINT_DATATYPE)", query("{\"sql\":\"INSERT INTO ck VALUES ('abc')\"}"));
  }

  @Test
  void syntaxErrorWithOffset() {
    assertSqlError("near \"SELEC\": syntax error at offset 0: SQLITE_ERROR", query("{\"sql\":\"SELEC 1\"}"));
  }

  @Test
  void syntaxErrorOffsetPointsAtTheFailingOccurrence() {
    assertSqlError("near \"x\": syntax error at offset 19: SQLITE_ERROR",
        query("{\"sql\":\"SELECT x FROM ck x x\"}"));
  }

  @Test
  void incompleteInput() {
    assertSqlError("incomplete input: SQLITE_ERROR", query("{\"sql\":\"SELECT 1 +\"}"));
  }

  @Test
  void unknownTableHasNoOffset() {
    assertSqlError("no such table: nope: SQLITE_ERROR", query("{\"sql\":\"SELECT * FROM nope\"}"));
  }

  @Test
  void unknownColumn() {
    assertSqlError("no such column: nope at offset 7: SQLITE_ERROR", query("{\"sql\":\"SELECT nope FROM parent\"}"));
  }

  @Test
  void tableExists() {
    assertSqlError("table parent already exists at offset 13: SQLITE_ERROR",
        query("{\"sql\":\"CREATE TABLE parent (x)\"}"));
  }

  @Test
  void wrongNumberOfParams() {
    assertSqlError("Wrong number of parameter bindings for SQL query.",
        query("{\"sql\":\"SELECT ? AS a, ? AS b\",\"params\":[1]}"));
    assertSqlError("Wrong number of parameter bindings for SQL query.",
        query("{\"sql\":\"SELECT ? AS a\",\"params\":[1, 2]}"));
  }

  @Test
  void emptyAndBlankSql() {
    assertSqlError("No SQL statements detected.", query("{\"sql\":\"\"}"));
    assertSqlError("No SQL statements detected.", query("{\"sql\":\"  \\n \"}"));
  }

  @Test
  void commentOnlySql() {
    assertSqlError("SQL code did not contain a statement.", query("{\"sql\":\"-- nothing here\"}"));
  }

  @Test
  void offsetsCountUtf8Bytes() {
    assertSqlError("no such column: nope at offset 13: SQLITE_ERROR",
        query("{\"sql\":\"SELECT 'é', nope FROM parent\"}"));
  }
}
