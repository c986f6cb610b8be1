package io.github.calcited1.rel;

import java.math.BigDecimal;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.calcite.avatica.util.TimeUnitRange;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexOver;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;

/**
 * Which expressions SQLite computes exactly as Calcite does. Everything else stays in Calcite. This is a whitelist:
 * an operator not named here is not pushed. The reasons are in docs/pushdown.md; in short:
 * <ul>
 *   <li>LIKE is case-insensitive for ASCII in SQLite, so a LIKE with a literal pattern runs as GLOB (see
 *       {@link #likeToGlob}); UPPER/LOWER only fold ASCII; LENGTH/SUBSTR count code points
 *       where Calcite counts UTF-16 units: none is pushed.</li>
 *   <li>Division by zero is NULL in SQLite and an error in Calcite: only division by a non-zero literal, or by a
 *       value whose dividend is NULL whenever it is zero (AVG's SUM / COUNT), is pushed.</li>
 *   <li>DECIMAL arithmetic is floating point in SQLite: {@code + - *} and SUM of DECIMAL are pushed only as exact
 *       scaled integer arithmetic ({@link D1ExactSql}), overflow detected. Casts are
 *       pushed only where SQLite's result is Calcite's (widening numbers, integers to text, a timestamp to its
 *       date); never to other date/time types (SQLite gives them NUMERIC affinity) or to shorter strings (Calcite
 *       truncates).</li>
 *   <li>TIMESTAMP values are ISO-8601 text in several spellings ({@code T} or space, optional fraction, {@code Z}
 *       or offset), so their text order and equality are not Calcite's: they are compared, sorted and grouped in
 *       D1 through their timestamp key ({@link D1ExactSql#TIMESTAMP_KEY}), one spelling. DATE values have one
 *       spelling ({@code YYYY-MM-DD}, checked on read), whose text order is date order.</li>
 * </ul>
 */
final class D1Expressions {
  private D1Expressions() {}

  /** The comparisons of two values: {@code = <> < <= > >=} and {@code IS [NOT] DISTINCT FROM}. */
  static final Set<SqlKind> COMPARISONS = EnumSet.of(SqlKind.EQUALS, SqlKind.NOT_EQUALS, SqlKind.LESS_THAN,
      SqlKind.LESS_THAN_OR_EQUAL, SqlKind.GREATER_THAN, SqlKind.GREATER_THAN_OR_EQUAL, SqlKind.IS_DISTINCT_FROM,
      SqlKind.IS_NOT_DISTINCT_FROM);

  /** Whether D1 computes every expression of the list as Calcite would. */
  static boolean canPush(List<? extends RexNode> nodes) {
    return nodes.stream().allMatch(D1Expressions::canPush);
  }

  /** Whether D1 computes this expression as Calcite would. */
  static boolean canPush(RexNode node) {
    switch (node.getKind()) {
      case INPUT_REF:
        return true;
      case LITERAL:
        return isBindable(node.getType());
      case DYNAMIC_PARAM:
        return isBindable(node.getType());
      default:
        break;
    }
    if (!(node instanceof RexCall call) || node instanceof RexOver) {
      return false; // correlation variables, field accesses, sub-queries, windows
    }
    List<RexNode> operands = call.getOperands();
    switch (call.getKind()) {
      case AND:
      case OR:
      case NOT:
      case IS_NULL:
      case IS_NOT_NULL:
      case IS_TRUE:
      case IS_NOT_TRUE:
      case IS_FALSE:
      case IS_NOT_FALSE:
      case CASE:
      case COALESCE:
        return canPush(operands);
      case SEARCH:
        // x IN (...) / BETWEEN / ranges; unparsed into plain comparisons with literal bounds.
        return isOrderable(operands.get(0).getType()) && canPush(operands.get(0));
      case PLUS:
      case MINUS:
      case TIMES:
        return (isBinaryArithmetic(call) || isDecimalArithmetic(call)) && canPush(operands);
      case MINUS_PREFIX:
      case PLUS_PREFIX:
        return isBinaryArithmetic(call) && canPush(operands);
      case DIVIDE:
        return isBinaryArithmetic(call)
            && (isNonZeroLiteral(operands.get(1)) || isNullWhenZero(operands.get(0), operands.get(1)))
            && canPush(operands);
      case CAST:
        if (decimalAverage(call) != null) {
          return canPush(decimalAverage(call));
        }
        return (isExactCast(operands.get(0).getType(), call.getType())
            || call.getType().getSqlTypeName() == SqlTypeName.DATE
                && operands.get(0).getType().getSqlTypeName() == SqlTypeName.TIMESTAMP)
            && canPush(operands);
      case EXTRACT:
        return extractFormat(call) != null && canPush(operands.get(1));
      case FLOOR:
        return floorFormat(call) != null && canPush(operands.get(0));
      case LIKE:
        return likeAsGlob(call) != null && canPush(operands.get(0));
      default:
        if (COMPARISONS.contains(call.getKind())) {
          return isPlainComparison(call) || isScaledComparison(call);
        }
        if (call.getOperator() == SqlStdOperatorTable.CONCAT) {
          return operands.stream().allMatch(o -> SqlTypeUtil.inCharFamily(o.getType())) && canPush(operands);
        }
        return false;
    }
  }

