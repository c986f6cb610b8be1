package io.github.calcited1.local.sql;

import io.github.calcited1.local.sql.SqlLexer.Kind;
import io.github.calcited1.local.sql.SqlLexer.Token;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Turns an sqlite-jdbc exception into D1's message text:
 * {@code <sqlite message>[ at offset N]: SQLITE_<PRIMARY>[ (extended: SQLITE_<EXTENDED>)]}.
 *
 * <p>D1 takes the offset from {@code sqlite3_error_offset()}, which sqlite-jdbc does not expose.
 * SQLite records it for errors that name a token of the statement, so this class finds that
 * token again for the messages that carry one; other messages get no offset, as in SQLite.
 */
final class SqliteErrors {
  /** Compiles SQL text and answers SQLite's message, or null if it compiled. */
  interface Compiler {
    String compileError(String sql);
  }

  private static final Pattern NEAR = Pattern.compile("^near \"(.*)\": syntax error$", Pattern.DOTALL);
  private static final Pattern UNRECOGNIZED = Pattern.compile("^unrecognized token: \"(.*)\"$", Pattern.DOTALL);
  private static final Pattern COLUMN = Pattern.compile("^(?:no such column|ambiguous column name): (.+)$");
  private static final Pattern ALREADY_EXISTS = Pattern.compile("^(?:table|view|trigger) (.+) already exists$");
  private static final Pattern FUNCTION = Pattern.compile("^(?:no such function: |not authorized to use function: "
      + "|wrong number of arguments to function |too many arguments on function |misuse of aggregate function "
      + "|misuse of window function )([^()]+)(?:\\(\\))?$");
  private static final Pattern VARIABLE_RANGE = Pattern.compile("^variable number must be between \\?1 and \\?(\\d+)$");
  private static final int MAX_VARIABLES = 100;

  private SqliteErrors() {}

  static D1SqlException toD1(SQLiteException e, String sql, Compiler compiler) {
    SQLiteErrorCode code = e.getResultCode();
    int primary = code.code & 0xff;
    String message = sqliteMessage(e);
    StringBuilder text = new StringBuilder(message);
    Integer offset = errorOffset(message, sql, compiler);
    if (offset != null) {
      text.append(" at offset ").append(offset);
    }
    text.append(": ").append(nameOf(primary));
    if (code.code != primary && code.code > 0) {
      text.append(" (extended: ").append(code.name()).append(')');
    }
    return new D1SqlException(text.toString());
  }

  /** D1's text for an error this emulator raises itself, as SQLite would word it. */
  static D1SqlException withOffset(String message, String sql, String primaryName) {
    Integer offset = errorOffset(message, sql, ignored -> null);
    return new D1SqlException(message + (offset == null ? "" : " at offset " + offset) + ": " + primaryName);
  }

  /** SQLite's own message: sqlite-jdbc wraps it as "[CODE] description (message)". */
  static String sqliteMessage(SQLiteException e) {
    String full = e.getMessage();
    String prefix = e.getResultCode().toString() + " (";
    if (full != null && full.startsWith(prefix) && full.endsWith(")")) {
      return full.substring(prefix.length(), full.length() - 1);
    }
    return full == null ? "unknown error" : full;
  }

  private static String nameOf(int code) {
    SQLiteErrorCode known = SQLiteErrorCode.getErrorCode(code);
    return known == SQLiteErrorCode.UNKNOWN_ERROR ? "SQLITE_ERROR" : known.name();
  }

  private static Integer errorOffset(String message, String sql, Compiler compiler) {
    List<Token> tokens = SqlLexer.tokenize(sql);
    Integer charIndex = tokenIndexFor(message, sql, tokens, compiler);
    if (charIndex == null) {
      return null;
    }
    return sql.substring(0, charIndex).getBytes(StandardCharsets.UTF_8).length;
  }

  private static Integer tokenIndexFor(String message, String sql, List<Token> tokens, Compiler compiler) {
    Matcher m;
    if ((m = NEAR.matcher(message)).matches() || (m = UNRECOGNIZED.matcher(message)).matches()) {
      return syntaxErrorToken(m.group(1), message, sql, tokens, compiler);
    }
    if ((m = COLUMN.matcher(message)).matches()) {
      return qualifiedName(m.group(1).split("\\."), tokens);
    }
    if ((m = ALREADY_EXISTS.matcher(message)).matches()) {
      String name = m.group(1);
      for (Token token : tokens) {
        if (token.text().equals(name) || token.isWord(name)) {
          return token.start();
        }
      }
      return null;
    }
    if ((m = FUNCTION.matcher(message)).matches()) {
      // Operators such as REGEXP name their function without a parenthesis.
      for (Token token : tokens) {
        if (token.isWord(m.group(1))) {
          return token.start();
        }
      }
      return null;
    }
    if (message.equals("too many SQL variables")) {
      return firstVariableBeyondLimit(tokens);
    }
    if ((m = VARIABLE_RANGE.matcher(message)).matches()) {
      int max = Integer.parseInt(m.group(1));
      for (Token token : tokens) {
        if (token.kind() == Kind.VARIABLE && token.text().length() > 1 && token.text().startsWith("?")) {
          if (variableNumber(token.text()) < 1 || variableNumber(token.text()) > max) {
            return token.start();
          }
        }
      }
    }
    return null;
  }

  /**
   * The token SQLite's parser stopped at. The same text can occur earlier in a valid position,
   * so the candidate is confirmed by compiling the statement cut right after it: the parser is
   * deterministic on a prefix, so only the failing occurrence reproduces the same message.
   */
  private static Integer syntaxErrorToken(String text, String message, String sql, List<Token> tokens,
      Compiler compiler) {
    Integer first = null;
    for (Token token : tokens) {
      if (!sql.startsWith(text, token.start())) {
        continue;
      }
      if (first == null) {
        first = token.start();
      }
      if (message.equals(compiler.compileError(sql.substring(0, token.start() + text.length())))) {
        return token.start();
      }
    }
    return first;
  }

  private static Integer qualifiedName(String[] parts, List<Token> tokens) {
    for (int i = 0; i < tokens.size(); i++) {
      int j = i;
      boolean matches = true;
      for (int p = 0; p < parts.length && matches; p++) {
        if (p > 0) {
          matches = j < tokens.size() && tokens.get(j).isOperator(".");
          j++;
        }
        matches = matches && j < tokens.size() && tokens.get(j).isWord(parts[p]);
        j++;
      }
      if (matches) {
        return tokens.get(i).start();
      }
    }
    return null;
  }

  /** N of a ?N variable, capped so that absurd numbers do not overflow. */
  private static long variableNumber(String text) {
    String digits = text.substring(1);
    return digits.length() > 9 ? Integer.MAX_VALUE : Long.parseLong(digits);
  }

  /** SQLite numbers variables as it parses: ? takes the next slot, ?N slot N, :name a new slot. */
  private static Integer firstVariableBeyondLimit(List<Token> tokens) {
    int slots = 0;
    Set<String> named = new HashSet<>();
    for (Token token : tokens) {
      if (token.kind() != Kind.VARIABLE) {
        continue;
      }
      String text = token.text();
      if (text.equals("?")) {
        slots++;
      } else if (text.startsWith("?")) {
        slots = (int) Math.max(slots, variableNumber(text));
      } else if (named.add(text)) {
        slots++;
      }
      if (slots > MAX_VARIABLES) {
        return token.start();
      }
    }
    return null;
  }
}
