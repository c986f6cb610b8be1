package io.github.calcited1.ddl;

import static io.github.calcited1.testing.Errors.sqlState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.calcited1.testing.D1LocalExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** d1_query, d1_execute and d1_databases against d1-local, compared with SQLite itself on the same file. */
class D1NativeFunctionsTest {
  @RegisterExtension static final D1LocalExtension d1 = new D1LocalExtension("shop", "other");

  @BeforeAll
  static void seed() throws Exception {
    d1.d1Batch("CREATE VIRTUAL TABLE nf_docs USING fts5(title, body)",
        "INSERT INTO nf_docs (rowid, title, body) VALUES (1, 'fox', 'the quick brown fox'),"
            + " (2, 'dog', 'the lazy dog'), (3, 'both', 'a quick dog and a quick fox')",
        "CREATE TABLE nf_meta (id INTEGER PRIMARY KEY, owner TEXT, tags TEXT)",
        "INSERT INTO nf_meta VALUES (1, 'ann', '{\"n\": 9007199254740993}'), (2, 'bob', '{\"n\": 2}'),"
            + " (3, 'cy', '{\"n\": 3}')");
  }

  private static List<String> sqlite(String sql, Object... params) throws SQLException {
    return D1DdlTest.sqlite(d1, sql, params);
  }

  private static final String FTS = "SELECT rowid AS id, title, snippet(nf_docs, 1, ''['', '']'', ''...'', 4) AS snip,"
      + " bm25(nf_docs) AS score FROM nf_docs WHERE nf_docs MATCH ?";

  @Test
  void fts5MatchBm25AndSnippetAsTypedRowsJoinedInCalcite() throws Exception {
    String nativeSql = FTS.replace("''", "'");
    List<String> expected = sqlite("SELECT q.id, q.title, q.snip, q.score, m.owner FROM (" + nativeSql + ") q"
        + " JOIN nf_meta m ON m.id = q.id ORDER BY q.score, q.id", "quick");
    assertEquals(2, expected.size());
    try (Connection c = d1.connect()) {
      assertEquals(expected, D1DdlTest.rows(c, "SELECT q.id, q.title, q.snip, q.score, m.owner"
          + " FROM TABLE(d1_query('" + FTS
          + "', 'id INTEGER, title TEXT, snip TEXT, score REAL', 'quick')) AS q JOIN nf_meta m ON m.id = q.id"
          + " ORDER BY q.score, q.id"));
      try (PreparedStatement p = c.prepareStatement("SELECT id, score FROM TABLE(d1_query('" + FTS
          + "', 'id INTEGER, title TEXT, snip TEXT, score REAL', CAST(? AS VARCHAR))) WHERE score < 0 ORDER BY id")) {
        p.setString(1, "lazy");
        try (ResultSet r = p.executeQuery()) {
          assertEquals("BIGINT", r.getMetaData().getColumnTypeName(1));
          assertEquals("DOUBLE", r.getMetaData().getColumnTypeName(2));
          assertEquals(sqlite("SELECT rowid, bm25(nf_docs) FROM nf_docs WHERE nf_docs MATCH ? ORDER BY rowid",
              "lazy"), D1DdlTest.rows(r));
        }
      }
    }
  }

  @Test
  void jsonAndWindowFunctionsWithExactBigIntegers() throws Exception {
    String json = "SELECT id, json_extract(tags, ''$.n'') AS n, row_number() OVER (ORDER BY owner DESC) AS r"
        + " FROM nf_meta";
    try (Connection c = d1.connect()) {
      assertEquals(sqlite(json.replace("''", "'") + " ORDER BY id"),
          D1DdlTest.rows(c,
              "SELECT * FROM TABLE(d1_query('" + json + "', 'id INTEGER, n INTEGER, r INTEGER')) ORDER BY id"));
      assertEquals(List.of("9007199254740993"), D1DdlTest.rows(c, "SELECT n FROM TABLE(d1_query('" + json
          + "', 'id INTEGER, n INTEGER, r INTEGER')) WHERE id = 1"));
      // One column: rows are still rows.
      assertEquals(List.of("9007199254740993"), D1DdlTest.rows(c,
          "SELECT * FROM TABLE(d1_query('SELECT json_extract(tags, ''$.n'') AS n FROM nf_meta WHERE id = 1',"
              + " 'n INTEGER'))"));
    }
  }

