package io.github.calcited1.config;

/**
 * A schema operand in the model is missing or invalid. The message names the operand and how to fix it; it never
 * contains the API token.
 */
public final class D1ConfigurationException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String operand;

  public D1ConfigurationException(String operand, String message) {
    super(message);
    this.operand = operand;
  }

  /** The operand at fault. */
  public String operand() {
    return operand;
  }
}
