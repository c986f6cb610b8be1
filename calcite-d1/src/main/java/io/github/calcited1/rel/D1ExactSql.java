package io.github.calcited1.rel;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.function.Consumer;
import org.apache.calcite.sql.SqlAggFunction;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.util.Optionality;

/**
 * The SQLite forms of TIMESTAMP and DECIMAL values that make them compare, sort, group and add up in D1 exactly as
 * in Calcite (docs/pushdown.md, "Dates and timestamps" and "Exact decimals"). Each is an operator whose
 * {@code unparse} writes the SQLite expression; {@link D1Implementor} puts them into the rels it turns into SQL.
 *
 * <ul>
 *   <li><b>Timestamp key</b>: {@code strftime('%Y-%m-%d %H:%M:%f', x)}, the one spelling
 *       {@code YYYY-MM-DD HH:MM:SS.SSS} (UTC) of the instant Calcite reads from any ISO-8601 spelling ({@code T} or
 *       space, fraction, {@code Z}, offset). Its text order is time order. Digits of a fraction past the
 *       millisecond are cut off first, since Calcite truncates them and strftime would round.</li>
 *   <li><b>Scaled decimal</b>: a DECIMAL(p,s) value as the exact integer {@code x * 10^s}, verified: an INTEGER
 *       below {@link #EXACT_LIMIT} (scaled), or a REAL that is the double nearest to such a decimal. Anything else
 *       (text, a blob, a REAL with more decimals, a value past the limit) raises SQLite's "integer overflow"
 *       ({@link #fail}), which the runtime reports as SQLState 22003.</li>
 *   <li><b>Unscaled decimal</b>: a scaled integer back as the number D1 stores for a DECIMAL: {@code k / 10^s}, the
 *       double nearest to the exact decimal, whose text (15 significant digits) is the decimal itself while
 *       {@code |k| < 10^15}; past that it raises the same error.</li>
 * </ul>
 */
final class D1ExactSql {
  private D1ExactSql() {}

  /** Scaled decimals must stay below this: 15 significant digits, which a double and its text carry exactly. */
  static final long EXACT_LIMIT = 1_000_000_000_000_000L;
  /** The largest DECIMAL precision pushed: every value of the declared shape is then below the limit. */
  static final int MAX_PRECISION = 15;
  /** SQLite's format of a timestamp key. */
  static final String TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%f";

  /**
   * The timestamp key: the same TIMESTAMP, spelled so that text order is time order. The commonest spelling,
   * SQLite's own {@code YYYY-MM-DD HH:MM:SS}, takes a short cut ({@code x || '.000'}, three times faster than
   * strftime).
   */
  static final SqlFunction TIMESTAMP_KEY = new Strftime("D1_TIMESTAMP_KEY", TIMESTAMP_FORMAT, false) {
    @Override public void unparse(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
      SqlNode x = call.operand(0);
      writer.keyword("CASE WHEN");
      SqlWriter.Frame length = writer.startFunCall("length");
      x.unparse(writer, 0, 0);
      writer.endFunCall(length);
      writer.print(" = 19 ");
      writer.keyword("AND");
      substr(writer, x, 11, 1);
      writer.print(" = ' ' ");
      writer.keyword("THEN");
      x.unparse(writer, 0, 0);
      writer.print(" || '.000' ");
      writer.keyword("ELSE");
      super.unparse(writer, call, leftPrec, rightPrec);
      writer.keyword("END");
    }
  };

  /**
   * A necessary condition of {@code x >= y} ({@code lower}) or {@code x <= y} on a TIMESTAMP column's stored text
   * that SQLite can check with an index on the column, and cheaply without: every ISO-8601 spelling starts with
   * its local date, at most a day from its UTC date, so {@code x >= date(y, '-1 day')} and
   * {@code x < date(y, '+2 days')}. It is put beside the exact comparison of the keys, never instead of it.
   */
  static SqlFunction timestampRange(boolean lower) {
    return new SqlFunction(lower ? "D1_TIMESTAMP_FROM" : "D1_TIMESTAMP_UNTIL", SqlKind.OTHER_FUNCTION,
        ReturnTypes.BOOLEAN_NULLABLE, null, OperandTypes.ANY_ANY, SqlFunctionCategory.TIMEDATE) {
      @Override public void unparse(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
        SqlWriter.Frame frame = writer.startList("(", ")");
        call.operand(0).unparse(writer, 0, 0);
        writer.print(lower ? " >= " : " < ");
        SqlWriter.Frame date = writer.startFunCall("date");
        call.operand(1).unparse(writer, 0, 0);
        writer.print(lower ? ", '-1 day'" : ", '+2 days'");
        writer.endFunCall(date);
        writer.endList(frame);
      }
    };
  }

