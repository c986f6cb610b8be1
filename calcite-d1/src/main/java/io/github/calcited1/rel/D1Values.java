package io.github.calcited1.rel;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.apache.calcite.avatica.util.ByteString;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Converts between D1's JSON values ({@code null}, Long, Double, String, byte[]) and the Java values Calcite's
 * generated code expects for each SQL type (BIGINT → Long, INTEGER → Integer, DATE → int days, TIMESTAMP → long
 * milliseconds, VARBINARY → ByteString, …). A value that does not fit is a {@link D1ValueException}, never a guess.
 */
final class D1Values {
  private static final Pattern ISO_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  /** What SQLite's date functions accept: date, 'T' or space, HH:MM[:SS[.fraction]], optional Z or offset. */
  private static final DateTimeFormatter ISO_TIMESTAMP = new DateTimeFormatterBuilder()
      .appendPattern("uuuu-MM-dd")
      .optionalStart().appendLiteral('T').optionalEnd()
      .optionalStart().appendLiteral(' ').optionalEnd()
      .optionalStart()
      .appendPattern("HH:mm")
      .optionalStart().appendPattern(":ss")
      .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd()
      .optionalEnd()
      .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
      .optionalEnd()
      .parseDefaulting(ChronoField.HOUR_OF_DAY, 0)
      .parseDefaulting(ChronoField.MINUTE_OF_HOUR, 0)
      .toFormatter();
  private static final DateTimeFormatter TIMESTAMP_TEXT = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS");
  private static final double MAX_EXACT_DOUBLE = 9007199254740992d; // 2^53

  private D1Values() {}

  /**
   * Converts a value read from D1 to the Java value of a Calcite type.
   *
   * @param label the column, as {@code table.column} where known, for error messages
   */
  static Object toCalcite(Object raw, SqlTypeName type, int scale, String label) {
    if (raw == null) {
      return null;
    }
    switch (type) {
      case BIGINT:
        return raw instanceof Long ? raw : toLong(raw, Long.MIN_VALUE, Long.MAX_VALUE, type, label);
      case INTEGER:
        return (int) toLong(raw, Integer.MIN_VALUE, Integer.MAX_VALUE, type, label);
      case SMALLINT:
        return (short) toLong(raw, Short.MIN_VALUE, Short.MAX_VALUE, type, label);
      case TINYINT:
        return (byte) toLong(raw, Byte.MIN_VALUE, Byte.MAX_VALUE, type, label);
      case BOOLEAN: {
        long v = toLong(raw, 0, 1, type, label);
        return v == 1;
      }
      case DOUBLE:
      case FLOAT:
        return toDouble(raw, type, label);
      case REAL:
        return (float) toDouble(raw, type, label);
      case DECIMAL:
        return toDecimal(raw, scale, label);
      case CHAR:
      case VARCHAR:
        if (raw instanceof String || raw instanceof Long) {
          return raw.toString(); // a Long prints exactly; a Double would not print as Calcite prints it
        }
        throw misfit(raw, type, label, null);
      case BINARY:
      case VARBINARY:
        if (raw instanceof byte[] bytes) {
          return new ByteString(bytes);
        }
        throw misfit(raw, type, label, null);
      case DATE:
        if (raw instanceof String s && ISO_DATE.matcher(s).matches()) {
          try {
            return (int) LocalDate.parse(s).toEpochDay();
          } catch (DateTimeParseException e) {
            throw misfit(raw, type, label, "expected an ISO-8601 date YYYY-MM-DD");
          }
        }
        throw misfit(raw, type, label, "expected an ISO-8601 date YYYY-MM-DD");
      case TIMESTAMP:
        if (raw instanceof String s) {
          try {
            return timestampMillis(s);
          } catch (DateTimeParseException e) {
            // reported below
          }
        }
        throw misfit(raw, type, label, "expected an ISO-8601 timestamp such as 2024-01-31 12:00:00[.000][Z]");
      case NULL:
        return null;
      default:
        return raw instanceof byte[] bytes ? new ByteString(bytes) : raw;
    }
  }

