package io.github.calcited1.local.json;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Formats numbers exactly as JavaScript's {@code Number.prototype.toString()} does, because D1's
 * JSON is produced by {@code JSON.stringify} in a Worker: every SQLite INTEGER passes through a
 * double (so 2^53 + 1 prints as 9007199254740992) and doubles print with the shortest
 * round-tripping digits in ECMAScript's layout ({@code 1e+21}, {@code 1.5e-7}, {@code 0.000001}).
 *
 * <p>Java 17's {@link Double#toString} is not always shortest (JDK-4511638) and uses another
 * exponent form, so it only seeds the digit search here.
 */
public final class JsNumbers {
  private static final long MAX_SAFE_INTEGER = (1L << 53);

  private JsNumbers() {}

  /** The JSON text for an SQLite INTEGER as D1 prints it (through a JavaScript number). */
  public static String formatInteger(long value) {
    if (value >= -MAX_SAFE_INTEGER && value <= MAX_SAFE_INTEGER) {
      return Long.toString(value);
    }
    return formatDouble((double) value);
  }

  /**
   * The JSON text for a double as {@code JSON.stringify} prints it, or {@code null} for NaN and
   * ±Infinity (which JSON.stringify writes as {@code null}).
   */
  public static String formatDouble(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return null;
    }
    if (value == 0) {
      return "0"; // also -0: JavaScript prints "0"
    }
    if (value == Math.rint(value) && Math.abs(value) <= MAX_SAFE_INTEGER) {
      return Long.toString((long) value);
    }
    if (value < 0) {
      return "-" + formatPositive(-value);
    }
    return formatPositive(value);
  }

  private static String formatPositive(double value) {
    ShortestDecimal decimal = ShortestDecimal.of(value);
    String digits = decimal.digits;
    int k = digits.length();
    int n = decimal.pointPosition; // value = 0.digits * 10^n
    if (k <= n && n <= 21) {
      return digits + "0".repeat(n - k);
    }
    if (0 < n && n <= 21) {
      return digits.substring(0, n) + "." + digits.substring(n);
    }
    if (-6 < n && n <= 0) {
      return "0." + "0".repeat(-n) + digits;
    }
    int exponent = n - 1;
    String sign = exponent >= 0 ? "+" : "-";
    String mantissa = k == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    return mantissa + "e" + sign + Math.abs(exponent);
  }

  /** The shortest digit string that reads back as the same double, closest to it on ties. */
  private static final class ShortestDecimal {
    final String digits;
    final int pointPosition;

    private ShortestDecimal(BigDecimal decimal) {
      BigDecimal stripped = decimal.stripTrailingZeros();
      this.digits = stripped.unscaledValue().toString();
      this.pointPosition = digits.length() - stripped.scale();
    }

    static ShortestDecimal of(double value) {
      BigDecimal exact = new BigDecimal(value);
      // Java's own output round-trips; its length bounds the search from above.
      int precision = new BigDecimal(Double.toString(value)).stripTrailingZeros().precision();
      BigDecimal best = roundTripping(exact, value, precision);
      if (best == null) {
        best = exact.round(new MathContext(17, RoundingMode.HALF_EVEN));
      }
      // If some p-digit decimal round-trips, so does a (p+1)-digit one: search downwards.
      while (precision > 1) {
        BigDecimal shorter = roundTripping(exact, value, precision - 1);
        if (shorter == null) {
          break;
        }
        best = shorter;
        precision--;
      }
      return new ShortestDecimal(best);
    }

    /** The closest precision-digit decimal that parses back to value, or null if none does. */
    private static BigDecimal roundTripping(BigDecimal exact, double value, int precision) {
      for (RoundingMode mode : new RoundingMode[] {RoundingMode.HALF_EVEN, RoundingMode.DOWN, RoundingMode.UP}) {
        BigDecimal candidate = exact.round(new MathContext(precision, mode));
        if (candidate.doubleValue() == value) {
          return candidate;
        }
      }
      return null;
    }
  }
}