  /** D1's SQLITE_LIMIT_LIKE_PATTERN_LENGTH: a LIKE or GLOB pattern of more bytes is an error. */
  static final int MAX_PATTERN_BYTES = 50;

  /**
   * What Calcite's {@code _} matches: one character (code point) other than a line terminator, since Calcite's
   * runtime translates {@code _} to a regular expression's {@code .} without DOTALL. GLOB's {@code ?} would also
   * match a line break.
   */
  static final String GLOB_ONE_CHAR = "[^\n\r\u0085\u2028\u2029]";

  /**
   * The GLOB pattern that matches exactly what this {@code LIKE} / {@code NOT LIKE} call matches (case-sensitive,
   * like Calcite's LIKE; SQLite's own LIKE ignores ASCII case), or null if there is none that D1 accepts: the
   * pattern or escape is not a literal, the escape is not one character, the pattern has an escape sequence Calcite
   * rejects (it must raise the error), the operand is CHAR (Calcite pads it), or the GLOB pattern is longer than
   * {@link #MAX_PATTERN_BYTES}.
   */
  static String likeAsGlob(RexCall call) {
    if (call.getOperator() != SqlStdOperatorTable.LIKE && call.getOperator() != SqlStdOperatorTable.NOT_LIKE) {
      return null; // ILIKE, RLIKE, SIMILAR TO
    }
    List<RexNode> operands = call.getOperands();
    if (operands.get(0).getType().getSqlTypeName() != SqlTypeName.VARCHAR
        || !(operands.get(1) instanceof RexLiteral pattern) || pattern.getValueAs(String.class) == null) {
      return null;
    }
    String escape = null;
    if (operands.size() > 2) {
      if (!(operands.get(2) instanceof RexLiteral e) || e.getValueAs(String.class) == null) {
        return null;
      }
      escape = e.getValueAs(String.class);
    }
    return likeToGlob(pattern.getValueAs(String.class), escape);
  }

