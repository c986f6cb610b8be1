/**
 * {@code jdbc:d1:remote:}, the thin client of {@code calcite-d1 serve}: Avatica's remote driver with the parts its
 * stock client cannot give (SQLExceptions from commit and rollback, generated keys, DatabaseMetaData as
 * {@code jdbc:d1:} answers). Needs only avatica-core; the server side of the generated keys is in
 * {@code io.github.calcited1.server}.
 */
package io.github.calcited1.remote;
