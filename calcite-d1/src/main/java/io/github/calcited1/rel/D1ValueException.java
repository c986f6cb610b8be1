package io.github.calcited1.rel;

/**
 * A value read from D1 does not fit the column's declared type (SQLite is dynamically typed, so an INTEGER column
 * may hold 'abc', a DATE column '2024-13-45'). The message names the column and the value.
 */
public final class D1ValueException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public D1ValueException(String message) {
    super(message);
  }
}
