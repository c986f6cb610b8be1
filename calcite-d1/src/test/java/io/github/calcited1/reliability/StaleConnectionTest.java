package io.github.calcited1.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.calcited1.testing.D1LocalExtension;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A write right after d1-local restarted on the same port: the client's pooled keep-alive connection to the old
 * server is dead, and the request never reaches the new one. Nothing was sent, so it is sent again on a new
 * connection, and succeeds exactly once (before: 08007 "outcome unknown" on the first write after every restart).
 */
class StaleConnectionTest {
  @RegisterExtension static final D1LocalExtension d1 = new D1LocalExtension("shop", "other");

  @BeforeAll
  static void table() throws Exception {
    d1.d1Batch("CREATE TABLE marks (id INTEGER PRIMARY KEY, v TEXT)");
  }

  private static long count() throws Exception {
    return ((Number) d1.d1("SELECT count(*) FROM marks").rows().get(0)[0]).longValue();
  }

  @Test
  void firstWriteAfterARestartIsSentOnANewConnectionExactlyOnce() throws Exception {
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      assertEquals(1, s.executeUpdate("INSERT INTO marks VALUES (1, 'before')"));
      d1.restart(Duration.ofMillis(200));
      assertEquals(1, s.executeUpdate("INSERT INTO marks VALUES (2, 'after')"));
      assertEquals(1, d1.server().requestCount(), "the new server got the write once (the catalog is cached)");
      c.setAutoCommit(false);
      s.executeUpdate("INSERT INTO marks VALUES (3, 'commit')");
      d1.restart(Duration.ofMillis(200));
      c.commit();
    }
    assertEquals(3, count());
  }
}
