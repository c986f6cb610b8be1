/**
 * The JDBC driver ({@code jdbc:d1:}, {@link io.github.calcited1.jdbc.D1Driver}) and its Avatica Meta
 * ({@link io.github.calcited1.jdbc.D1JdbcMeta}: commit, rollback, plan cache, metadata, SQLStates). Together with the
 * two classes calcite-d1 places in Calcite's {@code org.apache.calcite.jdbc} package, it is the top of the adapter:
 * only {@code server} builds on it.
 */
package io.github.calcited1.jdbc;
