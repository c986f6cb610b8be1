package io.github.calcited1.client;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides, from the SQL text alone, whether a request only reads, so that sending it again cannot change the
 * database: every statement (a request may hold several, separated by {@code ;}) is a SELECT, VALUES, EXPLAIN, a
 * WITH without INSERT/UPDATE/DELETE/REPLACE, or a PRAGMA that only reports. Quoted text is skipped, so a value or an
 * identifier cannot make a write look like a read. When in doubt: not read-only (never retried after it left).
 */
public final class ReadOnlySql {
  private static final Set<String> REPORTING_PRAGMAS = Set.of("table_list", "table_info", "table_xinfo",
      "index_list", "index_info", "index_xinfo", "foreign_key_list", "foreign_key_check", "quick_check",
      "integrity_check", "compile_options", "function_list", "collation_list", "database_list");

  private ReadOnlySql() {}

  /** Verdicts per SQL text: a prepared statement sends the same text on every execution. Bounded, cleared when full. */
  private static final Map<String, Boolean> SEEN = new ConcurrentHashMap<>();
  private static final int SEEN_MAX = 2048;
  private static final int SEEN_MAX_LENGTH = 8192;

  public static boolean isReadOnly(String sql) {
    if (sql.length() > SEEN_MAX_LENGTH) {
      return classify(sql);
    }
    Boolean known = SEEN.get(sql);
    if (known == null) {
      known = classify(sql);
      if (SEEN.size() >= SEEN_MAX) {
        SEEN.clear();
      }
      SEEN.put(sql, known);
    }
    return known;
  }

  private static boolean classify(String sql) {
    String code;
    try {
      code = codeOnly(sql);
    } catch (IllegalArgumentException unterminated) {
      return false;
    }
    boolean any = false;
    for (String part : code.split(";")) {
      String s = part.strip();
      if (s.isEmpty()) {
        continue;
      }
      any = true;
      if (!statementReadsOnly(s.toUpperCase(Locale.ROOT))) {
        return false;
      }
    }
    return any;
  }

  /** Whether some statement of {@code sql} changes the schema: CREATE, DROP or ALTER (the catalog must be reread). */
  public static boolean changesSchema(String sql) {
    // Fast path for the write path's own statements (INSERT/UPDATE/WITH/SELECT/REPLACE, never a ';'): one scan.
    String head = sql.stripLeading();
    if (!head.isEmpty() && "IUWSRiuwsr".indexOf(head.charAt(0)) >= 0 && sql.indexOf(';') < 0) {
      return false;
    }
    String code;
    try {
      code = codeOnly(sql);
    } catch (IllegalArgumentException unterminated) {
      return true;
    }
    for (String part : code.split(";")) {
      String first = NOT_A_WORD.split(part.strip().toUpperCase(Locale.ROOT), 2)[0];
      if (first.equals("CREATE") || first.equals("DROP") || first.equals("ALTER")) {
        return true;
      }
    }
    return false;
  }

  private static final java.util.regex.Pattern NOT_A_WORD = java.util.regex.Pattern.compile("[^A-Z_]");

  private static boolean statementReadsOnly(String s) {
    String first = NOT_A_WORD.split(s, 2)[0];
    switch (first) {
      case "SELECT":
      case "VALUES":
      case "EXPLAIN":
      case "WITH":
        return !writes(s);
      case "PRAGMA": {
        String rest = s.substring("PRAGMA".length()).strip();
        String name = NOT_A_WORD.split(rest, 2)[0].toLowerCase(Locale.ROOT);
        return REPORTING_PRAGMAS.contains(name) && !rest.contains("=");
      }
      default:
        return false;
    }
  }

  /** A data-changing keyword; {@code replace(} is SQLite's string function, not REPLACE INTO. */
  private static final java.util.regex.Pattern WRITE_WORD = java.util.regex.Pattern.compile(
      "(?<![A-Z_0-9$])(INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|REPLACE(?!\\s*\\())(?![A-Z_0-9$])");

  private static boolean writes(String s) {
    return WRITE_WORD.matcher(s).find();
  }

  /** The SQL without comments, string literals and quoted identifiers (each replaced by a blank). */
  static String codeOnly(String sql) {
    StringBuilder out = new StringBuilder(sql.length());
    int n = sql.length();
    for (int i = 0; i < n; ) {
      char c = sql.charAt(i);
      if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int end = sql.indexOf('\n', i);
        i = end < 0 ? n : end + 1;
        out.append(' ');
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
        out.append(' ');
      } else if (c == '\'' || c == '"' || c == '`') {
        int j = i + 1;
        while (true) {
          if (j >= n) {
            throw new IllegalArgumentException("unterminated " + c);
          }
          if (sql.charAt(j) == c) {
            if (j + 1 < n && sql.charAt(j + 1) == c) {
              j += 2;
              continue;
            }
            break;
          }
          j++;
        }
        i = j + 1;
        out.append(' ');
      } else if (c == '[') {
        int end = sql.indexOf(']', i + 1);
        if (end < 0) {
          throw new IllegalArgumentException("unterminated [");
        }
        i = end + 1;
        out.append(' ');
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }
}
