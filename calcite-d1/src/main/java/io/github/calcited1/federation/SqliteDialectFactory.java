package io.github.calcited1.federation;

import java.sql.DatabaseMetaData;

import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.SqlDialectFactory;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.dialect.SqliteSqlDialect;

import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@code sqlDialectFactory} for a local SQLite file reached through Calcite's JDBC adapter
 * ({@code org.apache.calcite.adapter.jdbc.JdbcSchema$Factory}).
 *
 * <p>Without it Calcite 1.42 detects sqlite-jdbc as an unknown product and generates ANSI SQL
 * ({@code FETCH NEXT n ROWS ONLY}, which SQLite rejects); and {@code SqliteSqlDialect.DEFAULT} has no version,
 * so it pushes no join at all. This factory gives the SQLite dialect the real version, and keeps character-set
 * clauses out of CASTs.
 *
 * <p>Model operand: {@code "sqlDialectFactory": "io.github.calcited1.federation.SqliteDialectFactory"}.
 */
public class SqliteDialectFactory implements SqlDialectFactory {
  public static final SqliteDialectFactory INSTANCE = new SqliteDialectFactory();

  @Override public SqlDialect create(DatabaseMetaData metaData) {
    int major = 3;
    int minor = 47;
    try {
      major = metaData.getDatabaseMajorVersion();
      minor = metaData.getDatabaseMinorVersion();
    } catch (Exception e) {
      // keep the defaults
    }
    SqlDialect.Context context = SqliteSqlDialect.DEFAULT_CONTEXT
        .withDatabaseProduct(SqlDialect.DatabaseProduct.SQLITE)
        .withDatabaseProductName("SQLite")
        .withDatabaseMajorVersion(major)
        .withDatabaseMinorVersion(minor);
    return new LocalSqliteDialect(context);
  }

  /** SQLite of the given version; no character-set clause in CAST, and OFFSET always with a LIMIT. */
  static final class LocalSqliteDialect extends SqliteSqlDialect {
    LocalSqliteDialect(SqlDialect.Context context) {
      super(context);
    }

    @Override public boolean supportsCharSet() {
      return false;
    }

    @Override public void unparseOffsetFetch(SqlWriter writer, @Nullable SqlNode offset, @Nullable SqlNode fetch) {
      if (offset != null && fetch == null) {
        // SQLite has no OFFSET without LIMIT.
        writer.newlineAndIndent();
        writer.keyword("LIMIT");
        writer.keyword("-1");
        writer.keyword("OFFSET");
        offset.unparse(writer, -1, -1);
        return;
      }
      super.unparseOffsetFetch(writer, offset, fetch);
    }
  }
}
