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

  /**
   * The shortest digit string that reads back as the same double; among those of that length,
   * the closest to the double's exact value (ECMAScript Number::toString, step 5).
   */
  private static final class ShortestDecimal {
    final String digits;
    final int pointPosition; // value = 0.digits * 10^pointPosition

    private ShortestDecimal(String digits, int pointPosition) {
      this.digits = digits;
      this.pointPosition = pointPosition;
    }

    private ShortestDecimal withoutTrailingZeros() {
      int end = digits.length();
      while (end > 1 && digits.charAt(end - 1) == '0') {
        end--;
      }
      return new ShortestDecimal(digits.substring(0, end), pointPosition);
    }

    static ShortestDecimal of(double value) {
      ShortestDecimal java = parseJava(Double.toString(value)).withoutTrailingZeros();
      int length = java.digits.length();
      // Whether some p-digit decimal round-trips can be decided from Java's digits alone (its
      // neighbours at p digits bracket every p-digit decimal inside the rounding interval), and
      // if one does, a longer one does too: search downwards while Java's neighbours round-trip.
      int shortest = length;
      while (shortest > 1 && (java.truncated(shortest - 1).readsBackAs(value)
          || java.truncated(shortest - 1).incremented().readsBackAs(value))) {
        shortest--;
      }
      if (shortest == length && length <= 15) {
        return java; // at most 15 digits only one decimal of that length fits the interval
      }
      return closest(value, shortest);
    }

    /** The p-digit decimal nearest the exact value that round-trips (its neighbour otherwise). */
    private static ShortestDecimal closest(double value, int precision) {
      BigDecimal exact = new BigDecimal(value);
      for (RoundingMode mode : new RoundingMode[] {RoundingMode.HALF_EVEN, RoundingMode.DOWN, RoundingMode.UP}) {
        BigDecimal candidate = exact.round(new MathContext(precision, mode));
        if (candidate.doubleValue() == value) {
          String unscaled = candidate.unscaledValue().toString();
          return new ShortestDecimal(unscaled, unscaled.length() - candidate.scale()).withoutTrailingZeros();
        }
      }
      throw new IllegalStateException("no " + precision + "-digit decimal reads back as " + value);
    }

    /** Parses Java's "123.45" or "1.2345E-7" form of a positive double. */
    private static ShortestDecimal parseJava(String text) {
      int e = text.indexOf('E');
      String mantissa = e < 0 ? text : text.substring(0, e);
      int exponent = e < 0 ? 0 : Integer.parseInt(text.substring(e + 1));
      int point = mantissa.indexOf('.');
      String digits = mantissa.substring(0, point) + mantissa.substring(point + 1);
      int pointPosition = point + exponent;
      int leadingZeros = 0;
      while (leadingZeros < digits.length() - 1 && digits.charAt(leadingZeros) == '0') {
        leadingZeros++;
      }
      return new ShortestDecimal(digits.substring(leadingZeros), pointPosition - leadingZeros);
    }

    private ShortestDecimal truncated(int precision) {
      return precision >= digits.length() ? this : new ShortestDecimal(digits.substring(0, precision), pointPosition);
    }

    private ShortestDecimal incremented() {
      char[] chars = digits.toCharArray();
      int i = chars.length - 1;
      while (i >= 0 && chars[i] == '9') {
        chars[i--] = '0';
      }
      if (i < 0) {
        return new ShortestDecimal("1" + new String(chars), pointPosition + 1);
      }
      chars[i]++;
      return new ShortestDecimal(new String(chars), pointPosition);
    }

    private boolean readsBackAs(double value) {
      return Double.parseDouble("0." + digits + "E" + pointPosition) == value;
    }
  }
}
