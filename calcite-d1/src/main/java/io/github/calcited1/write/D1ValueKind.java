package io.github.calcited1.write;

import org.apache.calcite.avatica.util.ByteString;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.type.SqlTypeName;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * How a column's Java values (as Calcite's enumerable runtime holds them) are written into the JSON text of rows that
 * SQLite unpacks with {@code json_each}: integers stay exact (SQLite's JSON parser reads 64-bit integers), text is a
 * JSON string, BLOBs travel as hex and are unpacked with {@code unhex}, booleans become 1/0, date/time values become
 * ISO-8601 text (SQLite has no date type; D1 stores dates as TEXT).
 */
public enum D1ValueKind {
  INTEGER, REAL, DECIMAL, BOOLEAN, TEXT, BLOB, DATE, TIME, TIMESTAMP, ANY;

  private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final DateTimeFormatter TS_MS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
  private static final DateTimeFormatter TIME_S = DateTimeFormatter.ofPattern("HH:mm:ss");
  private static final DateTimeFormatter TIME_MS = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /** The kind for a Calcite column type. */
  public static D1ValueKind of(RelDataType type) {
    SqlTypeName n = type.getSqlTypeName();
    switch (n) {
      case TINYINT: case SMALLINT: case INTEGER: case BIGINT:
        return INTEGER;
      case FLOAT: case REAL: case DOUBLE:
        return REAL;
      case DECIMAL:
        return DECIMAL;
      case BOOLEAN:
        return BOOLEAN;
      case CHAR: case VARCHAR:
        return TEXT;
      case BINARY: case VARBINARY:
        return BLOB;
      case DATE:
        return DATE;
      case TIME:
        return TIME;
      case TIMESTAMP: case TIMESTAMP_WITH_LOCAL_TIME_ZONE:
        return TIMESTAMP;
      default:
        return ANY;
    }
  }

  /** The SQL expression that turns element {@code index} of a JSON row ({@code rowExpr}) into this column's value. */
  public String unpack(String rowExpr, int index) {
    String e = rowExpr + "->>" + index;
    return this == BLOB ? "unhex(" + e + ")" : e;
  }

  /**
   * The SQL condition that a stored value ({@code column}) is still the value Calcite read, given as an unpacked JSON
   * element ({@code value}): {@code IS}, so that NULLs match; text byte for byte whatever the column's collation
   * (a COLLATE NOCASE column would take {@code 'bob'} for {@code 'Bob'}); DECIMAL as the text it is read through
   * ({@code CAST(c AS TEXT)}, see D1SqlGenerator), as a number; TIMESTAMP as the instant its ISO-8601 text names (it is
   * read as one, in whichever spelling it is stored), to the millisecond. REALs are exact: they are read as JSON
   * numbers of the shortest round-trip form, and SQLite's JSON parser reads that form back to the same double.
   */
  public String sameAsRead(String column, String value) {
    switch (this) {
      case DECIMAL:
        return "CAST(CAST(" + column + " AS TEXT) AS NUMERIC) IS CAST(" + value + " AS NUMERIC)";
      case TIMESTAMP:
        return "unixepoch(" + column + ", 'subsec') IS unixepoch(" + value + ", 'subsec')";
      default:
        return column + " IS " + value + (hasCollation() ? " COLLATE BINARY" : "");
    }
  }

  /** Whether values of this kind may be text, which a column's collation (NOCASE, RTRIM) would compare loosely. */
  boolean hasCollation() {
    return this == TEXT || this == DATE || this == TIME || this == ANY;
  }

  /** Appends {@code value} as a JSON value. */
  public void appendJson(StringBuilder sb, Object value) throws SQLException {
    if (value == null) {
      sb.append("null");
      return;
    }
    if (this == BLOB || value instanceof byte[] || value instanceof ByteString) {
      byte[] bytes = value instanceof byte[] ? (byte[]) value
          : value instanceof ByteString ? ((ByteString) value).getBytes()
          : null;
      if (bytes == null) {
        throw new SQLException("cannot write " + value.getClass().getSimpleName() + " value into a BLOB column");
      }
      if (this != BLOB) {
        // A BLOB value in a non-BLOB column: SQLite would store the bytes; JSON cannot carry raw bytes.
        throw new SQLException("cannot write a binary value into a " + this + " column through JSON");
      }
      sb.append('"');
      for (byte b : bytes) {
        sb.append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
      }
      sb.append('"');
      return;
    }
    if (value instanceof Boolean) {
      sb.append(((Boolean) value) ? '1' : '0');
      return;
    }
    switch (this) {
      case DATE:
        if (value instanceof Integer) {
          appendString(sb, LocalDate.ofEpochDay((Integer) value).toString());
          return;
        }
        if (value instanceof java.sql.Date) {
          appendString(sb, ((java.sql.Date) value).toLocalDate().toString());
          return;
        }
        break;
      case TIME:
        if (value instanceof Integer) {
          LocalTime t = LocalTime.ofNanoOfDay(((Integer) value) * 1_000_000L);
          appendString(sb, (t.getNano() == 0 ? TIME_S : TIME_MS).format(t));
          return;
        }
        break;
      case TIMESTAMP:
        if (value instanceof Long) {
          long ms = (Long) value;
          LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(ms, 1000L),
              (int) Math.floorMod(ms, 1000L) * 1_000_000, ZoneOffset.UTC);
          appendString(sb, (ms % 1000 == 0 ? TS : TS_MS).format(t));
          return;
        }
        if (value instanceof java.sql.Timestamp) {
          appendString(sb, TS_MS.format(((java.sql.Timestamp) value).toLocalDateTime()));
          return;
        }
        break;
      default:
        break;
    }
    if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte
        || value instanceof BigInteger) {
      sb.append(value);
      return;
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        // SQLite would store NaN as NULL and keep an infinity, but D1 answers in JSON, which has neither (an infinity
        // reads back as null): refuse rather than change the value silently.
        throw new SQLException("Cannot write " + d + " to D1: SQLite has no NaN and D1's JSON answers cannot carry"
            + " NaN or infinities (they would read back as NULL); nothing was sent. Store NULL, or a sentinel such"
            + " as 1.7976931348623157E308, instead.", "22003");
      } else if (value instanceof Float) {
        sb.append(Float.toString((Float) value));
      } else {
        sb.append(Double.toString(d));
      }
      return;
    }
    if (value instanceof BigDecimal) {
      // Without trailing zeros: SQLite reads 9007199254740993 as an exact INTEGER, 9007199254740993.00 as a REAL.
      BigDecimal d = ((BigDecimal) value).stripTrailingZeros();
      sb.append((d.scale() < 0 ? d.setScale(0) : d).toPlainString());
      return;
    }
    appendString(sb, value.toString());
  }

  /**
   * Appends a JSON string literal.
   *
   * @throws SQLException if the text has an unpaired UTF-16 surrogate: D1 stores UTF-8, which cannot encode one, and
   *     the encoder would silently replace it with '?'
   */
  static void appendString(StringBuilder sb, String s) throws SQLException {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          sb.append(c).append(s.charAt(++i));
          continue;
        }
        throw new SQLException("Cannot write a string with an unpaired UTF-16 surrogate (U+"
            + Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT) + " at index " + i + ") to D1: D1 stores"
            + " text as UTF-8, which cannot encode it; nothing was sent. Fix the string (it is not valid Unicode).",
            "22021");
      }
      switch (c) {
        case '"': sb.append("\\\""); break;
        case '\\': sb.append("\\\\"); break;
        case '\n': sb.append("\\n"); break;
        case '\r': sb.append("\\r"); break;
        case '\t': sb.append("\\t"); break;
        default:
          if (c < 0x20) {
            sb.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
          } else {
            sb.append(c);
          }
      }
    }
    sb.append('"');
  }

  /** UTF-8 length of a string without encoding it. */
  static int utf8Length(CharSequence s) {
    return utf8Length(s, 0, s.length());
  }

  /** UTF-8 length of {@code s[from, to)}. */
  static int utf8Length(CharSequence s, int from, int to) {
    int n = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }
}