  /**
   * A timestamp or date formatted by strftime, e.g. {@code %Y-%m-%d} for {@code CAST(ts AS DATE)}.
   *
   * @param toInteger whether the text is then cast to INTEGER (EXTRACT)
   */
  static SqlFunction strftime(String format, boolean toInteger) {
    return new Strftime("D1_STRFTIME", format, toInteger);
  }

  /** {@code x * 10^scale} as a verified exact integer. */
  static SqlFunction scaled(int scale) {
    return new DecimalFunction("D1_SCALED_" + scale, scale) {
      @Override public void unparse(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
        writeScaled(writer, call.operand(0), scale);
      }
    };
  }

  /**
   * DECIMAL {@code + - *} of two operands, computed on their scaled integers and returned as a DECIMAL number of
   * the given scale (the operands' natural one: the larger for {@code + -}, the sum for {@code *}).
   */
  static SqlFunction arithmetic(SqlKind operation, int scale, int leftScale, int rightScale) {
    return new Arithmetic(operation, scale, leftScale, rightScale);
  }

  /** DECIMAL {@code + - *}; see {@link #arithmetic}. */
  private static final class Arithmetic extends DecimalFunction {
    private final SqlKind operation;
    private final int leftScale;
    private final int rightScale;

    Arithmetic(SqlKind operation, int scale, int leftScale, int rightScale) {
      super("D1_DECIMAL_" + operation + "_" + leftScale + "_" + rightScale, scale);
      this.operation = operation;
      this.leftScale = leftScale;
      this.rightScale = rightScale;
    }

    @Override public void unparse(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
      writeUnscaled(writer, scale, w -> writeScaledResult(w, call));
    }

    /**
     * The result as a scaled integer. A sum or difference of aligned operands (each below 10^18) cannot overflow
     * 64 bits; a product can, which SQLite turns into a REAL: then it fails.
     */
    void writeScaledResult(SqlWriter writer, SqlCall call) {
      boolean times = operation == SqlKind.TIMES;
      Consumer<SqlWriter> result = w -> {
        SqlWriter.Frame frame = w.startList("(", ")");
        writeAligned(w, call.operand(0), leftScale, times ? leftScale : scale);
        w.print(operation == SqlKind.PLUS ? " + " : operation == SqlKind.MINUS ? " - " : " * ");
        writeAligned(w, call.operand(1), rightScale, times ? rightScale : scale);
        w.endList(frame);
      };
      if (!times) {
        result.accept(writer);
        return;
      }
      writeBelow(writer, result, "1000000000000000000", result);
    }
  }

  /** SUM (or SUM0, empty is zero) of a DECIMAL of the given scale, as the sum of its scaled integers. */
  static SqlAggFunction sum(int scale, boolean emptyIsZero) {
    // Kind SUM: what the JDBC aggregate accepts; the unparse is this class's.
    return new SqlAggFunction("D1_DECIMAL_SUM_" + scale + (emptyIsZero ? "_0" : ""), null, SqlKind.SUM,
        emptyIsZero ? ReturnTypes.AGG_SUM_EMPTY_IS_ZERO : ReturnTypes.AGG_SUM, null, OperandTypes.NUMERIC,
        SqlFunctionCategory.NUMERIC, false, false, Optionality.FORBIDDEN) {
      @Override public void unparse(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
        SqlWriter.Frame coalesce = emptyIsZero ? writer.startFunCall("COALESCE") : null;
        writeUnscaled(writer, scale, w -> {
          SqlWriter.Frame sum = w.startFunCall("SUM");
          if (call.getFunctionQuantifier() != null) {
            w.keyword("DISTINCT"); // distinct scaled integers are the distinct decimals
          }
          writeScaled(w, call.operand(0), scale);
          w.endFunCall(sum);
        });
        if (coalesce != null) {
          writer.print(", ");
          writer.print(" 0 ");
          writer.endFunCall(coalesce);
        }
      }
    };
  }

