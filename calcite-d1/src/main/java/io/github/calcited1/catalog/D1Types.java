package io.github.calcited1.catalog;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Maps a column's declared SQLite type to a Calcite type.
 *
 * <p>SQLite stores any value in any column; the declared type only gives the column an
 * <em>affinity</em> (https://sqlite.org/datatype3.html section 3.1). We follow those rules, in their order,
 * after the names SQLite gives NUMERIC affinity but whose values have a well-known text form in D1:
 * BOOLEAN (0/1; also BIT and BIT(1)), DATE (ISO-8601 {@code YYYY-MM-DD}), DATETIME/TIMESTAMP (ISO-8601 date and
 * time) and TIME (text).
 * See docs/type-mapping.md.
 */
public final class D1Types {
  /** Millisecond precision: what Calcite's runtime carries for TIMESTAMP values. */
  public static final int TIMESTAMP_PRECISION = 3;

  private static final Pattern PRECISION_SCALE = Pattern.compile("\\(\\s*(\\d+)\\s*(?:,\\s*(\\d+)\\s*)?\\)");

  private D1Types() {}

  /** Returns the Calcite type of a column with the given declared type (possibly empty). */
  public static RelDataType columnType(RelDataTypeFactory typeFactory, String declaredType, boolean nullable) {
    RelDataType type = baseType(typeFactory, declaredType == null ? "" : declaredType);
    return typeFactory.createTypeWithNullability(type, nullable);
  }

  /** A type's size or precision and scale, e.g. {@code (10, 2)} in {@code DECIMAL(10, 2)}. */
  private static final Pattern SIZE = Pattern.compile("\\s*\\(.*$");

  /**
   * The size or precision a declaration gives ({@code VARCHAR(80)}: 80, {@code DECIMAL(10, 2)}: 10), or null if it
   * gives none (or one past {@code int}). SQLite does not enforce it.
   */
  public static Integer declaredSize(String declaredType) {
    Matcher m = PRECISION_SCALE.matcher(declaredType == null ? "" : declaredType);
    if (!m.find()) {
      return null;
    }
    try {
      return Integer.parseInt(m.group(1));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The declared type without its size or precision: {@code VARCHAR(80)} is {@code VARCHAR}. */
  public static String withoutSize(String declaredType) {
    return SIZE.matcher(declaredType).replaceAll("").trim();
  }

  private static RelDataType baseType(RelDataTypeFactory typeFactory, String declaredType) {
    String upper = declaredType.trim().toUpperCase(Locale.ROOT);
    String name = withoutSize(upper);
    switch (name) {
      case "BIT":
        // BIT(1): what Spark's JDBC writer (and MySQL users) declare for a boolean. A wider BIT is a bit string.
        Integer size = declaredSize(upper);
        if (size != null && size != 1) {
          break;
        }
        return typeFactory.createSqlType(SqlTypeName.BOOLEAN);
      case "BOOLEAN":
      case "BOOL":
        return typeFactory.createSqlType(SqlTypeName.BOOLEAN);
      case "DATE":
        return typeFactory.createSqlType(SqlTypeName.DATE);
      case "DATETIME":
      case "TIMESTAMP":
        return typeFactory.createSqlType(SqlTypeName.TIMESTAMP, TIMESTAMP_PRECISION);
      case "TIME":
        // Time-of-day text ('10:30:00'); NUMERIC affinity leaves it text. Exposed as text, not as Calcite TIME.
        return typeFactory.createSqlType(SqlTypeName.VARCHAR);
      default:
        break;
    }
    // SQLite affinity rules 1 to 5, in order.
    if (upper.contains("INT")) {
      return typeFactory.createSqlType(SqlTypeName.BIGINT);
    }
    if (upper.contains("CHAR") || upper.contains("CLOB") || upper.contains("TEXT")) {
      // SQLite never enforces a length, so neither do we: VARCHAR(10) may hold 1,000 characters.
      return typeFactory.createSqlType(SqlTypeName.VARCHAR);
    }
    if (upper.isEmpty()) {
      // No declared type (also: computed columns of views): the values keep whatever type they have.
      return typeFactory.createSqlType(SqlTypeName.ANY);
    }
    if (upper.contains("BLOB")) {
      return typeFactory.createSqlType(SqlTypeName.VARBINARY);
    }
    if (upper.contains("REAL") || upper.contains("FLOA") || upper.contains("DOUB")) {
      return typeFactory.createSqlType(SqlTypeName.DOUBLE);
    }
    // NUMERIC affinity. With a precision the values are decimals of that shape; without one SQLite keeps
    // each value as INTEGER or REAL, which only DOUBLE describes.
    Matcher m = PRECISION_SCALE.matcher(upper);
    if ((name.equals("DECIMAL") || name.equals("NUMERIC")) && m.find()) {
      int maxPrecision = typeFactory.getTypeSystem().getMaxPrecision(SqlTypeName.DECIMAL);
      int precision = Math.min(Integer.parseInt(m.group(1)), maxPrecision);
      int scale = m.group(2) == null ? 0 : Math.min(Integer.parseInt(m.group(2)), precision);
      return typeFactory.createSqlType(SqlTypeName.DECIMAL, precision, scale);
    }
    return typeFactory.createSqlType(SqlTypeName.DOUBLE);
  }
}
