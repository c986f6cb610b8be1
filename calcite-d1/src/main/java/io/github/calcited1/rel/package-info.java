/**
 * What Calcite plans with, in one package as in Calcite's own adapters: the schema and table
 * ({@link io.github.calcited1.rel.D1Schema}, {@link io.github.calcited1.rel.D1Table}), the convention, the read and
 * write rels and their rules, the SQL generator, and the runtime the generated code calls
 * ({@link io.github.calcited1.rel.D1Runtime} for reads, {@link io.github.calcited1.rel.D1WriteRuntime} for writes).
 * Schema, table, scan and modify rels refer to each other, so they live together. Depends on {@code client},
 * {@code config}, {@code catalog} and {@code write} (docs/pushdown.md, docs/architecture.md).
 */
package io.github.calcited1.rel;