  /**
   * The exact text of a DECIMAL value of the given scale, for reading it: a REAL that is the double nearest to a
   * decimal of that scale (below the limit) is printed from its scaled integer ({@code -12.30}), since SQLite's
   * {@code CAST(x AS TEXT)} may print 17 digits ({@code 9999999999999.99} as {@code 9999999999999.9902}); anything
   * else is {@code CAST(x AS TEXT)}, which the reader checks against the type as before.
   */
  static SqlFunction decimalText(int scale) {
    return new DecimalFunction("D1_DECIMAL_TEXT_" + scale, scale) {
      @Override public void unparse(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
        SqlNode x = call.operand(0);
        long factor = BigDecimal.ONE.scaleByPowerOfTen(scale).longValueExact();
        writer.keyword("CASE WHEN");
        isNearestReal(writer, x, factor);
        writer.keyword("THEN");
        if (scale == 0) {
          roundedTimes(writer, x, factor);
        } else {
          writer.keyword("CASE WHEN");
          roundedTimes(writer, x, factor);
          writer.print(" < 0 ");
          writer.keyword("THEN");
          writer.literal("'-'");
          writer.keyword("ELSE");
          writer.literal("''");
          writer.keyword("END ||");
          SqlWriter.Frame whole = writer.startList("(", ")");
          absRounded(writer, x, factor);
          writer.print(" / " + factor + " ");
          writer.endList(whole);
          writer.print(" || '.' || ");
          SqlWriter.Frame fraction = writer.startFunCall("substr");
          writer.literal("'" + "0".repeat(scale) + "'");
          writer.print(" || ");
          SqlWriter.Frame digits = writer.startList("(", ")");
          absRounded(writer, x, factor);
          writer.print(" % " + factor + " ");
          writer.endList(digits);
          writer.print(", " + (-scale));
          writer.endFunCall(fraction);
        }
        writer.keyword("ELSE");
        SqlWriter.Frame cast = writer.startFunCall("CAST");
        x.unparse(writer, 0, 0);
        writer.keyword("AS TEXT");
        writer.endFunCall(cast);
        writer.keyword("END");
      }
    };
  }

  private static void absRounded(SqlWriter writer, SqlNode x, long factor) {
    SqlWriter.Frame abs = writer.startFunCall("abs");
    roundedTimes(writer, x, factor);
    writer.endFunCall(abs);
  }

  /** Whether the operator computes on scaled integers, whose numeric literal operands are written scaled. */
  static boolean isDecimalFunction(Object operator) {
    return operator instanceof DecimalFunction;
  }

  /** A scalar DECIMAL function whose result type is its call's (set by whoever builds the call). */
  private abstract static class DecimalFunction extends SqlFunction {
    final int scale;

    DecimalFunction(String name, int scale) {
      super(name, SqlKind.OTHER_FUNCTION, ReturnTypes.ARG0, null, OperandTypes.ANY, SqlFunctionCategory.NUMERIC);
      this.scale = scale;
    }
  }

  /** A strftime of a timestamp or date operand; see {@link #TIMESTAMP_KEY}. */
  private static class Strftime extends SqlFunction {
    private final String format;
    private final boolean toInteger;

    Strftime(String name, String format, boolean toInteger) {
      super(name, SqlKind.OTHER_FUNCTION, ReturnTypes.ARG0, null, OperandTypes.ANY, SqlFunctionCategory.TIMEDATE);
      this.format = format;
      this.toInteger = toInteger;
    }

    @Override public void unparse(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
      SqlWriter.Frame cast = toInteger ? writer.startFunCall("CAST") : null;
      SqlWriter.Frame frame = writer.startFunCall("strftime");
      writer.literal("'" + format + "'");
      writer.print(", ");
      writeMillisecondsAtMost(writer, call.operand(0));
      writer.endFunCall(frame);
      if (cast != null) {
        writer.keyword("AS INTEGER");
        writer.endFunCall(cast);
      }
    }
  }

