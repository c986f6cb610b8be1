/**
 * The Avatica server that serves {@code jdbc:d1:} connections to thin clients
 * ({@link io.github.calcited1.server.D1AvaticaServer}). Builds on {@code jdbc} (and on
 * {@code write} for the buffer limit; docs/remote-access.md).
 */
package io.github.calcited1.server;
