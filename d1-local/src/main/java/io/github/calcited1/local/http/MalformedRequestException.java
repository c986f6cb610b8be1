package io.github.calcited1.local.http;

/** The body is not JSON, or not one of the shapes D1's query endpoints accept. */
final class MalformedRequestException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean invalidJson;

  private MalformedRequestException(String message, boolean invalidJson) {
    super(message, null, false, false);
    this.invalidJson = invalidJson;
  }

  static MalformedRequestException invalidJson() {
    return new MalformedRequestException("The request is not valid JSON", true);
  }

  static MalformedRequestException wrongShape(String what) {
    return new MalformedRequestException("The request is malformed: " + what, false);
  }

  public boolean isInvalidJson() {
    return invalidJson;
  }
}
