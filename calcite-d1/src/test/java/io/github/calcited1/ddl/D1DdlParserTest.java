package io.github.calcited1.ddl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.ddl.SqlCreateTable;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.junit.jupiter.api.Test;

/** Which grammar parses what, and which statements are kept as SQLite DDL (no server). */
class D1DdlParserTest {
  private static SqlNode parse(String sql) throws SqlParseException {
    return SqlParser.create(sql, SqlParser.config().withParserFactory(D1DdlParserFactory.FACTORY)).parseStmt();
  }

  @Test
  void routesByFirstWordAndKeepsSqliteFormsAsWritten() throws Exception {
    assertInstanceOf(SqlSelect.class, parse("  -- a comment\n SELECT 1 FROM t"));
    assertInstanceOf(SqlCreateTable.class, parse("/* c */ create table t (a INTEGER NOT NULL, PRIMARY KEY (a))"));
    D1NativeDdl index =
        assertInstanceOf(D1NativeDdl.class, parse("CREATE UNIQUE INDEX IF NOT EXISTS shop.ix ON t (a)"));
    assertEquals("shop", index.qualifier());
    assertEquals("CREATE UNIQUE INDEX IF NOT EXISTS ix ON t (a)", index.withoutQualifier());
    D1NativeDdl alter = assertInstanceOf(D1NativeDdl.class, parse("ALTER TABLE \"my db\".\"t\" ADD COLUMN x INTEGER"));
    assertEquals("my db", alter.qualifier());
    assertEquals("ALTER TABLE \"t\" ADD COLUMN x INTEGER", alter.withoutQualifier());
    D1NativeDdl fk = assertInstanceOf(D1NativeDdl.class,
        parse("CREATE TABLE c (id INTEGER PRIMARY KEY, p INTEGER REFERENCES p(id))"));
    assertNull(fk.qualifier());
    assertThrows(SqlParseException.class, () -> parse("CREATE TABL x (a INTEGER)"));
  }

  /**
   * A long indentation before a word that is not DDL is rejected at once (the first pattern took 25 s for 10,000
   * blanks).
   */
  @Test
  void longLeadingBlanksDoNotBacktrack() {
    String sql = " ".repeat(100_000) + "SELECT 1";
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      assertFalse(D1DdlParserFactory.DDL_START.matcher(sql).matches());
      assertFalse(D1NativeDdl.isNative(sql));
    });
  }
}
