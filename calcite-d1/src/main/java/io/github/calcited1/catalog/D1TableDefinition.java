package io.github.calcited1.catalog;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code PRAGMA table_xinfo} does not report, read from a {@code CREATE TABLE} statement as {@code sqlite_master}
 * keeps it: each column's declared collation, and whether a column is declared {@code PRIMARY KEY DESC} or
 * {@code AUTOINCREMENT}.
 *
 * <p>A small tokenizer: words, quoted names and strings ({@code "…" `…` […] '…'}, doubled quotes inside),
 * comments, and parentheses, whose contents (CHECK, DEFAULT, GENERATED ALWAYS AS expressions, type sizes) are
 * skipped. Within the table's top-level parentheses, each comma-separated item that does not begin with a table
 * constraint keyword is a column definition: its first token is the name, a top-level {@code COLLATE x} is its
 * collation, and {@code PRIMARY KEY DESC} and {@code AUTOINCREMENT} mark it.
 */
public record D1TableDefinition(Map<String, String> collations, boolean descendingPrimaryKey, boolean autoincrement) {
  private static final List<String> TABLE_CONSTRAINTS = List.of("CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN");

  /**
   * @param collations column name (lower case: SQLite names are case-insensitive) to upper-case collation; BINARY
   *     ones omitted
   * @param descendingPrimaryKey whether a column definition says {@code PRIMARY KEY DESC}: SQLite then does not make
   *     an {@code INTEGER PRIMARY KEY} the rowid's alias (a quirk kept for compatibility), so it may hold NULLs and
   *     non-integers
   * @param autoincrement whether a column definition says {@code AUTOINCREMENT} (only an INTEGER PRIMARY KEY can):
   *     SQLite then never reuses a rowid
   */
  public D1TableDefinition {
    collations = Map.copyOf(collations);
  }

  /** Reads a {@code CREATE TABLE} statement as {@code sqlite_master} keeps it. */
  public static D1TableDefinition parse(String createTable) {
    Map<String, String> collations = new HashMap<>();
    boolean descendingPrimaryKey = false;
    boolean autoincrement = false;
    for (List<String> item : columnItems(tokens(createTable))) {
      if (item.isEmpty() || TABLE_CONSTRAINTS.contains(item.get(0).toUpperCase(Locale.ROOT))) {
        continue;
      }
      for (int i = 1; i < item.size(); i++) {
        if (i + 1 < item.size() && item.get(i).equalsIgnoreCase("COLLATE")) {
          String collation = unquote(item.get(i + 1)).toUpperCase(Locale.ROOT);
          if (!collation.equals(D1Catalog.BINARY)) {
            collations.put(unquote(item.get(0)).toLowerCase(Locale.ROOT), collation);
          }
        }
        if (i + 2 < item.size() && item.get(i).equalsIgnoreCase("PRIMARY")
            && item.get(i + 1).equalsIgnoreCase("KEY") && item.get(i + 2).equalsIgnoreCase("DESC")) {
          descendingPrimaryKey = true;
        }
        autoincrement |= item.get(i).equalsIgnoreCase("AUTOINCREMENT");
      }
    }
    return new D1TableDefinition(collations, descendingPrimaryKey, autoincrement);
  }

  /** The top-level items of the first parenthesis, as tokens; a nested parenthesis is one token "(". */
  private static List<List<String>> columnItems(List<String> tokens) {
    List<List<String>> items = new ArrayList<>();
    int depth = 0;
    List<String> current = null;
    for (String t : tokens) {
      if (t.equals("(")) {
        depth++;
        if (depth == 1) {
          current = new ArrayList<>();
          continue;
        }
      } else if (t.equals(")")) {
        depth--;
        if (depth == 0) {
          if (current != null) {
            items.add(current);
          }
          return items;
        }
        continue;
      }
      if (depth == 1 && current != null) {
        if (t.equals(",")) {
          items.add(current);
          current = new ArrayList<>();
        } else {
          current.add(t);
        }
      } else if (depth == 2 && t.equals("(") && current != null) {
        current.add("(");
      }
    }
    return items;
  }

  static List<String> tokens(String sql) {
    List<String> tokens = new ArrayList<>();
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int end = sql.indexOf('\n', i);
        i = end < 0 ? n : end + 1;
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else if (c == '"' || c == '`' || c == '\'' || c == '[') {
        char close = c == '[' ? ']' : c;
        int j = i + 1;
        while (j < n) {
          if (sql.charAt(j) == close) {
            if (close != ']' && j + 1 < n && sql.charAt(j + 1) == close) {
              j += 2; // doubled quote
              continue;
            }
            break;
          }
          j++;
        }
        tokens.add(sql.substring(i, Math.min(j + 1, n)));
        i = j + 1;
      } else if (Character.isLetterOrDigit(c) || c == '_' || c == '$' || c > 127) {
        int j = i;
        while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_'
            || sql.charAt(j) == '$' || sql.charAt(j) > 127)) {
          j++;
        }
        tokens.add(sql.substring(i, j));
        i = j;
      } else {
        tokens.add(String.valueOf(c));
        i++;
      }
    }
    return tokens;
  }

  /** A name without its quotes ({@code "a""b"} is {@code a"b}). */
  static String unquote(String token) {
    if (token.isEmpty()) {
      return token;
    }
    char c = token.charAt(0);
    if (c == '[') {
      return token.substring(1, token.length() - 1);
    }
    if (c == '"' || c == '`' || c == '\'') {
      String q = String.valueOf(c);
      return token.substring(1, token.length() - 1).replace(q + q, q);
    }
    return token;
  }
}
