package io.github.calcited1.local.sql;

import io.github.calcited1.local.sql.SqlLexer.Kind;
import io.github.calcited1.local.sql.SqlLexer.Token;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits SQL text at the semicolons that end statements. Semicolons inside string literals,
 * quoted identifiers, comments and a trigger's {@code BEGIN ... END} body do not split (a
 * {@code CASE ... END} inside the body does not end it, unlike production D1's splitter).
 */
final class StatementSplitter {
  /**
   * One statement's text, where it starts in the SQL it was split from, and its tokens, placed as in {@code text}
   * (what tokenizing {@code text} alone gives: the statement is lexed once).
   */
  record Piece(String text, int start, List<Token> tokens) {}

  private StatementSplitter() {}

  /**
   * The statements of sql, each without its terminating semicolon and trimmed. Whitespace-only
   * pieces are dropped; comment-only pieces are kept (D1 refuses them).
   */
  static List<Piece> split(String sql) {
    List<Piece> pieces = new ArrayList<>();
    List<Token> tokens = SqlLexer.tokenize(sql);
    int pieceStart = 0;
    int statementFirstToken = 0;
    int caseDepth = 0;
    boolean inTriggerBody = false;
    for (int t = 0; t < tokens.size(); t++) {
      Token token = tokens.get(t);
      if (token.kind() == Kind.SEMICOLON) {
        if (inTriggerBody) {
          continue;
        }
        addPiece(pieces, sql, tokens.subList(statementFirstToken, t), pieceStart, token.start());
        pieceStart = token.end();
        statementFirstToken = t + 1;
        continue;
      }
      if (isTriggerStatement(tokens, statementFirstToken)) {
        if (!inTriggerBody && token.isKeyword("BEGIN")) {
          inTriggerBody = true;
        } else if (inTriggerBody && token.isKeyword("CASE")) {
          caseDepth++;
        } else if (inTriggerBody && token.isKeyword("END")) {
          if (caseDepth > 0) {
            caseDepth--;
          } else {
            inTriggerBody = false;
          }
        }
      }
    }
    addPiece(pieces, sql, tokens.subList(statementFirstToken, tokens.size()), pieceStart, sql.length());
    return pieces;
  }

  private static boolean isTriggerStatement(List<Token> tokens, int first) {
    if (first >= tokens.size() || !tokens.get(first).isKeyword("CREATE")) {
      return false;
    }
    int next = first + 1;
    if (next < tokens.size() && (tokens.get(next).isKeyword("TEMP") || tokens.get(next).isKeyword("TEMPORARY"))) {
      next++;
    }
    return next < tokens.size() && tokens.get(next).isKeyword("TRIGGER");
  }

  private static void addPiece(List<Piece> pieces, String sql, List<Token> tokens, int start, int end) {
    String piece = sql.substring(start, end);
    String trimmed = piece.strip();
    if (!trimmed.isEmpty()) {
      int offset = start + piece.indexOf(trimmed);
      List<Token> placed = new ArrayList<>(tokens.size());
      for (Token t : tokens) {
        placed.add(new Token(t.kind(), t.text(), t.start() - offset, t.end() - offset));
      }
      pieces.add(new Piece(trimmed, offset, placed));
    }
  }
}
