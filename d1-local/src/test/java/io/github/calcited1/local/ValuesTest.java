package io.github.calcited1.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Value encoding, as real D1 answers (the conformance suite, docs/d1-local.md). */
class ValuesTest extends D1LocalTestBase {
  @BeforeEach
  void createTable() {
    execute("CREATE TABLE t (id INTEGER PRIMARY KEY, i INTEGER, r REAL, s TEXT, b BLOB, n TEXT)");
    execute("INSERT INTO t (i, r, s, b, n) VALUES (9007199254740993, 1.5, 'héllo ✓ 日本 😀', X'00ff', NULL)");
  }

  @Test
  void paramsBindAsDoublesBooleansAsOneZeroArraysAsBlobs() {
    Answer answer = query("{\"sql\":\"INSERT INTO t (i, r, s, b, n) VALUES (?, ?, ?, ?, ?) RETURNING *\","
        + "\"params\":[-1, true, false, [1,2,3], null]}");
    assertEquals(200, answer.status());
    assertEquals("[{\"id\":2,\"i\":-1,\"r\":1,\"s\":\"0.0\",\"b\":[1,2,3],\"n\":null}]", firstResults(answer));
  }

  @Test
  void selectStarQueryAndRawLoseIntegerPrecisionAndKeepUnicode() {
    execute("INSERT INTO t (i, r, s, b, n) VALUES (-1, 1, '0.0', X'010203', NULL)");
    assertEquals(success(result(0, 2, false, 12288, 2, 0,
        "[{\"id\":1,\"i\":9007199254740992,\"r\":1.5,\"s\":\"héllo ✓ 日本 😀\",\"b\":[0,255],\"n\":null},"
            + "{\"id\":2,\"i\":-1,\"r\":1,\"s\":\"0.0\",\"b\":[1,2,3],\"n\":null}]")),
        query("{\"sql\":\"SELECT * FROM t\"}").body());
    assertEquals(success(result(0, 2, false, 12288, 2, 0,
        "{\"columns\":[\"id\",\"i\",\"r\",\"s\",\"b\",\"n\"],\"rows\":[[1,9007199254740992,1.5,\"héllo ✓ 日本 😀\","
            + "[0,255],null],[2,-1,1,\"0.0\",[1,2,3],null]]}")),
        raw("{\"sql\":\"SELECT * FROM t\"}").body());
  }

  @Test
  void sqliteStoresTheIntegerExactly() {
    Answer answer = query("{\"sql\":\"SELECT typeof(i) AS ti, CAST(i AS TEXT) AS i_text, i = 9007199254740993 AS "
        + "i_exact, hex(b) AS b_hex FROM t\"}");
    assertEquals("[{\"ti\":\"integer\",\"i_text\":\"9007199254740993\",\"i_exact\":1,\"b_hex\":\"00FF\"}]",
        firstResults(answer));
  }

  @Test
  void stringParamIntoIntegerColumnIsExact() {
    Answer answer = query("{\"sql\":\"INSERT INTO t (i) VALUES (?) RETURNING i, typeof(i) AS ti, CAST(i AS TEXT) AS "
        + "i_text\",\"params\":[\"9007199254740993\"]}");
    assertEquals("[{\"i\":9007199254740992,\"ti\":\"integer\",\"i_text\":\"9007199254740993\"}]",
        firstResults(answer));
  }

  @Test
  void everyJsonNumberBindsAsReal() {
    Answer answer = query("{\"sql\":\"SELECT typeof(?) AS int_param, typeof(?) AS bool_param, typeof(?) AS str_param, "
        + "typeof(?) AS arr_param, typeof(?) AS null_param, ? || '' AS int_as_text\","
        + "\"params\":[7, true, \"7\", [7], null, 7]}");
    assertEquals("[{\"int_param\":\"real\",\"bool_param\":\"real\",\"str_param\":\"text\",\"arr_param\":\"blob\","
        + "\"null_param\":\"null\",\"int_as_text\":\"7.0\"}]", firstResults(answer));
  }

  @Test
  void integerParamFollowsColumnAffinity() {
    execute("CREATE TABLE aff (v TEXT, a, nu NUMERIC)");
    Answer answer = query("{\"sql\":\"INSERT INTO aff VALUES (?, ?, ?) RETURNING v, typeof(v) AS tv, a, typeof(a) AS "
        + "ta, nu, typeof(nu) AS tnu\",\"params\":[5, 5, 5]}");
    assertEquals("[{\"v\":\"5.0\",\"tv\":\"text\",\"a\":5,\"ta\":\"real\",\"nu\":5,\"tnu\":\"integer\"}]",
        firstResults(answer));
  }

  @Test
  void doublesJsonCannotShow() {
    Answer answer = query("{\"sql\":\"SELECT 1.0 AS one_real, -0.0 AS neg_zero, 1e309 AS inf, "
        + "-9223372036854775808 AS min_int64, 9223372036854775807 AS max_int64\"}");
    assertEquals("[{\"one_real\":1,\"neg_zero\":0,\"inf\":null,\"min_int64\":-9223372036854776000,"
        + "\"max_int64\":9223372036854776000}]", firstResults(answer));
  }

  @Test
  void smallAndLargeDoublesUseJavaScriptNotation() {
    Answer answer = query("{\"sql\":\"SELECT 0.1 + 0.2 AS a, 1e21 AS b, 1.5e-7 AS c, 0.000001 AS d, 2e23 AS e\"}");
    assertEquals("[{\"a\":0.30000000000000004,\"b\":1e+21,\"c\":1.5e-7,\"d\":0.000001,\"e\":2e+23}]",
        firstResults(answer));
  }

  @Test
  void objectParamIsRefused() {
    assertSqlError("Type 'object' not supported for value '[object Object]'",
        query("{\"sql\":\"SELECT ? AS a\",\"params\":[{\"k\":1}]}"));
  }

  @Test
  void numberedAndNamedParamsArePositional() {
    Answer answer = query("{\"sql\":\"SELECT ?2 AS second, ?1 AS first, :x AS named\","
        + "\"params\":[\"one\",\"two\",\"three\"]}");
    assertEquals("[{\"second\":\"two\",\"first\":\"one\",\"named\":\"three\"}]", firstResults(answer));
  }

  @Test
  void emptyBlobIsAnEmptyArray() {
    assertEquals("[{\"b\":[],\"t\":\"blob\"}]", firstResults(query("{\"sql\":\"SELECT ? AS b, typeof(?) AS t\","
        + "\"params\":[[], []]}")));
  }
}
