/**
 * The SQLite dialect for Calcite's own JDBC adapter, named by models that reach SQLite files next to D1
 * ({@link io.github.calcited1.federation.SqliteDialectFactory}). Depends on {@code rel} for the dialect.
 */
package io.github.calcited1.federation;
