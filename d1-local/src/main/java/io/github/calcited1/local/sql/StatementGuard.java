package io.github.calcited1.local.sql;

import io.github.calcited1.local.sql.SqlLexer.Kind;
import io.github.calcited1.local.sql.SqlLexer.Token;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Emulates the SQLite authorizer that workerd installs for D1 ({@code SqliteDatabase::isAuthorized}),
 * because sqlite-jdbc offers no authorizer hook. It classifies each statement from its tokens and,
 * for function calls, from the compiled program, and refuses what D1 refuses with D1's message.
 *
 * <p>The checks run in two phases, as in SQLite: {@link #beforeCompile} for statements that must
 * not even be compiled (PRAGMAs take effect while compiling), {@link #afterCompile} for the rest,
 * so that syntax errors and unknown tables are reported first, as D1 reports them.
 */
final class StatementGuard {
  /** What the guard needs to ask SQLite about a compiled statement. */
  interface Inspector {
    /** Names of the SQL functions the compiled statement calls. */
    Set<String> functionsCalled(String sql) throws SQLException;

    /** Column names of a table, in declaration order. */
    List<String> columnsOf(String table) throws SQLException;
  }

  // workerd ALLOWED_SQLITE_FUNCTIONS (src/workerd/util/sqlite.c++); the jsonb* functions too (D1 runs them).
  private static final Set<String> ALLOWED_FUNCTIONS = Set.of(
      "abs", "changes", "char", "coalesce", "concat", "concat_ws", "format", "glob", "hex", "ifnull", "iif", "instr",
      "last_insert_rowid", "length", "like", "likelihood", "likely", "load_extension", "lower", "ltrim", "max_scalar",
      "min_scalar", "nullif", "octet_length", "printf", "quote", "random", "randomblob", "replace", "round", "rtrim",
      "sign", "soundex", "substr", "substring", "total_changes", "trim", "typeof", "unhex", "unicode", "unlikely",
      "upper", "zeroblob",
      "date", "time", "datetime", "julianday", "unixepoch", "strftime", "timediff", "current_date", "current_time",
      "current_timestamp",
      "avg", "count", "group_concat", "max", "min", "string_agg", "sum", "total",
      "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead", "first_value",
      "last_value", "nth_value",
      "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "ceil", "cos", "cosh", "degrees", "exp", "floor",
      "ln", "log", "log2", "mod", "pi", "pow", "radians", "sin", "sinh", "sqrt", "tan", "tanh", "trunc",
      "json", "json_array", "json_array_length", "json_extract", "->", "->>", "json_insert", "json_object",
      "json_patch", "json_remove", "json_replace", "json_set", "json_type", "json_valid", "json_quote",
      "json_group_array", "json_group_object", "json_each", "json_tree",
      "match", "highlight", "bm25", "snippet",
      "sqlite_rename_column", "sqlite_rename_table", "sqlite_rename_test", "sqlite_drop_column",
      "sqlite_rename_quotefix");

  /** Built into sqlite-jdbc's newer SQLite but not into D1's (3.47), where they do not exist at all. */
  private static final Set<String> NOT_IN_D1_SQLITE = Set.of("median", "percentile", "percentile_cont",
      "percentile_disc", "if", "unistr", "unistr_quote");

  /** SQLite expands these inline, so they never show in the compiled program; none is allowed. */
  private static final Set<String> INLINE_DISALLOWED_FUNCTIONS = Set.of("sqlite_offset", "affinity",
      "implies_nonnull_row", "expr_compare", "expr_implies_expr");

  private enum PragmaArgument { NONE, BOOLEAN, OBJECT_NAME, OPTIONAL_OBJECT_NAME, OPTIONAL_NUMBER,
    OPTIONAL_NUMBER_OR_OBJECT_NAME, ANY }

  // workerd ALLOWED_PRAGMAS plus its special cases table_list, table_info and table_xinfo.
  private static final Map<String, PragmaArgument> ALLOWED_PRAGMAS = Map.ofEntries(
      Map.entry("table_list", PragmaArgument.ANY),
      Map.entry("table_info", PragmaArgument.OBJECT_NAME),
      Map.entry("table_xinfo", PragmaArgument.OBJECT_NAME),
      Map.entry("data_version", PragmaArgument.NONE),
      Map.entry("case_sensitive_like", PragmaArgument.BOOLEAN),
      Map.entry("foreign_keys", PragmaArgument.BOOLEAN),
      Map.entry("defer_foreign_keys", PragmaArgument.BOOLEAN),
      Map.entry("ignore_check_constraints", PragmaArgument.BOOLEAN),
      Map.entry("legacy_alter_table", PragmaArgument.BOOLEAN),
      Map.entry("recursive_triggers", PragmaArgument.BOOLEAN),
      Map.entry("reverse_unordered_selects", PragmaArgument.BOOLEAN),
      Map.entry("foreign_key_check", PragmaArgument.OPTIONAL_OBJECT_NAME),
      Map.entry("foreign_key_list", PragmaArgument.OBJECT_NAME),
      Map.entry("index_info", PragmaArgument.OBJECT_NAME),
      Map.entry("index_list", PragmaArgument.OBJECT_NAME),
      Map.entry("index_xinfo", PragmaArgument.OBJECT_NAME),
      Map.entry("quick_check", PragmaArgument.OPTIONAL_NUMBER_OR_OBJECT_NAME),
      Map.entry("optimize", PragmaArgument.OPTIONAL_NUMBER));

  private static final Set<String> TRANSACTION_KEYWORDS = Set.of("BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT",
      "RELEASE");
  private static final Set<String> ALLOWED_VIRTUAL_TABLE_MODULES = Set.of("fts5", "fts5vocab");
  private static final Set<String> READ_STATEMENTS = Set.of("SELECT", "WITH", "VALUES");
  private static final Set<String> COMPILED_PROGRAM_STATEMENTS = Set.of("SELECT", "WITH", "VALUES", "INSERT",
      "REPLACE", "UPDATE", "DELETE");

  private StatementGuard() {}

  static void beforeCompile(List<Token> tokens) throws D1SqlException {
    if (tokens.isEmpty()) {
      return;
    }
    String first = tokens.get(0).upper();
    if (TRANSACTION_KEYWORDS.contains(first)) {
      throw new D1SqlException(D1SqlException.TRANSACTION_REFUSED);
    }
    if (first.equals("ATTACH") || first.equals("DETACH")) {
      throw new D1SqlException(D1SqlException.NOT_AUTHORIZED);
    }
    if (first.equals("PRAGMA") && !isAllowedPragma(tokens)) {
      throw new D1SqlException(D1SqlException.NOT_AUTHORIZED);
    }
  }

  static void afterCompile(String sql, List<Token> tokens, Inspector inspector)
      throws D1SqlException, SQLException {
    if (tokens.isEmpty()) {
      return;
    }
    String first = tokens.get(0).upper();
    if (first.equals("CREATE") || first.equals("DROP")) {
      checkSchemaStatement(tokens);
    }
    checkPragmaFunctions(tokens);
    checkProtectedTables(tokens, READ_STATEMENTS.contains(first), inspector);
    if (COMPILED_PROGRAM_STATEMENTS.contains(first)) {
      checkFunctions(sql, tokens, inspector);
    }
  }

  /** D1's rule for names of user objects: nothing starting with _cf_ (case-sensitive, as workerd checks). */
  static boolean isProtectedName(String name) {
    return name.startsWith("_cf_");
  }

  private static void checkSchemaStatement(List<Token> tokens) throws D1SqlException {
    int i = 1;
    if (i < tokens.size() && (tokens.get(i).isKeyword("TEMP") || tokens.get(i).isKeyword("TEMPORARY"))) {
      throw new D1SqlException(D1SqlException.NOT_AUTHORIZED);
    }
    if (i < tokens.size() && tokens.get(i).isKeyword("UNIQUE")) {
      i++;
    }
    boolean virtual = i < tokens.size() && tokens.get(i).isKeyword("VIRTUAL");
    for (int t = 0; t + 1 < tokens.size(); t++) {
      // temp.x names a TEMP object; workerd refuses everything in the temp schema but reads.
      if (tokens.get(t).isWord("temp") && tokens.get(t + 1).isOperator(".")) {
        throw new D1SqlException(D1SqlException.NOT_AUTHORIZED);
      }
    }
    if (virtual) {
      for (int t = 0; t + 1 < tokens.size(); t++) {
        if (tokens.get(t).isKeyword("USING")
            && !ALLOWED_VIRTUAL_TABLE_MODULES.contains(tokens.get(t + 1).identifier().toLowerCase(Locale.ROOT))) {
          throw new D1SqlException(D1SqlException.NOT_AUTHORIZED);
        }
      }
    }
  }

  /** Any mention of a _cf_ table: reading a column names it, anything else is "not authorized". */
  private static void checkProtectedTables(List<Token> tokens, boolean readOnly, Inspector inspector)
      throws D1SqlException, SQLException {
    for (Token token : tokens) {
      if ((token.kind() == Kind.WORD || token.kind() == Kind.QUOTED_IDENTIFIER)
          && isProtectedName(token.identifier())) {
        if (readOnly) {
          String column = firstColumnRead(tokens, inspector.columnsOf(token.identifier()));
          if (column != null) {
            throw new D1SqlException("access to " + token.identifier() + "." + column + " is prohibited: SQLITE_AUTH");
          }
        }
        throw new D1SqlException(D1SqlException.NOT_AUTHORIZED);
      }
    }
  }

  private static String firstColumnRead(List<Token> tokens, List<String> columns) {
    if (columns.isEmpty()) {
      return null;
    }
    for (int i = 0; i < tokens.size(); i++) {
      Token token = tokens.get(i);
      // SELECT * and t.* read every column; count(*) reads none.
      if (token.isOperator("*") && i > 0 && !tokens.get(i - 1).isOperator("(")) {
        return columns.get(0);
      }
      for (String column : columns) {
        if (token.isWord(column)) {
          return column;
        }
      }
    }
    return null;
  }

  private static void checkFunctions(String sql, List<Token> tokens, Inspector inspector)
      throws D1SqlException, SQLException {
    for (int i = 0; i + 1 < tokens.size(); i++) {
      String name = tokens.get(i).identifier().toLowerCase(Locale.ROOT);
      if (INLINE_DISALLOWED_FUNCTIONS.contains(name) && tokens.get(i + 1).isOperator("(")) {
        throw functionRefused(name, sql);
      }
    }
    for (String function : inspector.functionsCalled(sql)) {
      String name = function.toLowerCase(Locale.ROOT);
      if (NOT_IN_D1_SQLITE.contains(name)) {
        throw SqliteErrors.withOffset("no such function: " + function, sql, "SQLITE_ERROR");
      }
      if (!ALLOWED_FUNCTIONS.contains(name) && !name.startsWith("jsonb")) {
        throw functionRefused(function, sql);
      }
    }
  }

  private static D1SqlException functionRefused(String function, String sql) {
    return SqliteErrors.withOffset("not authorized to use function: " + function, sql, "SQLITE_ERROR");
  }

  /** pragma_NAME table-valued functions: only for allowed PRAGMAs, with a literal first argument checked. */
  private static void checkPragmaFunctions(List<Token> tokens) throws D1SqlException {
    for (int i = 0; i < tokens.size(); i++) {
      Token token = tokens.get(i);
      if (token.kind() != Kind.WORD || !token.text().regionMatches(true, 0, "pragma_", 0, 7)) {
        continue;
      }
      String pragma = token.text().substring(7).toLowerCase(Locale.ROOT);
      boolean literalArgument = i + 2 < tokens.size() && tokens.get(i + 1).isOperator("(")
          && (tokens.get(i + 2).kind() == Kind.STRING || tokens.get(i + 2).kind() == Kind.NUMBER);
      String argument = literalArgument ? literalText(tokens.get(i + 2)) : null;
      PragmaArgument kind = ALLOWED_PRAGMAS.get(pragma);
      boolean allowed = kind != null && (argument != null ? isAllowedPragmaCall(pragma, argument)
          : kind != PragmaArgument.NONE || !(i + 1 < tokens.size() && tokens.get(i + 1).isOperator("(")));
      if (!allowed) {
        throw new D1SqlException(D1SqlException.NOT_AUTHORIZED);
      }
    }
  }

  /** PRAGMA [main.]name [= value | (value)], checked as workerd checks its arguments. */
  private static boolean isAllowedPragma(List<Token> tokens) {
    int i = 1;
    if (i + 1 < tokens.size() && tokens.get(i + 1).isOperator(".")) {
      if (!tokens.get(i).isWord("main")) {
        return false;
      }
      i += 2;
    }
    if (i >= tokens.size()) {
      return false;
    }
    String pragma = tokens.get(i).identifier().toLowerCase(Locale.ROOT);
    String argument = null;
    int next = i + 1;
    if (next < tokens.size() && (tokens.get(next).isOperator("=") || tokens.get(next).isOperator("("))) {
      StringBuilder value = new StringBuilder();
      for (int t = next + 1; t < tokens.size() && !tokens.get(t).isOperator(")"); t++) {
        value.append(literalText(tokens.get(t)));
      }
      argument = value.toString();
    }
    return isAllowedPragmaCall(pragma, argument);
  }

  private static boolean isAllowedPragmaCall(String pragma, String argument) {
    PragmaArgument kind = ALLOWED_PRAGMAS.get(pragma);
    if (kind == null) {
      return false;
    }
    switch (kind) {
      case ANY:
        return true;
      case NONE:
        return argument == null;
      case BOOLEAN:
        return argument == null || isBooleanText(argument);
      case OBJECT_NAME:
        return argument != null && !isProtectedName(argument);
      case OPTIONAL_OBJECT_NAME:
        return argument == null || !isProtectedName(argument);
      case OPTIONAL_NUMBER:
        return argument == null || argument.matches("[+-]?\\d{1,9}");
      case OPTIONAL_NUMBER_OR_OBJECT_NAME:
        return argument == null || argument.matches("\\d{1,9}") || !isProtectedName(argument);
      default:
        return false;
    }
  }

  /** workerd compares prefixes case-insensitively, after removing one level of quotes. */
  private static boolean isBooleanText(String value) {
    String v = value.toLowerCase(Locale.ROOT);
    for (String accepted : new String[] {"true", "false", "yes", "no", "on", "off", "1", "0"}) {
      if (v.startsWith(accepted)) {
        return true;
      }
    }
    return false;
  }

  private static String literalText(Token token) {
    if (token.kind() == Kind.STRING) {
      String text = token.text();
      return text.substring(1, Math.max(1, text.length() - 1)).replace("''", "'");
    }
    return token.identifier();
  }
}
