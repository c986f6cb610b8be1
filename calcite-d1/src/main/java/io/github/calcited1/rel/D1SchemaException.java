package io.github.calcited1.rel;

/**
 * D1 could not be reached or refused to describe the database while a connection was being set up. The cause is
 * the client's typed {@link io.github.calcited1.client.D1Exception}.
 */
public final class D1SchemaException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public D1SchemaException(String message, Throwable cause) {
    super(message, cause);
  }
}
