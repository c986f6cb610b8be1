/**
 * The operands of a D1 schema in a model ({@link io.github.calcited1.config.D1SchemaConfig}, with the write options
 * {@link io.github.calcited1.config.D1WriteOptions}), validated once with errors that name the operand
 * (docs/configuration.md). Depends on {@code client} only.
 */
package io.github.calcited1.config;