  /**
   * Translates a LIKE pattern as Calcite's runtime reads it ({@code org.apache.calcite.runtime.Like}) to GLOB:
   * {@code %} to {@code *}, {@code _} to {@link #GLOB_ONE_CHAR}, an escaped character to itself, and GLOB's own
   * metacharacters {@code * ? [} to {@code [*] [?] [[]}. Null if Calcite would reject the pattern or the result is
   * longer than D1 accepts.
   *
   * @param escape the ESCAPE character, or null for none
   */
  static String likeToGlob(String pattern, String escape) {
    char esc = 0; // Calcite's runtime: no ESCAPE means the character 0 escapes
    if (escape != null) {
      if (escape.length() != 1) {
        return null;
      }
      esc = escape.charAt(0);
    }
    StringBuilder glob = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == esc) {
        if (i + 1 == pattern.length()) {
          return null;
        }
        char next = pattern.charAt(++i);
        if (next != '_' && next != '%' && next != esc) {
          return null;
        }
        appendGlobLiteral(glob, next);
      } else if (c == '%') {
        glob.append('*');
      } else if (c == '_') {
        glob.append(GLOB_ONE_CHAR);
      } else {
        appendGlobLiteral(glob, c);
      }
    }
    String result = glob.toString();
    return result.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= MAX_PATTERN_BYTES ? result : null;
  }

  private static void appendGlobLiteral(StringBuilder glob, char c) {
    if (c == '*' || c == '?' || c == '[') {
      glob.append('[').append(c).append(']');
    } else {
      glob.append(c);
    }
  }

  /**
   * Whether SQLite orders and compares values of this type as Calcite does: numbers, booleans (0/1), text, blobs
   * (by bytes) and DATE (one ISO spelling). Not TIMESTAMP/TIME (several spellings) nor ANY.
   *
   * <p>Text is a deliberate, documented exception (docs/pushdown.md, "Text order"): SQLite's BINARY collation
   * orders UTF-8 bytes, i.e. code points, while Calcite orders UTF-16 units ({@code String.compareTo}). They
   * disagree only between a supplementary character (U+10000 and up, e.g. emoji) and one in U+E000–U+FFFF:
   * SQLite sorts U+FFFD before U+1F600 (😀), Calcite after (a surrogate, U+D83D, is below U+E000).
   * Equality is the same in both. Text columns declared with another collation (NOCASE, RTRIM) are read through
   * {@code COLLATE BINARY} (see {@link D1TableScan#sqlFrom}), so that this holds for them too.
   */
  static boolean isComparable(RelDataType type) {
    SqlTypeName name = type.getSqlTypeName();
    return name == SqlTypeName.NULL || name == SqlTypeName.BOOLEAN || name == SqlTypeName.DATE
        || SqlTypeUtil.isNumeric(type) || SqlTypeUtil.inCharFamily(type) || SqlTypeUtil.isBinary(type);
  }

  /**
   * Whether D1 can compare, sort and group values of this type as Calcite does: the comparable ones, and TIMESTAMP
   * through its timestamp key ({@link D1Implementor} puts it in). Not set operations: they compare whole rows
   * as stored.
   */
  static boolean isOrderable(RelDataType type) {
    return isComparable(type) || type.getSqlTypeName() == SqlTypeName.TIMESTAMP;
  }

  /**
   * Whether this {@code + - *} is DECIMAL arithmetic D1 computes exactly on scaled integers
   * ({@link D1ExactSql#arithmetic}): each operand a column, a (non-null) literal or itself such arithmetic, of a
   * DECIMAL or integer type (BIGINT too: an integer is its own scaled integer), and the result's scale the natural
   * one (the larger for {@code + -}, the sum for {@code *}) and below 15. Exactness does not depend on the declared
   * precisions: every stored value is verified, and an overflow of 64 bits anywhere is detected where the result is
   * used (SQLState 22003). Parameters stay in Calcite (each operand is written several times in the scaled form,
   * and D1 takes at most 100 parameters; a literal is written as its scaled integer).
   */
  static boolean isDecimalArithmetic(RexCall call) {
    if (call.getType().getSqlTypeName() != SqlTypeName.DECIMAL || call.getOperands().size() != 2
        || call.getKind() != SqlKind.PLUS && call.getKind() != SqlKind.MINUS && call.getKind() != SqlKind.TIMES) {
      return false;
    }
    int scale = call.getType().getScale();
    for (RexNode operand : call.getOperands()) {
      RelDataType type = operand.getType();
      boolean shape = type.getSqlTypeName() == SqlTypeName.DECIMAL || SqlTypeUtil.isIntType(type);
      boolean leaf = operand instanceof RexInputRef || operand instanceof RexLiteral literal && !literal.isNull();
      boolean nested = operand instanceof RexCall inner
          && (isDecimalArithmetic(inner) || D1ExactSql.isArithmetic(inner.getOperator()));
      if (!shape || !(leaf || nested) || scaleOf(type) > scale) {
        return false;
      }
    }
    int left = scaleOf(call.getOperands().get(0).getType());
    int right = scaleOf(call.getOperands().get(1).getType());
    return scale < D1ExactSql.MAX_PRECISION
        && scale == (call.getKind() == SqlKind.TIMES ? left + right : Math.max(left, right));
  }

  /**
   * The parts {@code [sum, n]} of Calcite's AVG of a DECIMAL(p,s) as {@link D1ExactSql#average} computes it, or null:
   * {@code CAST(d / n AS DECIMAL(p,s))}, d being {@code CAST(sum AS DECIMAL(p,s))} and NULL whenever n is 0 (the
   * guard {@code CASE WHEN n = 0 THEN NULL ELSE ... END} inside or outside that cast), sum an integer or a DECIMAL
   * of scale s, n an integer, p at most 15: then SQLite's truncating division of the scaled sum by n is Calcite's
   * answer (docs/pushdown.md, "AVG of a DECIMAL"). This is how {@code AggregateReduceFunctionsRule} writes AVG.
   */
  static List<RexNode> decimalAverage(RexCall call) {
    RelDataType type = call.getType();
    if (call.getKind() != SqlKind.CAST || type.getSqlTypeName() != SqlTypeName.DECIMAL
        || type.getPrecision() > D1ExactSql.MAX_PRECISION || call.getOperands().get(0).getKind() != SqlKind.DIVIDE) {
      return null;
    }
    List<RexNode> division = ((RexCall) call.getOperands().get(0)).getOperands();
    RexNode dividend = division.get(0);
    RexNode count = division.get(1);
    if (!SqlTypeUtil.isIntType(count.getType())) {
      return null;
    }
    boolean guarded = isNullWhenZero(dividend, count);
    if (guarded) {
      dividend = ((RexCall) dividend).getOperands().get(2);
    }
    if (dividend.getKind() != SqlKind.CAST || !SqlTypeUtil.equalSansNullability(dividend.getType(), type)) {
      return null;
    }
    RexNode sum = ((RexCall) dividend).getOperands().get(0);
    if (!guarded && isNullWhenZero(sum, count)) {
      guarded = true;
      sum = ((RexCall) sum).getOperands().get(2);
    }
    RelDataType sumType = sum.getType();
    boolean exactNumber = sumType.getSqlTypeName() == SqlTypeName.DECIMAL || SqlTypeUtil.isIntType(sumType);
    return guarded && exactNumber && scaleOf(sumType) == type.getScale() ? List.of(sum, count) : null;
  }

  /** A comparison of orderable values, each pushed as it is. */
  private static boolean isPlainComparison(RexCall call) {
    return call.getOperands().stream().allMatch(o -> isOrderable(o.getType())) && canPush(call.getOperands());
  }

  /**
   * Whether this comparison ({@code = <> < <= > >=}) of a DECIMAL is pushed on scaled integers
   * ({@link D1ExactSql#compare}): both operands are integers or DECIMALs D1 computes exactly as scaled integers
   * ({@link #isScaled}), and one is computed (arithmetic, a cast such as {@code CAST(int AS DECIMAL(19,1))} in
   * {@code ps_availqty > 0.5 * SUM(q)}, an AVG) or the comparison cannot be pushed as it is. A column against a
   * column or constant is compared as stored ({@link #isPlainComparison}), which an index can serve.
   */
  static boolean isScaledComparison(RexCall call) {
    switch (call.getKind()) {
      case EQUALS:
      case NOT_EQUALS:
      case LESS_THAN:
      case LESS_THAN_OR_EQUAL:
      case GREATER_THAN:
      case GREATER_THAN_OR_EQUAL:
        break;
      default:
        return false; // IS [NOT] DISTINCT FROM: NULL is a value there
    }
    List<RexNode> operands = call.getOperands();
    return operands.size() == 2 && operands.stream().anyMatch(o -> o.getType().getSqlTypeName() == SqlTypeName.DECIMAL)
        && operands.stream().allMatch(D1Expressions::isScaled)
        && (operands.stream().anyMatch(o -> o instanceof RexCall) || !isPlainComparison(call));
  }

  /**
   * Whether D1 computes this integer or DECIMAL value exactly as a scaled integer of its type's scale (below 15): a
   * column, a non-null literal, a pushed integer expression, DECIMAL {@code + - *} ({@link #isDecimalArithmetic}),
   * a DECIMAL AVG ({@link #decimalAverage}), or a cast to DECIMAL of such a value ({@link D1ExactSql#decimalCast}:
   * Calcite's error past the precision is an error in D1 too, digits past the scale are cut off as in Calcite).
   */
  static boolean isScaled(RexNode node) {
    RelDataType type = node.getType();
    boolean decimal = type.getSqlTypeName() == SqlTypeName.DECIMAL;
    if (!decimal && !SqlTypeUtil.isIntType(type) || scaleOf(type) >= D1ExactSql.MAX_PRECISION) {
      return false;
    }
    if (node instanceof RexInputRef || node instanceof RexLiteral literal && !literal.isNull()) {
      return true;
    }
    if (!(node instanceof RexCall call)) {
      return false;
    }
    if (!decimal) {
      return canPush(call);
    }
    if (isDecimalArithmetic(call) || decimalAverage(call) != null) {
      return canPush(call);
    }
    return call.getKind() == SqlKind.CAST && isScaled(call.getOperands().get(0));
  }

  /** The scale of a DECIMAL or integer type. */
  static int scaleOf(RelDataType type) {
    return type.getSqlTypeName() == SqlTypeName.DECIMAL ? type.getScale() : 0;
  }

  /** The strftime format of {@code EXTRACT(YEAR | MONTH | DAY FROM date or timestamp)}, or null. */
  static String extractFormat(RexCall call) {
    if (call.getOperands().size() != 2 || !isDateOrTimestamp(call.getOperands().get(1).getType())) {
      return null;
    }
    TimeUnitRange unit = timeUnit(call.getOperands().get(0));
    if (unit == null) {
      return null;
    }
    switch (unit) {
      case YEAR:
        return "%Y";
      case MONTH:
        return "%m";
      case DAY:
        return "%d";
      default:
        return null;
    }
  }

  /** The strftime format of {@code FLOOR(date or timestamp TO DAY | MONTH | YEAR)}, or null. */
  static String floorFormat(RexCall call) {
    if (call.getOperands().size() != 2 || !isDateOrTimestamp(call.getOperands().get(0).getType())) {
      return null;
    }
    TimeUnitRange unit = timeUnit(call.getOperands().get(1));
    String date;
    if (unit == TimeUnitRange.DAY) {
      date = "%Y-%m-%d";
    } else if (unit == TimeUnitRange.MONTH) {
      date = "%Y-%m-01";
    } else if (unit == TimeUnitRange.YEAR) {
      date = "%Y-01-01";
    } else {
      return null;
    }
    return call.getType().getSqlTypeName() == SqlTypeName.DATE ? date : date + " 00:00:00.000";
  }

  private static boolean isDateOrTimestamp(RelDataType type) {
    return type.getSqlTypeName() == SqlTypeName.DATE || type.getSqlTypeName() == SqlTypeName.TIMESTAMP;
  }

  private static TimeUnitRange timeUnit(RexNode node) {
    return node instanceof RexLiteral literal && literal.getValue() instanceof TimeUnitRange unit ? unit : null;
  }

  /** Whether a literal or parameter of this type can be bound as a D1 parameter. */
  private static boolean isBindable(RelDataType type) {
    SqlTypeName name = type.getSqlTypeName();
    return name == SqlTypeName.TIMESTAMP || isComparable(type);
  }

  /**
   * Integer arithmetic on integers, or floating point arithmetic (where a DECIMAL operand, such as the literal in
   * {@code price - 1.5}, becomes a double in both systems). Not DECIMAL arithmetic: SQLite's is floating point.
   * A DOUBLE column of NUMERIC affinity holds whole numbers as SQLite INTEGERs, which SQLite would divide as
   * integers ({@code 5 / 2} is 2): the generator makes every floating point {@code + - * /} floating point in
   * SQLite too ({@link D1Implementor#FLOATING_POINT}).
   */
  private static boolean isBinaryArithmetic(RexCall call) {
    if (SqlTypeUtil.isIntType(call.getType())) {
      return call.getOperands().stream().allMatch(o -> SqlTypeUtil.isIntType(o.getType()));
    }
    return SqlTypeUtil.isApproximateNumeric(call.getType())
        && call.getOperands().stream().allMatch(o -> SqlTypeUtil.isNumeric(o.getType()));
  }

  private static boolean isNonZeroLiteral(RexNode node) {
    Integer sign = literalSign(node);
    return sign != null && sign != 0;
  }

  /** The sign (-1, 0 or 1) of a numeric literal, or null if the node is no such literal. */
  private static Integer literalSign(RexNode node) {
    if (!(node instanceof RexLiteral literal)) {
      return null;
    }
    BigDecimal value = literal.getValueAs(BigDecimal.class);
    return value == null ? null : value.signum();
  }

  /**
   * Whether {@code dividend} is {@code CASE WHEN divisor = 0 THEN NULL ELSE x END}: then no division by zero ever
   * happens (NULL / 0 is NULL in SQLite and in Calcite). AVG arrives in this form, as
   * {@code CASE WHEN COUNT(x) = 0 THEN NULL ELSE SUM(x) END / COUNT(x)}.
   */
  static boolean isNullWhenZero(RexNode dividend, RexNode divisor) {
    if (dividend.getKind() != SqlKind.CASE || ((RexCall) dividend).getOperands().size() != 3) {
      return false;
    }
    List<RexNode> branches = ((RexCall) dividend).getOperands();
    if (branches.get(0).getKind() != SqlKind.EQUALS || !RexUtil.isNullLiteral(branches.get(1), true)) {
      return false;
    }
    List<RexNode> test = ((RexCall) branches.get(0)).getOperands();
    return test.get(0).equals(divisor) && Integer.valueOf(0).equals(literalSign(test.get(1)))
        || test.get(1).equals(divisor) && Integer.valueOf(0).equals(literalSign(test.get(0)));
  }

  /** Whether {@code CAST(x AS target)} in SQLite yields the value Calcite's cast yields, for every x. */
  private static boolean isExactCast(RelDataType source, RelDataType target) {
    SqlTypeName s = source.getSqlTypeName();
    SqlTypeName t = target.getSqlTypeName();
    if (t.getFamily() == SqlTypeFamily.CHARACTER) {
      // Calcite pads CHAR and truncates to the length; SQLite does neither. Integers print alike.
      // A D1 text column has no precision (SQLite enforces no length): CAST(name AS VARCHAR(3)) must truncate.
      boolean noShorter = target.getPrecision() == RelDataType.PRECISION_NOT_SPECIFIED
          || (SqlTypeUtil.inCharFamily(source) && source.getPrecision() != RelDataType.PRECISION_NOT_SPECIFIED
              && target.getPrecision() >= source.getPrecision());
      return t == SqlTypeName.VARCHAR && noShorter
          && (SqlTypeUtil.inCharFamily(source) || SqlTypeUtil.isIntType(source));
    }
    if (SqlTypeUtil.isIntType(target)) {
      return SqlTypeUtil.isIntType(source) && rank(t) >= rank(s);
    }
    if (t == SqlTypeName.DOUBLE || t == SqlTypeName.FLOAT) {
      return SqlTypeUtil.isNumeric(source);
    }
    if (t == SqlTypeName.DECIMAL) {
      if (SqlTypeUtil.isIntType(source)) {
        return target.getPrecision() - target.getScale() >= digits(s);
      }
      return s == SqlTypeName.DECIMAL && target.getScale() >= source.getScale()
          && target.getPrecision() - target.getScale() >= source.getPrecision() - source.getScale();
    }
    return s == t && (SqlTypeUtil.isBinary(source) || s == SqlTypeName.BOOLEAN)
        && target.getPrecision() == source.getPrecision();
  }

  private static int rank(SqlTypeName intType) {
    switch (intType) {
      case TINYINT:
        return 1;
      case SMALLINT:
        return 2;
      case INTEGER:
        return 3;
      default:
        return 4;
    }
  }

  private static int digits(SqlTypeName intType) {
    switch (intType) {
      case TINYINT:
        return 3;
      case SMALLINT:
        return 5;
      case INTEGER:
        return 10;
      default:
        return 19;
    }
  }
}
