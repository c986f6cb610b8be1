package io.github.calcited1.rel;

import org.apache.calcite.config.NullCollation;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.SqlAbstractDateTimeLiteral;
import org.apache.calcite.sql.SqlAlienSystemTypeNameSpec;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.dialect.SqliteSqlDialect;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * SQLite as D1 runs it (3.47, workerd's authorizer and limits).
 *
 * <p>Differences from Calcite's {@link SqliteSqlDialect}: an explicit context, because its DEFAULT_CONTEXT names
 * DUCKDB and has no version, which makes {@code supportsJoinType} refuse every join; no character sets in casts;
 * casts spelled with SQLite's affinity names; {@code LIMIT -1 OFFSET n}, because SQLite has no OFFSET alone;
 * {@code NULL} rather than {@code UNKNOWN}; no window functions (CALCITE-7616: they crash the 1.42 JDBC rules).
 * Literals never reach the text: {@link D1ParameterBinder} binds them as parameters.
 */
public class D1SqlDialect extends SqliteSqlDialect {
  /** SQLite 3.47.0 is what workerd ships for D1; {@code sqlite_version()} is not allowed there. */
  public static final SqlDialect.Context CONTEXT = SqlDialect.EMPTY_CONTEXT
      .withDatabaseProduct(SqlDialect.DatabaseProduct.SQLITE)
      .withDatabaseMajorVersion(3)
      .withDatabaseMinorVersion(47)
      .withIdentifierQuoteString("\"")
      .withNullCollation(NullCollation.LOW);

  public static final D1SqlDialect INSTANCE = new D1SqlDialect(CONTEXT);

  public D1SqlDialect(SqlDialect.Context context) {
    super(context);
  }

  /**
   * False, so that {@code RelToSqlConverter} gives every table an alias and qualifies every column with it
   * ({@code "t"."note"}). D1's SQLite reads a double-quoted name that matches no column as a string literal (DQS is
   * on there: d1-local/conformance/corpus/sql-double-quoted-unknown-name.json), so with a stale catalog (a column
   * dropped or renamed since it was read) {@code SELECT "note" FROM t} would answer the text 'note' for every row and
   * {@code WHERE "note" = 'note'} would be true for all of them; a qualified name fails with "no such column".
   */
  @Override public boolean hasImplicitTableAlias() {
    return false;
  }

  @Override public boolean supportsCharSet() {
    return false;
  }

  @Override public boolean supportsWindowFunctions() {
    return false;
  }

  @Override public boolean supportsApproxCountDistinct() {
    return false;
  }

  /** SQLite only knows its five storage classes; any other name would give the value NUMERIC affinity. */
  @Override public @Nullable SqlNode getCastSpec(RelDataType type) {
    String name = affinityName(type.getSqlTypeName());
    if (name == null) {
      return super.getCastSpec(type);
    }
    return new SqlDataTypeSpec(new SqlAlienSystemTypeNameSpec(name, type.getSqlTypeName(), SqlParserPos.ZERO),
        SqlParserPos.ZERO);
  }

  /** The SQLite type name for a cast to a Calcite type, or null for types never cast in D1. */
  static @Nullable String affinityName(SqlTypeName type) {
    switch (type) {
      case BOOLEAN:
      case TINYINT:
      case SMALLINT:
      case INTEGER:
      case BIGINT:
        return "INTEGER";
      case FLOAT:
      case REAL:
      case DOUBLE:
        return "REAL";
      case DECIMAL:
        return "NUMERIC";
      case CHAR:
      case VARCHAR:
        return "TEXT";
      case BINARY:
      case VARBINARY:
        return "BLOB";
      default:
        return null;
    }
  }

  @Override public void unparseOffsetFetch(SqlWriter writer, @Nullable SqlNode offset, @Nullable SqlNode fetch) {
    if (fetch == null && offset != null) {
      unparseFetchUsingLimit(writer, offset, SqlLiteral.createExactNumeric("-1", SqlParserPos.ZERO));
    } else {
      super.unparseOffsetFetch(writer, offset, fetch);
    }
  }

  @Override public void unparseBoolLiteral(SqlWriter writer, SqlLiteral literal, int leftPrec, int rightPrec) {
    Object value = literal.getValue();
    writer.keyword(value == null ? "NULL" : (Boolean) value ? "TRUE" : "FALSE");
  }

  /** Dates are ISO-8601 text in D1; SQLite has no DATE '...' syntax. */
  @Override public void unparseDateTimeLiteral(SqlWriter writer, SqlAbstractDateTimeLiteral literal,
      int leftPrec, int rightPrec) {
    writer.literal("'" + literal.toFormattedString() + "'");
  }
}