  /**
   * {@code x} with the digits of its fraction past the third cut off (strftime rounds to the millisecond, Calcite
   * truncates): {@code CASE WHEN substr(x, 20, 5) GLOB '.[0-9][0-9][0-9][0-9]' THEN substr(x, 1, 23) ||
   * ltrim(substr(x, 24), '0123456789') ELSE x END}, which keeps a {@code Z} or offset after the fraction.
   */
  private static void writeMillisecondsAtMost(SqlWriter writer, SqlNode x) {
    writer.keyword("CASE WHEN");
    substr(writer, x, 20, 5);
    writer.keyword("GLOB");
    writer.literal("'.[0-9][0-9][0-9][0-9]'");
    writer.keyword("THEN");
    substr(writer, x, 1, 23);
    writer.keyword("||");
    SqlWriter.Frame ltrim = writer.startFunCall("ltrim");
    substr(writer, x, 24, -1);
    writer.print(", ");
    writer.literal("'0123456789'");
    writer.endFunCall(ltrim);
    writer.keyword("ELSE");
    x.unparse(writer, 0, 0);
    writer.keyword("END");
  }

  private static void substr(SqlWriter writer, SqlNode x, int start, int length) {
    SqlWriter.Frame frame = writer.startFunCall("substr");
    x.unparse(writer, 0, 0);
    writer.print(", ");
    writer.print(Integer.toString(start));
    if (length >= 0) {
      writer.print(", ");
      writer.print(Integer.toString(length));
    }
    writer.endFunCall(frame);
  }

  /**
   * The scaled integer of a DECIMAL (or integer) value of the given scale:
   * <pre>
   * CASE WHEN typeof(x) = 'integer' AND abs(x) &lt; L THEN x * F
   *      WHEN typeof(x) = 'real' AND abs(x) &lt; L AND CAST(round(x * F) AS INTEGER) / F.0 = x
   *        THEN CAST(round(x * F) AS INTEGER)
   *      ELSE (fail: NULL for NULL) END
   * </pre>
   * with {@code F = 10^scale} and {@code L = 10^15 / F}. For a REAL below L, {@code x * F} is within a quarter of
   * the integer it stands for, so round finds it, and the division gives back x exactly when x is the double
   * nearest to that decimal: what D1 reads as the decimal (the text of a double carries 15 digits exactly).
   */
  private static void writeScaled(SqlWriter writer, SqlNode x, int scale) {
    if (x instanceof SqlNumericLiteral literal) {
      // A constant is scaled here, exactly; D1ParameterBinder leaves the literals of these operators in place.
      writer.print(" " + literal.getValueAs(BigDecimal.class).setScale(scale, RoundingMode.UNNECESSARY)
          .unscaledValue() + " ");
      return;
    }
    if (x instanceof SqlCall call && call.getOperator() instanceof Arithmetic arithmetic
        && arithmetic.scale == scale) {
      arithmetic.writeScaledResult(writer, call); // already an exact scaled integer
      return;
    }
    long factor = BigDecimal.ONE.scaleByPowerOfTen(scale).longValueExact();
    String limit = Long.toString(EXACT_LIMIT / factor);
    writer.keyword("CASE WHEN");
    typeIs(writer, x, "integer");
    writer.keyword("AND");
    absBelow(writer, x, limit);
    writer.keyword("THEN");
    times(writer, x, factor);
    writer.keyword("WHEN");
    isNearestReal(writer, x, factor);
    writer.keyword("THEN");
    roundedTimes(writer, x, factor);
    writer.keyword("ELSE");
    fail(writer, w -> x.unparse(w, 0, 0));
    writer.keyword("END");
  }

  /**
   * {@code typeof(x) = 'real' AND abs(x) < L AND CAST(round(x * F) AS INTEGER) / F.0 = x}: x is the double nearest
   * to a decimal of scale s below the limit.
   */
  private static void isNearestReal(SqlWriter writer, SqlNode x, long factor) {
    typeIs(writer, x, "real");
    writer.keyword("AND");
    absBelow(writer, x, Long.toString(EXACT_LIMIT / factor));
    writer.keyword("AND");
    roundedTimes(writer, x, factor);
    writer.print(" / " + factor + ".0 = ");
    x.unparse(writer, 0, 0);
  }

