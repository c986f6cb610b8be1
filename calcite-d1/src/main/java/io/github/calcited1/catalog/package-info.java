/**
 * What a D1 database holds: its tables, views and columns read from {@code sqlite_schema}
 * ({@link io.github.calcited1.catalog.D1Catalog}, shared between connections by
 * {@link io.github.calcited1.catalog.D1CatalogCache}), declared types mapped to Calcite types
 * ({@link io.github.calcited1.catalog.D1Types}), and the names generated SQL may use. Depends on {@code client} and
 * {@code config}.
 */
package io.github.calcited1.catalog;
