package io.github.calcited1.client;

import java.io.IOException;

/**
 * Keeps the API token out of messages. Exceptions from OkHttp or the JDK are not ours to trust: a message could
 * quote a header or a URL, so any text or cause chain that mentions the token is rewritten before it is logged or
 * wrapped.
 */
final class TokenScrubber {
  static final String REDACTED = "<redacted>";
  /** Bounds the walk, since a cause chain can (pathologically) be cyclic. */
  private static final int MAX_DEPTH = 32;

  private final String token;

  TokenScrubber(String token) {
    this.token = token;
  }

  String scrub(String text) {
    return text == null ? null : text.replace(token, REDACTED);
  }

  /** The throwable itself when it is clean, else a copy of its chain with the token replaced. */
  Throwable scrub(Throwable t) {
    return mentionsToken(t, 0) ? copy(t, 0) : t;
  }

  private Throwable copy(Throwable t, int depth) {
    if (t == null || depth > MAX_DEPTH) {
      return null;
    }
    // A plain IOException keeps the original class name in its text and the original stack trace.
    IOException copy = new IOException(scrub(t.toString()), copy(t.getCause(), depth + 1));
    copy.setStackTrace(t.getStackTrace());
    for (Throwable s : t.getSuppressed()) {
      copy.addSuppressed(copy(s, depth + 1));
    }
    return copy;
  }

  private boolean mentionsToken(Throwable t, int depth) {
    if (t == null || depth > MAX_DEPTH) {
      return false;
    }
    if (contains(t.getMessage()) || contains(t.getLocalizedMessage()) || contains(t.toString())) {
      return true;
    }
    for (Throwable s : t.getSuppressed()) {
      if (mentionsToken(s, depth + 1)) {
        return true;
      }
    }
    return mentionsToken(t.getCause(), depth + 1);
  }

  private boolean contains(String text) {
    return text != null && text.contains(token);
  }
}
