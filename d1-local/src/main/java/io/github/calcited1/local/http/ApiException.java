package io.github.calcited1.local.http;

/**
 * An error answered by the API layer (not by SQL): {@code "result":null}, an HTTP status and one
 * Cloudflare error code and message.
 */
final class ApiException extends Exception {
  private static final long serialVersionUID = 1L;

  final int status;
  final int code;

  ApiException(int status, int code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  static ApiException authentication() {
    return new ApiException(401, 10000, "Authentication error");
  }

  static ApiException noRoute() {
    return new ApiException(404, 7000, "No route for that URI");
  }

  static ApiException unknownDatabase(String id) {
    return new ApiException(404, 7404, "The database " + id + " could not be found");
  }

  static ApiException badRequest(String message) {
    return new ApiException(400, 7400, message);
  }
}
