package io.github.calcited1.client;

/** One entry of an envelope's {@code errors} array. */
record ApiError(int code, String message) {}
