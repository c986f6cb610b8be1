package io.github.calcited1.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;

import org.junit.jupiter.api.Test;

/** Redaction removes the token as a whole, never fragments of ordinary text. */
class TokenScrubberTest {
  private static final String D1_MESSAGE = "UNIQUE constraint failed: customers.id: SQLITE_CONSTRAINT (extended:"
      + " SQLITE_CONSTRAINT_PRIMARYKEY)";

  @Test void shortTokenIsRedactedOnlyWhereItStandsAlone() {
    TokenScrubber scrubber = new TokenScrubber("T");
    assertEquals(D1_MESSAGE, scrubber.scrub(D1_MESSAGE));
    assertEquals("Authorization: Bearer <redacted>", scrubber.scrub("Authorization: Bearer T"));
    assertEquals("token=<redacted>&x=1, \"<redacted>\"", scrubber.scrub("token=T&x=1, \"T\""));
    IOException clean = new IOException(D1_MESSAGE);
    assertSame(clean, scrubber.scrub(clean), "a chain that does not hold the token is kept as it is");
    assertEquals("java.io.IOException: Bearer <redacted>",
        scrubber.scrub(new IOException("Bearer T")).getMessage());

    TokenScrubber word = new TokenScrubber("tok-1");
    assertEquals("a tok-10 and xtok-1 stay; <redacted> goes", word.scrub("a tok-10 and xtok-1 stay; tok-1 goes"));
  }

  /** A token of Cloudflare's length is redacted wherever it occurs, also glued to other text (URL-encoded, say). */
  @Test void longTokenIsRedactedEverywhere() {
    String token = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-Xy";
    TokenScrubber scrubber = new TokenScrubber(token);
    assertEquals("q=%20<redacted>x <redacted>", scrubber.scrub("q=%20" + token + "x " + token));
  }
}
