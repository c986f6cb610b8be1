package io.github.calcited1.client;

import java.util.List;

/**
 * A statement's result read row by row while the response streams in, so a large result never sits in memory.
 * Holds an open HTTP response: use it in try-with-resources. Not thread-safe.
 *
 * <p>Errors D1 reports after the rows (in the envelope's tail), a malformed or cut-short body, and network failures
 * surface from {@link #next()} as {@link D1Exception}s; a result is never silently short.
 */
public interface D1Cursor extends AutoCloseable {
  /** Column names in order, duplicates kept; known as soon as the cursor is returned. */
  List<String> columns();

  /**
   * Advances to the next row.
   *
   * @return false once all rows are read (the response has then been read to its end and checked)
   */
  boolean next() throws D1Exception;

  /**
   * The current row, a fresh array the caller may keep. Values: {@code null}; {@link Long} for an integral JSON
   * number that fits; {@link Double} for a number with a fraction or exponent, or an integer beyond long range;
   * {@link String}; {@code byte[]} for a BLOB. Integers beyond 2^53 come already rounded by D1's JavaScript.
   *
   * @throws IllegalStateException if {@link #next()} has not returned true
   */
  Object[] row();

  /** The statement's meta; null until {@link #next()} has returned false. */
  D1Meta meta();

  /** Releases the HTTP response; safe to call more than once. Closing early abandons the rest of the result. */
  @Override
  void close();
}
