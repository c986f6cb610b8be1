package io.github.calcited1.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** D1's limits, at the edge and one past it (the conformance suite's {@code limit-} cases, docs/d1-local.md). */
class LimitsTest extends D1LocalTestBase {
  private static String placeholders(int count) {
    return "SELECT " + "?, ".repeat(count - 1) + "? AS x";
  }

  private static String numbers(int count) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < count; i++) {
      out.append(i == 0 ? "" : ",").append(i);
    }
    return out.toString();
  }

  @Test
  void hundredParametersAreAllowed() {
    Answer answer = query("{\"sql\":\"" + placeholders(100) + "\",\"params\":[" + numbers(100) + "]}");
    assertEquals("[{\"?\":98,\"x\":99}]", firstResults(answer));
  }

  @Test
  void hundredAndOneParametersAreRefusedAtTheOffsetOfTheLastOne() {
    assertSqlError("too many SQL variables at offset 307: SQLITE_ERROR",
        query("{\"sql\":\"" + placeholders(101) + "\",\"params\":[" + numbers(101) + "]}"));
  }

  @Test
  void numberedParameterAboveHundredIsRefused() {
    assertSqlError("variable number must be between ?1 and ?100 at offset 7: SQLITE_ERROR",
        query("{\"sql\":\"SELECT ?101 AS a\"}"));
  }

  private static String statementOfBytes(int bytes, String filler) {
    String head = "SELECT 1 AS x /*";
    int fillerBytes = filler.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    int room = bytes - head.length() - 2;
    return head + filler.repeat(room / fillerBytes) + "a".repeat(room % fillerBytes) + "*/";
  }

  @Test
  void statementOfExactly100000BytesRuns() {
    assertEquals(200, query("{\"sql\":\"" + statementOfBytes(100_000, "a") + "\"}").status());
  }

  @Test
  void statementOf100001BytesIsTooLong() {
    assertSqlError("statement too long: SQLITE_TOOBIG", query("{\"sql\":\"" + statementOfBytes(100_001, "a") + "\"}"));
  }

  @Test
  void statementLengthCountsUtf8Bytes() {
    String sql = statementOfBytes(100_001, "é");
    assertTrue(sql.length() < 60_000);
    assertSqlError("statement too long: SQLITE_TOOBIG", query("{\"sql\":\"" + sql + "\"}"));
  }

  @Test
  void lengthLimitIsPerStatementOfABatch() {
    String statement = statementOfBytes(60_018, "a");
    Answer answer = query("{\"batch\":[{\"sql\":\"" + statement + "\"},{\"sql\":\"" + statement + "\"}]}");
    assertEquals(200, answer.status(), answer.body());
  }

  @Test
  void valueOf2200000BytesIsAllowed() {
    assertEquals("[{\"n\":2200000}]", firstResults(query("{\"sql\":\"SELECT length(randomblob(2200000)) AS n\"}")));
  }

  @Test
  void valueOf2200001BytesIsTooBig() {
    assertSqlError("string or blob too big: SQLITE_TOOBIG",
        query("{\"sql\":\"SELECT length(randomblob(2200001)) AS n\"}"));
  }

  @Test
  void compoundSelectOfFiveTermsRunsAndSixIsRefused() {
    assertEquals(200, query("{\"sql\":\"SELECT 1 UNION SELECT 2 UNION SELECT 3 UNION SELECT 4 UNION SELECT 5\"}")
        .status());
    Answer six =
        query("{\"sql\":\"SELECT 1 UNION SELECT 2 UNION SELECT 3 UNION SELECT 4 UNION SELECT 5 UNION SELECT 6\"}");
    assertEquals(400, six.status());
    assertTrue(six.body().contains("too many terms in compound SELECT"), six.body());
  }

  @Test
  void hundredColumnsAreAllowedAndHundredAndOneRefused() {
    StringBuilder columns = new StringBuilder("c0");
    for (int i = 1; i < 100; i++) {
      columns.append(", c").append(i);
    }
    assertEquals(200, query("{\"sql\":\"CREATE TABLE wide (" + columns + ")\"}").status());
    Answer tooWide = query("{\"sql\":\"CREATE TABLE wider (" + columns + ", c100)\"}");
    assertEquals(400, tooWide.status());
    assertTrue(tooWide.body().contains("too many columns on wider"), tooWide.body());
  }

  @Test
  void expressionDepthAbove100IsRefused() {
    String deep = "-(".repeat(101) + "1" + ")".repeat(101);
    Answer answer = query("{\"sql\":\"SELECT " + deep + "\"}");
    assertEquals(400, answer.status());
    assertTrue(answer.body().contains("Expression tree is too large (maximum depth 100)"), answer.body());
  }

  @Test
  void likePatternOver50BytesIsRefused() {
    assertEquals(200, query("{\"sql\":\"SELECT 'a' LIKE '" + "a".repeat(50) + "'\"}").status());
    Answer answer = query("{\"sql\":\"SELECT 'a' LIKE '" + "a".repeat(51) + "'\"}");
    assertEquals(400, answer.status());
    assertTrue(answer.body().contains("LIKE or GLOB pattern too complex"), answer.body());
  }
}
