package io.github.calcited1.federation;

import io.github.calcited1.rel.D1SqlDialect;

import java.sql.DatabaseMetaData;

import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.SqlDialectFactory;

/**
 * {@code sqlDialectFactory} for a local SQLite file reached through Calcite's JDBC adapter
 * ({@code org.apache.calcite.adapter.jdbc.JdbcSchema$Factory}).
 *
 * <p>Without it Calcite 1.42 detects sqlite-jdbc as an unknown product and generates ANSI SQL
 * ({@code FETCH NEXT n ROWS ONLY}, which SQLite rejects); and {@code SqliteSqlDialect.DEFAULT} has no version,
 * so it pushes no join at all. This factory gives the file calcite-d1's own SQLite dialect ({@link D1SqlDialect}:
 * casts, OFFSET, date literals and the rest as D1 gets them), with the file's real SQLite version.
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
    return new D1SqlDialect(D1SqlDialect.CONTEXT.withDatabaseProductName("SQLite")
        .withDatabaseMajorVersion(major).withDatabaseMinorVersion(minor));
  }
}
