/**
 * Statements D1 runs itself: the DDL parser and executor (CREATE/DROP TABLE, native DDL) and the schema functions
 * {@code d1_query}, {@code d1_execute} and {@code d1_databases}, which the schema factory hands to each schema.
 * Builds on {@code rel} and {@code write} (docs/ddl.md).
 */
package io.github.calcited1.ddl;
