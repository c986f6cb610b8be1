package io.github.calcited1.ddl;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.sql.SqlDdl;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * A DDL statement in SQLite's own syntax, kept as written and sent to D1 as it is ({@link D1DdlExecutor}): the forms
 * Calcite's DDL grammar does not have ({@code CREATE [UNIQUE] INDEX}, {@code DROP INDEX}, {@code ALTER TABLE},
 * {@code CREATE/DROP TRIGGER}, {@code CREATE VIRTUAL TABLE}) and {@code CREATE TABLE}/{@code CREATE VIEW} written with
 * SQLite's column constraints ({@code INTEGER PRIMARY KEY}, {@code REFERENCES}, ...).
 *
 * <p>The object name may be qualified by the name of a D1 schema of the connection ({@code ALTER TABLE shop.orders
 * ...}): that names the database, and the qualifier is removed before sending (D1 knows only {@code main}). Without
 * one the statement goes to the connection's default schema.
 */
public final class D1NativeDdl extends SqlDdl {
  /**
   * Blanks and comments before a statement's first word; one character or comment per step, possessive, so that a
   * long indentation that is not followed by the expected word fails at once (with {@code \s+} inside the repeated
   * group, 10,000 blanks before SELECT took 25 s; every query passes through here).
   */
  static final String LEADING = "(?:\\s|--[^\\n]*+(?:\\n|$)|/\\*.*?\\*/)*+";

  /** SQLite's DDL forms, then an optional schema qualifier of the object name. */
  private static final Pattern FORM = Pattern.compile("(?is)^(?<lead>" + LEADING
      + "(?:CREATE\\s+(?:UNIQUE\\s+)?INDEX|CREATE\\s+TRIGGER|CREATE\\s+VIRTUAL\\s+TABLE|CREATE\\s+TABLE"
      + "|CREATE\\s+VIEW|DROP\\s+(?:INDEX|TRIGGER|TABLE|VIEW)|ALTER\\s+TABLE)"
      + "\\s+(?:IF\\s+(?:NOT\\s+)?EXISTS\\s+)?)"
      + "(?:(?<schema>\"(?:[^\"]|\"\")+\"|`[^`]+`|\\[[^\\]]+]|[A-Za-z_][A-Za-z0-9_$]*)\\s*\\.\\s*)?"
      + "(?<rest>.*)$");

  private final String sql;

  D1NativeDdl(SqlParserPos pos, String sql) {
    super(DDL_OPERATOR, pos);
    this.sql = sql;
  }

  /** Whether {@code sql} is one of the SQLite DDL forms sent as written. */
  static boolean isNative(String sql) {
    return FORM.matcher(sql).matches();
  }

  /** The statement as written. */
  public String sql() {
    return sql;
  }

  /** The schema qualifier of the object name, unquoted, or null. */
  String qualifier() {
    Matcher m = matcher();
    String q = m.group("schema");
    if (q == null) {
      return null;
    }
    char first = q.charAt(0);
    if (first == '"') {
      return q.substring(1, q.length() - 1).replace("\"\"", "\"");
    }
    return first == '`' || first == '[' ? q.substring(1, q.length() - 1) : q;
  }

  /** The statement without the schema qualifier of its object name. */
  String withoutQualifier() {
    Matcher m = matcher();
    return m.group("lead") + m.group("rest");
  }

  private Matcher matcher() {
    Matcher m = FORM.matcher(sql);
    if (!m.matches()) {
      throw new IllegalStateException("not a native DDL statement: " + sql);
    }
    return m;
  }

  @Override public List<SqlNode> getOperandList() {
    return List.of();
  }

  @Override public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    writer.print(sql);
  }
}
