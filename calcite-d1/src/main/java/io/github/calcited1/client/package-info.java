/**
 * The D1 REST client: requests, retries, streaming JSON rows ({@link io.github.calcited1.client.RawReader}), errors
 * as {@link io.github.calcited1.client.D1Exception} with SQLStates, and the token kept out of every message. It knows
 * nothing of Calcite and depends on no other calcite-d1 package.
 */
package io.github.calcited1.client;
