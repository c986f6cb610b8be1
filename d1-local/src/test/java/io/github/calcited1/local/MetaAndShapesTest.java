package io.github.calcited1.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** meta and result shapes (a fresh database, meta, the shapes' quirks), as real D1 answers (docs/d1-local.md). */
class MetaAndShapesTest extends D1LocalTestBase {
  @Test
  void freshDatabaseHasAnEmptySchemaThenCfMetadata() {
    assertEquals(success(result(0, 0, false, 4096, 0, 0, "[]")),
        query("{\"sql\":\"SELECT name FROM sqlite_master\"}").body());
    assertEquals(success(result(0, 2, false, 8192, 0, 0,
        "[{\"schema\":\"main\",\"name\":\"_cf_METADATA\",\"type\":\"table\",\"ncol\":2,\"wr\":0,\"strict\":0},"
            + "{\"schema\":\"main\",\"name\":\"sqlite_schema\",\"type\":\"table\",\"ncol\":5,\"wr\":0,\"strict\":0},"
            + "{\"schema\":\"temp\",\"name\":\"sqlite_temp_schema\",\"type\":\"table\",\"ncol\":5,\"wr\":0,"
            + "\"strict\":0}]")),
        query("{\"sql\":\"PRAGMA table_list\"}").body());
  }

  @Test
  void cfMetadataShowsInSqliteMasterAsD1CreatesIt() {
    execute("SELECT 1");
    assertEquals("[{\"type\":\"table\",\"name\":\"_cf_METADATA\",\"sql\":\"CREATE TABLE _cf_METADATA (\\n        "
        + "key INTEGER PRIMARY KEY,\\n        value BLOB\\n      )\"}]",
        firstResults(query("{\"sql\":\"SELECT type, name, sql FROM sqlite_master\"}")));
  }

  @Test
  void createTableMeta() {
    execute("SELECT 1");
    assertEquals(success(result(0, 2, true, 12288, 1, 2, "[]")),
        query("{\"sql\":\"CREATE TABLE t (id INTEGER PRIMARY KEY, i INTEGER)\"}").body());
  }

  @Test
  void changesIncludeTriggerWritesAndUpdateMatchingNothingChangesNothing() {
    execute("CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT)");
    execute("CREATE TABLE audit (msg TEXT)");
    execute("CREATE TRIGGER t AFTER INSERT ON parent BEGIN INSERT INTO audit VALUES (NEW.name); END");
    Answer insert = query("{\"sql\":\"INSERT INTO parent (name) VALUES ('m1'), ('m2')\"}");
    assertTrue(insert.body().contains("\"changes\":4,\"last_row_id\":2,\"changed_db\":true"), insert.body());
    Answer nothing = query("{\"sql\":\"UPDATE parent SET name = name WHERE id = -5\"}");
    assertTrue(nothing.body().contains("\"changes\":0,\"last_row_id\":2,\"changed_db\":false"), nothing.body());
  }

  @Test
  void lastRowIdIsReportedOnSelectsAndSurvivesRollback() {
    execute("CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT UNIQUE)");
    execute("INSERT INTO p (name) VALUES ('a')");
    query("{\"batch\":[{\"sql\":\"INSERT INTO p (name) VALUES ('b')\"},"
        + "{\"sql\":\"INSERT INTO p (name) VALUES ('a')\"}]}");
    Answer select = query("{\"sql\":\"SELECT count(*) AS n FROM p\"}");
    assertTrue(select.body().contains("\"last_row_id\":2"), select.body());
    assertEquals("[{\"n\":1}]", firstResults(select));
  }

  @Test
  void duplicateAndNumericColumnNamesInQuery() {
    assertEquals("[{\"3\":3,\"10\":4,\"a\":2}]",
        firstResults(query("{\"sql\":\"SELECT 1 AS a, 2 AS a, 3, 4 AS \\\"10\\\"\"}")));
  }

  @Test
  void duplicateAndNumericColumnNamesInRaw() {
    assertEquals("{\"columns\":[\"a\",\"a\",\"3\",\"10\"],\"rows\":[[1,2,3,4]]}",
        firstResults(raw("{\"sql\":\"SELECT 1 AS a, 2 AS a, 3, 4 AS \\\"10\\\"\"}")));
  }

  @Test
  void ddlThroughRawHasEmptyColumnsAndRows() {
    assertEquals("{\"columns\":[],\"rows\":[]}", firstResults(raw("{\"sql\":\"CREATE TABLE rawddl (x)\"}")));
    assertEquals("[]", firstResults(query("{\"sql\":\"CREATE TABLE rawddl2 (x)\"}")));
  }

  @Test
  void rawKeepsColumnsWithoutRows() {
    execute("CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT)");
    assertEquals("{\"columns\":[\"id\",\"name\"],\"rows\":[]}",
        firstResults(raw("{\"sql\":\"SELECT id, name FROM parent WHERE 0\"}")));
  }
}
