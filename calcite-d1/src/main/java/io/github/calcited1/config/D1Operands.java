package io.github.calcited1.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one reader of a schema's operands (a model's JSON values, or the strings of a {@code jdbc:d1:} URL): every
 * operand of a kind accepts the same forms, and a bad value fails with a {@link D1ConfigurationException} naming the
 * operand and what it accepts (docs/configuration.md, "Operand values").
 * <ul>
 *   <li>a flag: JSON {@code true}/{@code false}, or the text {@code "true"}/{@code "false"} in any case;</li>
 *   <li>a whole number: a JSON number without a fraction ({@code 1500} or {@code 1500.0}), or text of decimal digits
 *       with an optional sign ({@code "1500"});</li>
 *   <li>text: a non-empty string, trimmed.</li>
 * </ul>
 */
public final class D1Operands {
  private D1Operands() {}

  /** A text operand, trimmed; {@code fallback} (null if blank) when absent. */
  public static String text(Map<String, ?> operand, String key, String fallback) {
    Object v = operand.get(key);
    if (v == null) {
      return fallback == null || fallback.isBlank() ? null : fallback.trim();
    }
    if (!(v instanceof String) || ((String) v).isBlank()) {
      throw new D1ConfigurationException(key, "Operand '" + key + "' must be a non-empty string");
    }
    return ((String) v).trim();
  }

  /** A list of distinct non-empty strings: a JSON array, or one string of comma-separated names (a JDBC URL's). */
  public static List<String> textList(Map<String, ?> operand, String key) {
    Object v = operand.get(key);
    if (v == null) {
      return List.of();
    }
    List<?> items = v instanceof List<?> l ? l : List.of(v.toString().split(",", -1));
    List<String> names = new ArrayList<>();
    for (Object item : items) {
      if (!(item instanceof String s) || s.isBlank()) {
        throw new D1ConfigurationException(key, "Operand '" + key + "' must list database names or ids, not "
            + shown(item));
      }
      if (names.contains(s.trim())) {
        throw new D1ConfigurationException(key, "Operand '" + key + "' lists " + shown(s.trim()) + " twice");
      }
      names.add(s.trim());
    }
    if (names.isEmpty()) {
      throw new D1ConfigurationException(key, "Operand '" + key + "' must list at least one database");
    }
    return List.copyOf(names);
  }

  /** A flag operand, false when absent. */
  public static boolean bool(Map<String, ?> operand, String key) {
    return bool(operand, key, false);
  }

  /** A flag operand: true or false (JSON booleans, or that text in any case). */
  public static boolean bool(Map<String, ?> operand, String key, boolean fallback) {
    Object v = operand.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    String s = v.toString().trim().toLowerCase(Locale.ROOT);
    if (s.equals("true") || s.equals("false")) {
      return s.equals("true");
    }
    throw new D1ConfigurationException(key, "Operand '" + key + "' must be true or false, not " + shown(v));
  }

  /** A whole-number operand between {@code min} and {@code max}; a fraction is refused, never truncated. */
  public static long number(Map<String, ?> operand, String key, long fallback, long min, long max) {
    Object v = operand.get(key);
    if (v == null) {
      return fallback;
    }
    long n;
    try {
      n = v instanceof Number num ? new BigDecimal(num.toString()).longValueExact()
          : Long.parseLong(v.toString().trim());
    } catch (NumberFormatException | ArithmeticException e) {
      throw new D1ConfigurationException(key, "Operand '" + key + "' must be a whole number, not " + shown(v));
    }
    if (n < min || n > max) {
      throw new D1ConfigurationException(key, "Operand '" + key + "' must be between " + min + " and " + max
          + ", not " + n);
    }
    return n;
  }

  /** A duration operand in milliseconds (a whole number, 0 or more); {@code fallback} when absent. */
  public static Duration millis(Map<String, ?> operand, String key, Duration fallback) {
    return operand.containsKey(key) ? Duration.ofMillis(number(operand, key, 0, 0, Integer.MAX_VALUE)) : fallback;
  }

  /**
   * An operand's value for a message: quoted when it cannot be an API token (shorter than 20 characters, or with
   * characters a token does not have), else only its length, so a token put in the wrong operand is never echoed.
   */
  public static String shown(Object value) {
    String v = String.valueOf(value);
    return v.length() < 20 || !v.matches("[A-Za-z0-9_-]+") ? "'" + v + "'"
        : "a value of " + v.length() + " characters (not shown: it could be a secret)";
  }
}
