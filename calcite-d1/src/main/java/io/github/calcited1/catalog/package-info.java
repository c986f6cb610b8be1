/**
 * What a D1 database holds: its tables, views and columns, read with {@code PRAGMA table_list} and {@code table_xinfo}
 * ({@link io.github.calcited1.catalog.D1Catalog}, shared between connections by
 * {@link io.github.calcited1.catalog.D1CatalogCache}), declared types mapped to Calcite types
 * ({@link io.github.calcited1.catalog.D1Types}), and the names generated SQL may use. Depends on {@code client}
 * only.
 */
package io.github.calcited1.catalog;