  /** A scaled integer of one scale at a larger one: {@code k * 10^(to - from)}. */
  private static void writeAligned(SqlWriter writer, SqlNode x, int from, int to) {
    SqlWriter.Frame frame = writer.startList("(", ")");
    writeScaled(writer, x, from);
    writer.endList(frame);
    if (to > from) {
      writer.print(" * ");
      writer.print(" " + BigDecimal.ONE.scaleByPowerOfTen(to - from).toPlainString() + " ");
    }
  }

  /** A scaled integer k (written by {@code k}) back as a DECIMAL number; see the class comment. */
  private static void writeUnscaled(SqlWriter writer, int scale, Consumer<SqlWriter> k) {
    if (scale == 0) {
      k.accept(writer); // an INTEGER, exact to 64 bits: SUM fails on overflow, products are checked
      return;
    }
    // SQLite computes an aggregate that appears several times in a statement once.
    String divisor = BigDecimal.ONE.scaleByPowerOfTen(scale).toPlainString() + ".0";
    writeBelow(writer, k, Long.toString(EXACT_LIMIT), w -> {
      k.accept(w);
      w.print(" / " + divisor + " ");
    });
  }

  /** {@code CASE WHEN abs(k) < limit THEN value ELSE (fail) END}. */
  private static void writeBelow(SqlWriter writer, Consumer<SqlWriter> k, String limit,
      Consumer<SqlWriter> value) {
    writer.keyword("CASE WHEN");
    SqlWriter.Frame abs = writer.startFunCall("abs");
    k.accept(writer);
    writer.endFunCall(abs);
    writer.print(" < " + limit + " ");
    writer.keyword("THEN");
    value.accept(writer);
    writer.keyword("ELSE");
    fail(writer, k);
    writer.keyword("END");
  }

  /**
   * Raises SQLite's "integer overflow" (the absolute value of -2^63), or is NULL if {@code x} is NULL:
   * {@code abs(-9223372036854775807 - 1 + 0 * CAST(x AS INTEGER))}. Depending on x, it is not evaluated up front
   * as a constant.
   */
  private static void fail(SqlWriter writer, Consumer<SqlWriter> x) {
    SqlWriter.Frame abs = writer.startFunCall("abs");
    writer.print(" -9223372036854775807 - 1 + 0 * ");
    SqlWriter.Frame cast = writer.startFunCall("CAST");
    x.accept(writer);
    writer.keyword("AS INTEGER");
    writer.endFunCall(cast);
    writer.endFunCall(abs);
  }

  /** {@code typeof(x) = 'type'}. */
  private static void typeIs(SqlWriter writer, SqlNode x, String type) {
    applyThen(writer, "typeof", x, " = '" + type + "' ");
  }

  /** {@code abs(x) < limit}. */
  private static void absBelow(SqlWriter writer, SqlNode x, String limit) {
    applyThen(writer, "abs", x, " < " + limit + " ");
  }

  private static void applyThen(SqlWriter writer, String function, SqlNode x, String rest) {
    SqlWriter.Frame frame = writer.startFunCall(function);
    x.unparse(writer, 0, 0);
    writer.endFunCall(frame);
    writer.print(rest);
  }

  private static void times(SqlWriter writer, SqlNode x, long factor) {
    SqlWriter.Frame frame = writer.startList("(", ")");
    x.unparse(writer, 0, 0);
    if (factor != 1) {
      writer.print(" * ");
      writer.print(" " + Long.toString(factor) + " ");
    }
    writer.endList(frame);
  }

  /** {@code CAST(round(x * F) AS INTEGER)}. */
  private static void roundedTimes(SqlWriter writer, SqlNode x, long factor) {
    SqlWriter.Frame cast = writer.startFunCall("CAST");
    SqlWriter.Frame round = writer.startFunCall("round");
    times(writer, x, factor);
    writer.endFunCall(round);
    writer.keyword("AS INTEGER");
    writer.endFunCall(cast);
  }
}
