package io.github.calcited1.rel;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.calcite.sql.SqlAggFunction;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.util.SqlBasicVisitor;
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
 *   <li><b>Scaled decimal</b>: a DECIMAL(p,s) or integer value as the exact integer {@code x * 10^s}, verified:
 *       an INTEGER, or a REAL below {@link #EXACT_LIMIT} (scaled) that is the double nearest to such a decimal.
 *       Anything else (text, a blob, a REAL with more decimals or past the limit) raises SQLite's "integer
 *       overflow" ({@link #fail}), which the runtime reports as SQLState 22003.</li>
 *   <li><b>Scaled arithmetic</b>: {@code + - *} (nested to any depth) and SUM on scaled integers, unchecked on the
 *       way: SQLite turns an integer {@code + - *} that overflows 64 bits into a REAL, and a REAL stays REAL
 *       through every later {@code + - *} and SUM (an integer SUM that overflows raises "integer overflow"). So
 *       the result is exact if and only if it is still an INTEGER, which is checked once, where the value is
 *       used ({@link #writeChecked}).</li>
 *   <li><b>Unscaled decimal</b>: a scaled integer back as the number D1 stores for a DECIMAL: {@code k / 10^s}, the
 *       double nearest to the exact decimal, whose text (15 significant digits) is the decimal itself while
 *       {@code |k| < 10^15}; past that it raises the same error. This is what comparisons, sorts and sub-queries
 *       inside the statement use.</li>
 *   <li><b>Scaled output</b>: a DECIMAL result column of the statement ({@link #scaledOutput}) is returned as its
 *       checked scaled integer and printed as exact text by the outer query ({@link #scaledText}), so its limit
 *       is 64 bits (18 digits), not 15.</li>
 * </ul>
 */
final class D1ExactSql {
  private D1ExactSql() {}

  /** Scaled decimals must stay below this: 15 significant digits, which a double and its text carry exactly. */
  static final long EXACT_LIMIT = 1_000_000_000_000_000L;
  /**
   * Scales of DECIMAL results pushed stay below this; a stored DECIMAL column is summed in D1 only if declared with
   * at most this many digits (every value of that shape is then below the limit, and Calcite's exact sum of wider
   * stored values is not turned into an error).
   */
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
   * {@code x < date(y, '+2 days')}. It is put in front of the exact comparison of the keys, never instead of it.
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

  /**
   * DECIMAL {@code + - *} of two operands, computed on their scaled integers and returned as a DECIMAL number of
   * the given scale (the operands' natural one: the larger for {@code + -}, the sum for {@code *}).
   */
  static SqlFunction arithmetic(SqlKind operation, int scale, int leftScale, int rightScale) {
    return new Arithmetic(operation, scale, leftScale, rightScale);
  }

  /** DECIMAL {@code + - *}; see {@link #arithmetic}. */
  private static final class Arithmetic extends DecimalFunction implements ScaledForm {
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

    @Override public int scale() {
      return scale;
    }

    /**
     * The result as a scaled integer, unchecked: an overflow anywhere in it (aligning, adding, multiplying) makes
     * it a REAL, which whoever uses it checks ({@link #writeChecked}).
     */
    @Override public void writeScaledResult(SqlWriter writer, SqlCall call) {
      boolean times = operation == SqlKind.TIMES;
      SqlWriter.Frame frame = writer.startList("(", ")");
      writeAligned(writer, call.operand(0), leftScale, times ? leftScale : scale);
      writer.print(operation == SqlKind.PLUS ? " + " : operation == SqlKind.MINUS ? " - " : " * ");
      writeAligned(writer, call.operand(1), rightScale, times ? rightScale : scale);
      writer.endList(frame);
    }
  }

  /**
   * An operator whose value D1 computes as a scaled integer of a fixed scale; its operands and users can take that
   * integer directly instead of the unscaled number.
   */
  interface ScaledForm {
    int scale();

    /** The scaled integer, unchecked (an overflow made it a REAL; see {@link #writeChecked}). */
    void writeScaledResult(SqlWriter writer, SqlCall call);
  }

  /** Whether the call computes its DECIMAL value as a scaled integer of this scale ({@link ScaledForm}). */
  static boolean isScaledForm(SqlCall call, int scale) {
    return call.getOperator() instanceof ScaledForm form && form.scale() == scale;
  }

  /**
   * A DECIMAL result column, {@code call} being a {@link ScaledForm}, returned as its checked scaled integer
   * ({@code CASE WHEN typeof(k) = 'integer' THEN k ELSE (fail) END}), which the outer query prints with
   * {@link #scaledText}. Its order is the decimal's, so an ORDER BY of the column stays right.
   */
  static SqlCall scaledOutput(SqlCall call) {
    ScaledForm form = (ScaledForm) call.getOperator();
    SqlFunction output = new SqlFunction("D1_SCALED_OUTPUT", SqlKind.OTHER_FUNCTION, ReturnTypes.ARG0, null,
        OperandTypes.ANY, SqlFunctionCategory.NUMERIC) {
      @Override public void unparse(SqlWriter writer, SqlCall outer, int leftPrec, int rightPrec) {
        writeChecked(writer, w -> form.writeScaledResult(w, call));
      }
    };
    return output.createCall(call.getParserPosition(), call);
  }

  /**
   * The exact text of a scaled integer k of the given scale (a column made by {@link #scaledOutput}):
   * {@code CASE WHEN k < 0 THEN '-' ELSE '' END || (abs(k) / F) || '.' || substr('00' || (abs(k) % F), -s)}, or
   * {@code CAST(k AS TEXT)} for scale 0. NULL stays NULL.
   */
  static SqlFunction scaledText(int scale) {
    return new SqlFunction("D1_SCALED_TEXT_" + scale, SqlKind.OTHER_FUNCTION, ReturnTypes.ARG0, null,
        OperandTypes.ANY, SqlFunctionCategory.NUMERIC) {
      @Override public void unparse(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
        SqlNode k = call.operand(0);
        if (scale == 0) {
          castToText(writer, k);
          return;
        }
        writeDecimalText(writer, w -> k.unparse(w, 0, 0), w -> {
          SqlWriter.Frame abs = w.startFunCall("abs");
          k.unparse(w, 0, 0);
          w.endFunCall(abs);
        }, scale);
      }
    };
  }

  /**
   * A stored value that a DECIMAL SUM's argument uses as its verified scaled integer ({@link #writeScaled}): operand
   * {@code index} of {@code call} (the SUM, or DECIMAL arithmetic inside it), a column, at the given scale.
   */
  record ScaledUse(SqlCall call, int index, int scale) {
    SqlIdentifier column() {
      return (SqlIdentifier) call.operand(index);
    }
  }

  /**
   * The columns that the DECIMAL SUMs in {@code node} verify and scale per row: each SUM's argument and, through
   * DECIMAL arithmetic that is the argument's scaled integer (nested {@code + - *}), its operands. An operand under
   * anything else (a CASE, say) is verified where that is evaluated, so it is not listed. Sub-queries are not entered.
   */
  static List<ScaledUse> scaledColumnUses(SqlNode node) {
    List<ScaledUse> uses = new ArrayList<>();
    node.accept(new SqlBasicVisitor<Void>() {
      @Override public Void visit(SqlCall call) {
        if (call instanceof SqlSelect) {
          return null;
        }
        if (call.getOperator() instanceof DecimalSum sum) {
          addScaledColumnUses(call, 0, sum.scale, uses);
          return null;
        }
        return super.visit(call);
      }
    });
    return uses;
  }

  private static void addScaledColumnUses(SqlCall call, int index, int scale, List<ScaledUse> uses) {
    SqlNode operand = call.operand(index);
    if (operand instanceof SqlIdentifier id && !id.isStar()) {
      uses.add(new ScaledUse(call, index, scale));
    } else if (operand instanceof SqlCall inner && inner.getOperator() instanceof Arithmetic arithmetic
        && arithmetic.scale == scale) {
      addScaledColumnUses(inner, 0, arithmetic.leftScale, uses);
      addScaledColumnUses(inner, 1, arithmetic.rightScale, uses);
    }
  }

  /**
   * A value's verified scaled integer ({@link #writeScaled}) as a column of its own, computed once per row in a
   * derived table ({@link D1ScaledRows}).
   */
  static SqlFunction scaledValue(int scale) {
    return new DecimalFunction("D1_SCALED_VALUE_" + scale, scale) {
      @Override public void unparse(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
        writeScaled(writer, call.operand(0), scale);
      }
    };
  }

  /**
   * A column of such a derived table ({@link #scaledValue}): a verified scaled integer, which the SUM and arithmetic
   * above it use as it is.
   */
  static SqlFunction scaledColumn(int scale) {
    return new ScaledColumn(scale);
  }

  /** See {@link #scaledColumn}. */
  private static final class ScaledColumn extends DecimalFunction implements ScaledForm {
    ScaledColumn(int scale) {
      super("D1_SCALED_COLUMN_" + scale, scale);
    }

    @Override public int scale() {
      return scale;
    }

    @Override public void writeScaledResult(SqlWriter writer, SqlCall call) {
      call.operand(0).unparse(writer, 0, 0);
    }

    @Override public void unparse(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
      writeUnscaled(writer, scale, w -> writeScaledResult(w, call));
    }
  }

  /**
   * SUM (or SUM0, empty is zero) of a DECIMAL of the given scale, as the sum of its scaled integers. SQLite's SUM of
   * integers is an exact 64-bit sum that raises "integer overflow" past 64 bits; a REAL among its inputs (an
   * overflowed product) makes it a REAL, which {@link #writeChecked} refuses.
   */
  static SqlAggFunction sum(int scale, boolean emptyIsZero) {
    return new DecimalSum(scale, emptyIsZero);
  }

  /** See {@link #sum}. */
  private static final class DecimalSum extends SqlAggFunction implements ScaledForm {
    private final int scale;
    private final boolean emptyIsZero;

    DecimalSum(int scale, boolean emptyIsZero) {
      // Kind SUM: what the JDBC aggregate accepts; the unparse is this class's.
      super("D1_DECIMAL_SUM_" + scale + (emptyIsZero ? "_0" : ""), null, SqlKind.SUM,
          emptyIsZero ? ReturnTypes.AGG_SUM_EMPTY_IS_ZERO : ReturnTypes.AGG_SUM, null, OperandTypes.NUMERIC,
          SqlFunctionCategory.NUMERIC, false, false, Optionality.FORBIDDEN);
      this.scale = scale;
      this.emptyIsZero = emptyIsZero;
    }

    @Override public int scale() {
      return scale;
    }

    @Override public void unparse(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
      SqlWriter.Frame coalesce = emptyIsZero ? writer.startFunCall("COALESCE") : null;
      writeUnscaled(writer, scale, w -> writeSum(w, call));
      if (coalesce != null) {
        writer.print(", 0 ");
        writer.endFunCall(coalesce);
      }
    }

    @Override public void writeScaledResult(SqlWriter writer, SqlCall call) {
      SqlWriter.Frame coalesce = emptyIsZero ? writer.startFunCall("COALESCE") : null;
      writeSum(writer, call);
      if (coalesce != null) {
        writer.print(", 0 ");
        writer.endFunCall(coalesce);
      }
    }

    private void writeSum(SqlWriter writer, SqlCall call) {
      SqlWriter.Frame sum = writer.startFunCall("SUM");
      if (call.getFunctionQuantifier() != null) {
        writer.keyword("DISTINCT"); // distinct scaled integers are the distinct decimals
      }
      writeScaled(writer, call.operand(0), scale);
      writer.endFunCall(sum);
    }
  }

  /**
   * Calcite's AVG of a DECIMAL(p,s), {@code CAST(CAST(sum AS DECIMAL(p,s)) / n AS DECIMAL(p,s))} with the dividend
   * NULL when {@code n = 0}, on scaled integers; operands {@code (sum, n)}, the sum of scale s, n an integer:
   * <pre>
   * CASE WHEN n = 0 THEN NULL
   *      WHEN typeof(k) = 'integer' AND abs(k) &lt; 10^p THEN k / n
   *      ELSE (fail: NULL for NULL) END
   * </pre>
   * k being the sum's scaled integer. The bound is Calcite's cast of the sum to DECIMAL(p,s), an error past it.
   * SQLite's integer division truncates toward zero, as Calcite's final cast does (its quotient, 16 significant
   * digits rounded, truncates to the same digit for p at most 15: docs/pushdown.md, "AVG of a DECIMAL").
   */
  static SqlFunction average(int precision, int scale) {
    return new Average(precision, scale);
  }

  /** See {@link #average}. */
  private static final class Average extends DecimalFunction implements ScaledForm {
    private final int precision;

    Average(int precision, int scale) {
      super("D1_DECIMAL_AVG_" + precision + "_" + scale, scale);
      this.precision = precision;
    }

    @Override public int scale() {
      return scale;
    }

    /**
     * {@code (q) / F.0}: the quotient q is checked already (NULL, an INTEGER below 10^p, at most 10^15, or the
     * error), so its number is exact without a second check (which would write the SUM three times more).
     */
    @Override public void unparse(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
      SqlWriter.Frame frame = writer.startList("(", ")");
      writeScaledResult(writer, call);
      writer.endList(frame);
      if (scale > 0) {
        writer.print(" / " + BigDecimal.ONE.scaleByPowerOfTen(scale).toPlainString() + ".0 ");
      }
    }

    @Override public void writeScaledResult(SqlWriter writer, SqlCall call) {
      SqlNode count = call.operand(1);
      Consumer<SqlWriter> k = w -> writeScaled(w, call.operand(0), scale);
      writer.keyword("CASE WHEN");
      count.unparse(writer, 0, 0);
      writer.print(" = 0 ");
      writer.keyword("THEN NULL");
      writeWithinOrFail(writer, k, precision, w -> {
        SqlWriter.Frame quotient = w.startList("(", ")");
        k.accept(w);
        w.print(" / ");
        count.unparse(w, 0, 0);
        w.endList(quotient);
      });
    }
  }

  /**
   * {@code CAST(x AS DECIMAL(p,s))} of an integer or DECIMAL x, on scaled integers: x's scaled integer k aligned to
   * s (a larger scale of x is cut off toward zero by SQLite's integer division, as Calcite's cast does),
   * {@code CASE WHEN typeof(k) = 'integer' AND abs(k) < 10^p THEN k ELSE (fail) END}, Calcite's error past the
   * precision being SQLite's "integer overflow". From p = 19 on, every INTEGER fits: it
   * is k unchecked, as {@link #arithmetic}'s result.
   */
  static SqlFunction decimalCast(int precision, int scale, int fromScale) {
    return new DecimalCast(precision, scale, fromScale);
  }

  /** See {@link #decimalCast}. */
  private static final class DecimalCast extends DecimalFunction implements ScaledForm {
    private final int precision;
    private final int fromScale;

    DecimalCast(int precision, int scale, int fromScale) {
      super("D1_DECIMAL_CAST_" + precision + "_" + scale + "_" + fromScale, scale);
      this.precision = precision;
      this.fromScale = fromScale;
    }

    @Override public int scale() {
      return scale;
    }

    @Override public void unparse(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
      writeUnscaled(writer, scale, w -> writeScaledResult(w, call));
    }

    @Override public void writeScaledResult(SqlWriter writer, SqlCall call) {
      Consumer<SqlWriter> k = fromScale <= scale ? w -> writeAligned(w, call.operand(0), fromScale, scale)
          : w -> writeTruncated(w, call.operand(0), fromScale, scale);
      if (precision >= 19) {
        k.accept(writer); // every INTEGER fits; a REAL (an overflow) is refused where the value is used
        return;
      }
      writer.keyword("CASE");
      writeWithinOrFail(writer, k, precision, k);
    }
  }

  /**
   * A comparison ({@code = <> < <= > >=}) of two integer or DECIMAL values on their scaled integers, both aligned
   * to the larger scale: {@code CASE WHEN typeof(a) = 'integer' AND typeof(b) = 'integer' THEN a op b ELSE (fail)
   * END}, the failure NULL when either is NULL (so the comparison is NULL, as Calcite's), else SQLite's "integer
   * overflow" (an overflow on the way made one a REAL). Never a comparison of doubles.
   */
  static SqlFunction compare(SqlKind comparison, int leftScale, int rightScale) {
    return new Comparison(comparison, leftScale, rightScale);
  }

  /** See {@link #compare}. */
  private static final class Comparison extends DecimalFunction {
    private final SqlKind comparison;
    private final int leftScale;
    private final int rightScale;

    Comparison(SqlKind comparison, int leftScale, int rightScale) {
      super("D1_DECIMAL_" + comparison + "_" + leftScale + "_" + rightScale, Math.max(leftScale, rightScale));
      this.comparison = comparison;
      this.leftScale = leftScale;
      this.rightScale = rightScale;
    }

    @Override public void unparse(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
      Consumer<SqlWriter> a = w -> writeAligned(w, call.operand(0), leftScale, scale);
      Consumer<SqlWriter> b = w -> writeAligned(w, call.operand(1), rightScale, scale);
      SqlWriter.Frame frame = writer.startList("(", ")");
      writer.keyword("CASE WHEN");
      isInteger(writer, a);
      writer.keyword("AND");
      isInteger(writer, b);
      writer.keyword("THEN");
      a.accept(writer);
      writer.print(" " + comparison.sql + " ");
      b.accept(writer);
      writer.keyword("ELSE");
      fail(writer, w -> {
        a.accept(w);
        w.print(" + ");
        b.accept(w);
      });
      writer.keyword("END");
      writer.endList(frame);
    }
  }

  /**
   * A scaled integer of one scale at a smaller one, truncated toward zero: {@code k / 10^(from - to)} (SQLite's
   * integer division; a REAL k, an overflow, stays a REAL).
   */
  private static void writeTruncated(SqlWriter writer, SqlNode x, int from, int to) {
    SqlWriter.Frame frame = writer.startList("(", ")");
    writeScaled(writer, x, from);
    writer.endList(frame);
    writer.print(" / " + BigDecimal.ONE.scaleByPowerOfTen(from - to).toPlainString() + " ");
  }

  /**
   * The end of a CASE: {@code WHEN typeof(k) = 'integer' AND abs(k) < 10^p THEN (value) ELSE (fail) END}, k a
   * scaled integer that must fit DECIMAL(p,s) (p below 19).
   */
  private static void writeWithinOrFail(SqlWriter writer, Consumer<SqlWriter> k, int precision,
      Consumer<SqlWriter> value) {
    writer.keyword("WHEN");
    isInteger(writer, k);
    writer.keyword("AND");
    SqlWriter.Frame abs = writer.startFunCall("abs");
    k.accept(writer);
    writer.endFunCall(abs);
    writer.print(" < " + BigDecimal.ONE.scaleByPowerOfTen(precision).toPlainString() + " ");
    writer.keyword("THEN");
    value.accept(writer);
    writer.keyword("ELSE");
    fail(writer, k);
    writer.keyword("END");
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
          writeDecimalText(writer, w -> roundedTimes(w, x, factor), w -> absRounded(w, x, factor), scale);
        }
        writer.keyword("ELSE");
        castToText(writer, x);
        writer.keyword("END");
      }
    };
  }

  /**
   * {@code CASE WHEN k < 0 THEN '-' ELSE '' END || (abs(k) / F) || '.' || substr('00' || (abs(k) % F), -s)}: the
   * text of the decimal whose scaled integer is k (written by {@code k}, its absolute value by {@code absK}).
   */
  private static void writeDecimalText(SqlWriter writer, Consumer<SqlWriter> k, Consumer<SqlWriter> absK,
      int scale) {
    long factor = BigDecimal.ONE.scaleByPowerOfTen(scale).longValueExact();
    writer.keyword("CASE WHEN");
    k.accept(writer);
    writer.print(" < 0 ");
    writer.keyword("THEN");
    writer.literal("'-'");
    writer.keyword("ELSE");
    writer.literal("''");
    writer.keyword("END ||");
    SqlWriter.Frame whole = writer.startList("(", ")");
    absK.accept(writer);
    writer.print(" / " + factor + " ");
    writer.endList(whole);
    writer.print(" || '.' || ");
    SqlWriter.Frame fraction = writer.startFunCall("substr");
    writer.literal("'" + "0".repeat(scale) + "'");
    writer.print(" || ");
    SqlWriter.Frame digits = writer.startList("(", ")");
    absK.accept(writer);
    writer.print(" % " + factor + " ");
    writer.endList(digits);
    writer.print(", " + (-scale));
    writer.endFunCall(fraction);
  }

  private static void castToText(SqlWriter writer, SqlNode x) {
    SqlWriter.Frame cast = writer.startFunCall("CAST");
    x.unparse(writer, 0, 0);
    writer.keyword("AS TEXT");
    writer.endFunCall(cast);
  }

  private static void absRounded(SqlWriter writer, SqlNode x, long factor) {
    SqlWriter.Frame abs = writer.startFunCall("abs");
    roundedTimes(writer, x, factor);
    writer.endFunCall(abs);
  }

  /** Whether the operator is DECIMAL {@code + - *} on scaled integers ({@link #arithmetic}). */
  static boolean isArithmetic(Object operator) {
    return operator instanceof Arithmetic;
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
   * The scaled integer of a DECIMAL (or integer) value of the given scale, verified:
   * <pre>
   * CASE WHEN abs(x) &lt; L AND round(x * F) / F.0 = x THEN CAST(round(x * F) AS INTEGER)
   *      WHEN typeof(x) = 'integer' THEN x * F
   *      ELSE (fail: NULL for NULL) END
   * </pre>
   * with {@code F = 10^scale} and {@code L = 10^15 / F}. For a REAL below L, {@code x * F} is within a quarter of
   * the integer it stands for, so round finds it (a REAL integer below 10^15, which the CAST keeps exactly), and the
   * division gives back x exactly when x is the double nearest to that decimal: what D1 reads as the decimal (the
   * text of a double carries 15 digits exactly). An INTEGER below L passes the same test (its {@code x * F} is an
   * integer below 2^53, exact as a REAL); a larger one is exact at any size in the second branch ({@code x * F} past
   * 64 bits becomes a REAL, refused where the result is used). A TEXT or BLOB never equals the REAL on the left,
   * NULL fails both tests, and the ELSE is NULL for NULL. At scale 0 (an INTEGER or BIGINT operand, nearly always
   * an INTEGER) the INTEGER test comes first, as it is the cheaper one.
   * A {@link ScaledForm} of the same scale (nested arithmetic, a SUM) is its scaled integer already.
   */
  private static void writeScaled(SqlWriter writer, SqlNode x, int scale) {
    if (x instanceof SqlNumericLiteral literal) {
      // A constant is scaled here, exactly; D1ParameterBinder leaves the literals of these operators in place.
      writer.print(" " + literal.getValueAs(BigDecimal.class).setScale(scale, RoundingMode.UNNECESSARY)
          .unscaledValue() + " ");
      return;
    }
    if (x instanceof SqlCall call && call.getOperator() instanceof ScaledForm form && form.scale() == scale) {
      form.writeScaledResult(writer, call);
      return;
    }
    long factor = BigDecimal.ONE.scaleByPowerOfTen(scale).longValueExact();
    writer.keyword("CASE WHEN");
    if (factor == 1) {
      typeIs(writer, x, "integer");
      writer.keyword("THEN");
      times(writer, x, factor);
      writer.keyword("WHEN");
      isNearestReal(writer, x, factor);
      writer.keyword("THEN");
      roundedTimes(writer, x, factor);
    } else {
      isNearestNumber(writer, x, factor);
      writer.keyword("THEN");
      roundedTimes(writer, x, factor);
      writer.keyword("WHEN");
      typeIs(writer, x, "integer");
      writer.keyword("THEN");
      times(writer, x, factor);
    }
    writer.keyword("ELSE");
    fail(writer, w -> x.unparse(w, 0, 0));
    writer.keyword("END");
  }

  /**
   * {@code abs(x) < L AND round(x * F) / F.0 = x}: x is a REAL or INTEGER that is the double nearest to a decimal
   * of scale s below the limit (see {@link #writeScaled}; no typeof, which costs as much as the rest).
   */
  private static void isNearestNumber(SqlWriter writer, SqlNode x, long factor) {
    absBelow(writer, x, Long.toString(EXACT_LIMIT / factor));
    writer.keyword("AND");
    SqlWriter.Frame round = writer.startFunCall("round");
    times(writer, x, factor);
    writer.endFunCall(round);
    writer.print(" / " + factor + ".0 = ");
    x.unparse(writer, 0, 0);
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

  /**
   * A scaled integer k (written by {@code k}) back as a DECIMAL number; see the class comment:
   * {@code CASE WHEN typeof(k) = 'integer' AND abs(k) < 10^15 THEN k / F.0 ELSE (fail) END}; for scale 0 the
   * checked integer itself.
   */
  private static void writeUnscaled(SqlWriter writer, int scale, Consumer<SqlWriter> k) {
    if (scale == 0) {
      writeChecked(writer, k); // an INTEGER, exact to 64 bits
      return;
    }
    // SQLite computes an aggregate that appears several times in a statement once.
    String divisor = BigDecimal.ONE.scaleByPowerOfTen(scale).toPlainString() + ".0";
    writer.keyword("CASE WHEN");
    isInteger(writer, k);
    writer.keyword("AND");
    SqlWriter.Frame abs = writer.startFunCall("abs");
    k.accept(writer);
    writer.endFunCall(abs);
    writer.print(" < " + EXACT_LIMIT + " ");
    writer.keyword("THEN");
    k.accept(writer);
    writer.print(" / " + divisor + " ");
    writer.keyword("ELSE");
    fail(writer, k);
    writer.keyword("END");
  }

  /**
   * {@code CASE WHEN typeof(k) = 'integer' THEN k ELSE (fail) END}: a scaled integer that went through unchecked
   * {@code + - *} or SUM is exact if it is still an INTEGER; NULL stays NULL.
   */
  private static void writeChecked(SqlWriter writer, Consumer<SqlWriter> k) {
    writer.keyword("CASE WHEN");
    isInteger(writer, k);
    writer.keyword("THEN");
    k.accept(writer);
    writer.keyword("ELSE");
    fail(writer, k);
    writer.keyword("END");
  }

  private static void isInteger(SqlWriter writer, Consumer<SqlWriter> k) {
    SqlWriter.Frame type = writer.startFunCall("typeof");
    k.accept(writer);
    writer.endFunCall(type);
    writer.print(" = 'integer' ");
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
