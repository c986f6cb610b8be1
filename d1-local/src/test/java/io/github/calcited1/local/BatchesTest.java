package io.github.calcited1.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Atomic batches and multi-statement SQL, as real D1 runs them (the conformance suite, docs/d1-local.md). */
class BatchesTest extends D1LocalTestBase {
  private static final String UNIQUE = "UNIQUE constraint failed: parent.name: SQLITE_CONSTRAINT (extended: "
      + "SQLITE_CONSTRAINT_UNIQUE)";

  @BeforeEach
  void createParent() {
    execute("CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
    execute("INSERT INTO parent (id, name) VALUES (2, 'b')");
  }

  private String names() {
    return firstResults(query("{\"sql\":\"SELECT id, name FROM parent ORDER BY id\"}"));
  }

  @Test
  void failingBatchAppliesNothing() {
    assertSqlError(UNIQUE, query("{\"batch\":[{\"sql\":\"INSERT INTO parent (name) VALUES (?)\",\"params\":[\"x1\"]},"
        + "{\"sql\":\"INSERT INTO parent (name) VALUES (?)\",\"params\":[\"b\"]},"
        + "{\"sql\":\"INSERT INTO parent (name) VALUES (?)\",\"params\":[\"x3\"]}]}"));
    assertEquals("[{\"id\":2,\"name\":\"b\"}]", names());
  }

  @Test
  void failingMultiStatementStringAppliesNothing() {
    assertSqlError(UNIQUE, query("{\"sql\":\"INSERT INTO parent (name) VALUES ('y1'); INSERT INTO parent (name) "
        + "VALUES ('b'); INSERT INTO parent (name) VALUES ('y3')\"}"));
    assertEquals("[{\"id\":2,\"name\":\"b\"}]", names());
  }

  @Test
  void failingBareArrayAppliesNothing() {
    assertSqlError(UNIQUE, query("[{\"sql\":\"INSERT INTO parent (name) VALUES ('q1')\"},"
        + "{\"sql\":\"INSERT INTO parent (name) VALUES ('b')\"}]"));
    assertEquals("[{\"id\":2,\"name\":\"b\"}]", names());
  }

  @Test
  void successfulBatchAnswersOneResultPerStatement() {
    Answer answer = query("{\"batch\":[{\"sql\":\"INSERT INTO parent (name) VALUES (?)\",\"params\":[\"z1\"]},"
        + "{\"sql\":\"UPDATE parent SET name = name || '!' WHERE name = ?\",\"params\":[\"z1\"]},"
        + "{\"sql\":\"SELECT id, name FROM parent WHERE name LIKE 'z%'\"}]}");
    assertEquals(success(result(1, 3, true, 16384, 0, 2, "[]"), result(1, 3, true, 16384, 1, 2, "[]"),
        result(0, 3, false, 16384, 1, 0, "[{\"id\":3,\"name\":\"z1!\"}]")), answer.body());
  }

  @Test
  void successfulRawBatch() {
    Answer answer = raw("{\"batch\":[{\"sql\":\"SELECT count(*) AS n FROM parent\"},"
        + "{\"sql\":\"SELECT id, name FROM parent WHERE 0\"}]}");
    assertEquals(200, answer.status());
    assertEquals(true, answer.body().contains("\"results\":{\"columns\":[\"n\"],\"rows\":[[1]]}"), answer.body());
    assertEquals(true, answer.body().contains("\"results\":{\"columns\":[\"id\",\"name\"],\"rows\":[]}"),
        answer.body());
  }

  @Test
  void multiStatementWithoutParamsAnswersEachStatement() {
    Answer answer = query("{\"sql\":\"SELECT 1 AS a; SELECT 2 AS b; UPDATE parent SET name = name\"}");
    assertEquals(success(result(0, 2, false, 16384, 0, 0, "[{\"a\":1}]"),
        result(0, 2, false, 16384, 0, 0, "[{\"b\":2}]"), result(1, 2, true, 16384, 1, 2, "[]")), answer.body());
  }

  @Test
  void triggerBodiesAndStringsKeepTheirSemicolons() {
    Answer answer = query("{\"sql\":\"CREATE TABLE audit (msg TEXT);\\nCREATE TRIGGER parent_ins AFTER INSERT ON "
        + "parent BEGIN\\n  INSERT INTO audit VALUES ('added; ' || CASE WHEN NEW.name = 'q' THEN 'q' ELSE 'other' "
        + "END);\\nEND;\\nINSERT INTO parent (name) VALUES ('q');\\nSELECT msg FROM audit;\"}");
    assertEquals(200, answer.status(), answer.body());
    assertEquals(4, answer.body().split("\"success\":true,\"meta\"").length - 1);
    assertEquals(true, answer.body().contains("\"changes\":2,\"last_row_id\":3"), answer.body());
    assertEquals(true, answer.body().endsWith("\"results\":[{\"msg\":\"added; q\"}]}],\"success\":true,"
        + "\"errors\":[],\"messages\":[]}"), answer.body());
  }

  @Test
  void multiStatementWithParamsRunsAllAndAnswersTheLast() {
    Answer answer = query("{\"sql\":\"INSERT INTO parent (name) VALUES ('w1'); SELECT ? AS b\",\"params\":[5]}");
    assertEquals(success(result(1, 3, true, 16384, 0, 0, "[{\"b\":5}]")), answer.body());
    assertEquals("[{\"name\":\"w1\"}]", firstResults(query("{\"sql\":\"SELECT name FROM parent WHERE name = 'w1'\"}")));
  }

  @Test
  void paramsOnlyOnTheLastStatement() {
    assertSqlError("When executing multiple SQL statements in a single call, only the last statement can have "
        + "parameters.", query("{\"sql\":\"SELECT ? AS a; SELECT 2 AS b\",\"params\":[5]}"));
  }
}
