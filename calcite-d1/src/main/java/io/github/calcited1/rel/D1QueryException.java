package io.github.calcited1.rel;

import io.github.calcited1.client.D1Exception;

/** D1 failed to run a pushed-down statement. The cause is the client's typed exception. */
public final class D1QueryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public D1QueryException(String message, D1Exception cause) {
    super(message, cause);
  }
}