  @Test
  void d1QueryRefusesWritesSeveralStatementsAndMissingDeclarations() throws Exception {
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      SQLException write = assertThrows(SQLException.class,
          () -> s.executeQuery("SELECT * FROM TABLE(d1_query('DELETE FROM nf_meta RETURNING id', 'id INTEGER'))"));
      assertTrue(write.getMessage().contains("use d1_execute"), write.getMessage());
      SQLException chained = assertThrows(SQLException.class, () -> s.executeQuery(
          "SELECT * FROM TABLE(d1_query('SELECT 1 AS a); DELETE FROM nf_meta; SELECT (1', 'a INTEGER'))"));
      assertTrue(chained.getMessage().contains("use d1_execute"), chained.getMessage());
      SQLException columns = assertThrows(SQLException.class,
          () -> s.executeQuery("SELECT * FROM TABLE(d1_query('SELECT 1 AS a', 'a INTEGER, a TEXT'))"));
      assertTrue(columns.getMessage().contains("the column a twice"), columns.getMessage());
      SQLException unknown = assertThrows(SQLException.class,
          () -> s.executeQuery("SELECT * FROM TABLE(d1_query('SELECT 1 AS a', 'b INTEGER'))"));
      assertTrue(unknown.getMessage().contains("no such column: d1_query.b"), unknown.getMessage());
    }
    assertEquals(List.of("3"), sqlite("SELECT count(*) FROM nf_meta"));
  }

  @Test
  void d1ExecuteSendsAtOnceInAutocommitAndBuffersInATransaction() throws Exception {
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      assertEquals(List.of("1"), D1DdlTest.rows(c, "SELECT * FROM TABLE(d1_execute("
          + "'INSERT INTO nf_meta (id, owner) VALUES (CAST(? AS INTEGER), ?)', 10, 'dee'))"));
      assertEquals(List.of("10|dee"), sqlite("SELECT id, owner FROM nf_meta WHERE id = 10"));

      // A table rebuild in one transaction: buffered, sent as one atomic batch at COMMIT; the catalog reloads.
      c.setAutoCommit(false);
      D1DdlTest.rows(c,
          "SELECT * FROM TABLE(d1_execute('CREATE TABLE nf_meta2 (id INTEGER PRIMARY KEY, owner TEXT NOT NULL)'))");
      D1DdlTest.rows(c, "SELECT * FROM TABLE(d1_execute('INSERT INTO nf_meta2 SELECT id, owner FROM nf_meta'))");
      D1DdlTest.rows(c, "SELECT * FROM TABLE(d1_execute('DROP TABLE nf_meta'))");
      D1DdlTest.rows(c, "SELECT * FROM TABLE(d1_execute('ALTER TABLE nf_meta2 RENAME TO nf_meta'))");
      assertEquals(List.of(), sqlite("SELECT name FROM sqlite_master WHERE name = 'nf_meta2'"));
      c.commit();
      assertEquals(List.of("id", "owner"), sqlite("SELECT name FROM pragma_table_info('nf_meta')"));
      assertEquals(sqlite("SELECT id, owner FROM nf_meta ORDER BY id"),
          D1DdlTest.rows(c, "SELECT * FROM nf_meta ORDER BY id"));

      D1DdlTest.rows(c, "SELECT * FROM TABLE(d1_execute('DELETE FROM nf_meta WHERE id = ?', 10))");
      c.rollback();
      assertEquals(List.of("1"), sqlite("SELECT count(*) FROM nf_meta WHERE id = 10"));
    }
    try (Connection c = d1.connect("readOnly=true"); Statement s = c.createStatement()) {
      SQLException e = assertThrows(SQLException.class,
          () -> s.executeQuery("SELECT * FROM TABLE(d1_execute('DELETE FROM nf_meta'))"));
      assertEquals("25006", sqlState(e));
    }
  }

  @Test
  void d1DatabasesListsTheAccount() throws Exception {
    try (Connection c = d1.connect()) {
      assertEquals(List.of("other|" + d1.server().databaseId("other"), "shop|" + d1.server().databaseId("shop")),
          D1DdlTest.rows(c, "SELECT name, database_id FROM TABLE(d1_databases()) ORDER BY name"));
      assertEquals(List.of("production"), D1DdlTest.rows(c, "SELECT DISTINCT version FROM TABLE(d1_databases())"));
    }
  }
}
