package io.github.calcited1.local.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small SQLite tokenizer: enough to split statements, classify them, and find the token an
 * error message points at. Comments and whitespace are dropped; every token keeps its position
 * in the source string.
 */
final class SqlLexer {
  enum Kind { WORD, QUOTED_IDENTIFIER, STRING, NUMBER, BLOB, VARIABLE, SEMICOLON, OPERATOR }

  record Token(Kind kind, String text, int start, int end) {
    /** True for a bare or quoted identifier/keyword equal to name, case-insensitively. */
    boolean isWord(String name) {
      return (kind == Kind.WORD || kind == Kind.QUOTED_IDENTIFIER) && identifier().equalsIgnoreCase(name);
    }

    boolean isKeyword(String keyword) {
      return kind == Kind.WORD && text.equalsIgnoreCase(keyword);
    }

    boolean isOperator(String operator) {
      return kind == Kind.OPERATOR && text.equals(operator);
    }

    /** The identifier's name: quotes removed and doubled quote characters collapsed. */
    String identifier() {
      if (kind != Kind.QUOTED_IDENTIFIER) {
        return text;
      }
      char open = text.charAt(0);
      String inner = text.substring(1, Math.max(1, text.length() - 1));
      return open == '[' ? inner : inner.replace(String.valueOf(open) + open, String.valueOf(open));
    }

    String upper() {
      return text.toUpperCase(Locale.ROOT);
    }
  }

  private SqlLexer() {}

  static List<Token> tokenize(String sql) {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    int length = sql.length();
    while (i < length) {
      char c = sql.charAt(i);
      int start = i;
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '-' && i + 1 < length && sql.charAt(i + 1) == '-') {
        int newline = sql.indexOf('\n', i);
        i = newline < 0 ? length : newline + 1;
      } else if (c == '/' && i + 1 < length && sql.charAt(i + 1) == '*') {
        int close = sql.indexOf("*/", i + 2);
        i = close < 0 ? length : close + 2;
      } else if (c == '\'' || c == '"' || c == '`') {
        i = endOfQuoted(sql, i, c);
        tokens.add(new Token(c == '\'' ? Kind.STRING : Kind.QUOTED_IDENTIFIER, sql.substring(start, i), start, i));
      } else if (c == '[') {
        int close = sql.indexOf(']', i);
        i = close < 0 ? length : close + 1;
        tokens.add(new Token(Kind.QUOTED_IDENTIFIER, sql.substring(start, i), start, i));
      } else if ((c == 'x' || c == 'X') && i + 1 < length && sql.charAt(i + 1) == '\'') {
        i = endOfQuoted(sql, i + 1, '\'');
        tokens.add(new Token(Kind.BLOB, sql.substring(start, i), start, i));
      } else if (Character.isDigit(c) || (c == '.' && i + 1 < length && Character.isDigit(sql.charAt(i + 1)))) {
        i = endOfNumber(sql, i);
        tokens.add(new Token(Kind.NUMBER, sql.substring(start, i), start, i));
      } else if (c == '?') {
        i++;
        while (i < length && Character.isDigit(sql.charAt(i))) {
          i++;
        }
        tokens.add(new Token(Kind.VARIABLE, sql.substring(start, i), start, i));
      } else if ((c == ':' || c == '@' || c == '$') && i + 1 < length && isIdentifierPart(sql.charAt(i + 1))) {
        i++;
        while (i < length && isIdentifierPart(sql.charAt(i))) {
          i++;
        }
        tokens.add(new Token(Kind.VARIABLE, sql.substring(start, i), start, i));
      } else if (isIdentifierPart(c)) {
        while (i < length && isIdentifierPart(sql.charAt(i))) {
          i++;
        }
        tokens.add(new Token(Kind.WORD, sql.substring(start, i), start, i));
      } else if (c == ';') {
        i++;
        tokens.add(new Token(Kind.SEMICOLON, ";", start, i));
      } else {
        i += operatorLength(sql, i);
        tokens.add(new Token(Kind.OPERATOR, sql.substring(start, i), start, i));
      }
    }
    return tokens;
  }

  private static boolean isIdentifierPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c > 0x7f;
  }

  private static int endOfQuoted(String sql, int openAt, char quote) {
    int i = openAt + 1;
    while (i < sql.length()) {
      if (sql.charAt(i) == quote) {
        if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
          i += 2; // a doubled quote stands for one quote character
          continue;
        }
        return i + 1;
      }
      i++;
    }
    return sql.length();
  }

  private static int endOfNumber(String sql, int i) {
    int length = sql.length();
    if (sql.startsWith("0x", i) || sql.startsWith("0X", i)) {
      i += 2;
      while (i < length && Character.digit(sql.charAt(i), 16) >= 0) {
        i++;
      }
      return i;
    }
    while (i < length && (Character.isDigit(sql.charAt(i)) || sql.charAt(i) == '.' || sql.charAt(i) == '_')) {
      i++;
    }
    if (i < length && (sql.charAt(i) == 'e' || sql.charAt(i) == 'E')) {
      int j = i + 1;
      if (j < length && (sql.charAt(j) == '+' || sql.charAt(j) == '-')) {
        j++;
      }
      if (j < length && Character.isDigit(sql.charAt(j))) {
        i = j;
        while (i < length && Character.isDigit(sql.charAt(i))) {
          i++;
        }
      }
    }
    return i;
  }

  /** The operators of more than one character, longest first. */
  private static final String[] LONG_OPERATORS = {"->>", "||", "<<", ">>", "<=", ">=", "==", "!=", "<>", "->"};

  private static int operatorLength(String sql, int i) {
    for (String operator : LONG_OPERATORS) {
      if (sql.startsWith(operator, i)) {
        return operator.length();
      }
    }
    return Character.charCount(sql.codePointAt(i));
  }
}
