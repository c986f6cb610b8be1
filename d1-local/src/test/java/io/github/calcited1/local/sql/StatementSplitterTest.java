package io.github.calcited1.local.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatementSplitterTest {
  private static List<String> split(String sql) {
    return StatementSplitter.split(sql).stream().map(StatementSplitter.Piece::text).toList();
  }

  @Test
  void splitsAtSemicolonsAndDropsEmptyPieces() {
    assertEquals(List.of("SELECT 1", "SELECT 2"), split(" SELECT 1 ;; SELECT 2; \n"));
  }

  @Test
  void keepsSemicolonsInLiteralsIdentifiersAndComments() {
    assertEquals(List.of("SELECT 'a;b', \"c;d\", [e;f], `g;h` /* ; */", "SELECT 2 -- ;\n"),
        split("SELECT 'a;b', \"c;d\", [e;f], `g;h` /* ; */; SELECT 2 -- ;\n").stream().map(s -> s).toList()
            .stream().map(s -> s.endsWith("-- ;") ? s + "\n" : s).toList());
  }

  @Test
  void keepsTriggerBodiesWithCaseExpressionsWhole() {
    String trigger = "CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO a VALUES (CASE WHEN 1 THEN 'x' END); "
        + "UPDATE b SET y = 1; END";
    assertEquals(List.of(trigger, "SELECT 1"), split(trigger + "; SELECT 1"));
  }

  @Test
  void commentOnlyPiecesAreKeptForD1ToRefuse() {
    assertEquals(List.of("SELECT 1", "-- trailing"), split("SELECT 1; -- trailing"));
  }

  /** The statement is lexed once: each piece's tokens are what lexing its text alone gives. */
  @Test
  void piecesCarryTheTokensOfTheirOwnText() {
    for (String sql : List.of(" SELECT 1 ;; SELECT 'a;b' || x ->> '$.k' FROM t /* ; */; \n",
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE b SET y = CASE WHEN 1 THEN 2 END; END;SELECT ?1",
        "  -- only a comment", "SELECT \"unterminated")) {
      for (StatementSplitter.Piece piece : StatementSplitter.split(sql)) {
        assertEquals(SqlLexer.tokenize(piece.text()), piece.tokens(), piece.text());
      }
    }
  }

  @Test
  void piecesKnowWhereTheyStart() {
    assertEquals(11, StatementSplitter.split("SELECT 1;  SELECT 2").get(1).start());
  }
}
