/**
 * The entry point named by model files: {@link io.github.calcited1.schema.D1SchemaFactory}
 * ({@code "factory": "io.github.calcited1.schema.D1SchemaFactory"}). It reads the operands and assembles a
 * {@link io.github.calcited1.rel.D1Schema}; everything else lives in the packages below it.
 */
package io.github.calcited1.schema;
