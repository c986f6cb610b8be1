package io.github.calcited1.client;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the API token out of messages. Exceptions from OkHttp or the JDK are not ours to trust: a message could
 * quote a header or a URL, so any text or cause chain that mentions the token is rewritten before it is logged or
 * wrapped.
 */
final class TokenScrubber {
  private static final Logger LOG = LoggerFactory.getLogger(TokenScrubber.class);
  static final String REDACTED = "<redacted>";
  /** Bounds the walk, since a cause chain can (pathologically) be cyclic. */
  private static final int MAX_DEPTH = 32;

  /**
   * Below this length a token is also a fragment of ordinary text ({@code T} is in every {@code SQLITE_CONSTRAINT}),
   * so only whole occurrences are redacted, and a warning says the token is too short to be Cloudflare's (40).
   */
  static final int SHORT_TOKEN = 16;
  private static final AtomicBoolean WARNED_SHORT = new AtomicBoolean();

  private final String token;
  /** Where the token occurs in a text: anywhere, or, for a short token, only as a whole word of token characters. */
  private final Pattern occurrence;

  TokenScrubber(String token) {
    this.token = token;
    this.occurrence = token.length() >= SHORT_TOKEN ? Pattern.compile(Pattern.quote(token))
        : Pattern.compile("(?<![A-Za-z0-9_-])" + Pattern.quote(token) + "(?![A-Za-z0-9_-])");
    if (token.length() < SHORT_TOKEN && WARNED_SHORT.compareAndSet(false, true)) {
      LOG.warn("The D1 API token is {} characters long; Cloudflare's are 40. A token this short can also be part of"
          + " ordinary text, so messages are cleaned of it only where it stands alone. Use a real API token"
          + " (this is said once per process).", token.length());
    }
  }

  String scrub(String text) {
    return text == null ? null : occurrence.matcher(text).replaceAll(REDACTED);
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
    return text != null && text.contains(token) && occurrence.matcher(text).find();
  }
}
