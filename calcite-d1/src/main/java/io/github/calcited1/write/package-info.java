/**
 * The transaction engine: a connection's {@link io.github.calcited1.write.D1Session} buffers each database's
 * writes in a {@link io.github.calcited1.write.D1Transaction} until COMMIT, which
 * {@link io.github.calcited1.write.D1CommitSender} sends as batches (with the commit ledger and the diagnosis of a
 * failed commit); and the write model ({@link io.github.calcited1.write.D1Write} and its INSERT, UPDATE, DELETE and
 * MERGE forms). No planning here: it depends on {@code client}, {@code config} and {@code catalog}
 * (docs/transactions.md).
 */
package io.github.calcited1.write;