  private static long toLong(Object raw, long min, long max, SqlTypeName type, String label) {
    long value;
    if (raw instanceof Long l) {
      value = l;
    } else if (raw instanceof String s) {
      try {
        value = Long.parseLong(s);
      } catch (NumberFormatException e) {
        throw misfit(raw, type, label, null);
      }
    } else if (raw instanceof Double d && d == Math.rint(d) && Math.abs(d) <= MAX_EXACT_DOUBLE) {
      value = d.longValue();
    } else {
      throw misfit(raw, type, label, null);
    }
    if (value < min || value > max) {
      throw misfit(raw, type, label, "out of range");
    }
    return value;
  }

  private static double toDouble(Object raw, SqlTypeName type, String label) {
    if (raw instanceof Long || raw instanceof Double) {
      return ((Number) raw).doubleValue();
    }
    throw misfit(raw, type, label, null);
  }

  private static BigDecimal toDecimal(Object raw, int scale, String label) {
    BigDecimal value;
    try {
      if (raw instanceof String s) {
        value = new BigDecimal(s);
      } else if (raw instanceof Long l) {
        value = BigDecimal.valueOf(l);
      } else if (raw instanceof Double d) {
        value = BigDecimal.valueOf(d);
      } else {
        throw misfit(raw, SqlTypeName.DECIMAL, label, null);
      }
      return value.setScale(scale, RoundingMode.UNNECESSARY);
    } catch (NumberFormatException | ArithmeticException e) {
      throw misfit(raw, SqlTypeName.DECIMAL, label, "not a decimal with at most " + scale + " digits after the point");
    }
  }

  /** Milliseconds since the epoch of an ISO-8601 timestamp; one with an offset is converted to UTC. */
  static long timestampMillis(String text) {
    var parsed = ISO_TIMESTAMP.parse(text);
    LocalDateTime local = LocalDateTime.from(parsed);
    if (parsed.isSupported(ChronoField.OFFSET_SECONDS)) {
      local = OffsetDateTime.of(local, ZoneOffset.ofTotalSeconds(parsed.get(ChronoField.OFFSET_SECONDS)))
          .withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
    }
    return local.toInstant(ZoneOffset.UTC).toEpochMilli();
  }

  private static D1ValueException misfit(Object raw, SqlTypeName type, String label, String detail) {
    return new D1ValueException("D1 column " + label + " holds " + describe(raw) + ", which does not fit its type "
        + type + (detail == null ? "" : " (" + detail + ")")
        + "; correct the value in D1 or declare the column with the type its values have");
  }

  private static String describe(Object raw) {
    if (raw instanceof byte[] bytes) {
      String hex = HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 16));
      return "a BLOB X'" + hex + (bytes.length > 16 ? "…" : "") + "'";
    }
    String text = raw.toString();
    if (text.length() > 100) {
      text = text.substring(0, 100) + "…";
    }
    return raw instanceof String ? "the text '" + text + "'" : "the number " + text;
  }

  /** Converts a parameter value to what the D1 client sends for the given kind. */
  static Object toParam(Object value, D1Query.Kind kind) {
    if (value == null) {
      return null;
    }
    switch (kind) {
      case INTEGER:
        if (value instanceof BigDecimal d) {
          return d.longValueExact();
        }
        return value instanceof Number n ? (Object) n.longValue() : value;
      case BOOLEAN:
        return value instanceof Boolean b ? (Object) (b ? 1L : 0L) : value;
      case DECIMAL:
        return value instanceof BigDecimal || !(value instanceof Number) ? value : new BigDecimal(value.toString());
      case DOUBLE:
        return value instanceof Number n ? (Object) n.doubleValue() : value;
      case BINARY:
        if (value instanceof String hex) {
          return HexFormat.of().parseHex(hex);
        }
        return value instanceof ByteString b ? b.getBytes() : value;
      case DATE:
        if (value instanceof Integer days) {
          return LocalDate.ofEpochDay(days).toString();
        }
        return value instanceof java.sql.Date d ? d.toLocalDate().toString() : value.toString();
      case TIMESTAMP:
        if (value instanceof Long millis) {
          return TIMESTAMP_TEXT.format(LocalDateTime.ofEpochSecond(Math.floorDiv(millis, 1000L),
              (int) Math.floorMod(millis, 1000L) * 1_000_000, ZoneOffset.UTC));
        }
        return value instanceof java.sql.Timestamp t ? TIMESTAMP_TEXT.format(t.toLocalDateTime()) : value.toString();
      case STRING:
        return value.toString();
      default:
        return value instanceof ByteString b ? b.getBytes() : value;
    }
  }
}
