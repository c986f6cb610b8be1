package io.github.calcited1.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.calcited1.testing.D1LocalExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.TimeZone;
import org.apache.calcite.avatica.AvaticaConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A {@code jdbc:d1:} connection reads its {@code timeZone} property once ({@code D1JdbcFactory.D1Connection}) and
 * still uses it as Avatica does: for the connection's zone, and to turn a TIMESTAMP into a {@code java.sql.Timestamp}
 * on every execution; without the property, the JVM's default zone.
 */
class D1ConnectionTimeZoneTest {
  @RegisterExtension static final D1LocalExtension d1 = new D1LocalExtension("shop");

  private static final String NOON = "SELECT TIMESTAMP '2024-01-01 12:00:00'";

  private static Instant noon(Connection c) throws Exception {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(NOON)) {
      rs.next();
      return rs.getTimestamp(1).toInstant();
    }
  }

  @Test
  void timeZonePropertyIsTheConnectionsZoneAtEveryExecution() throws Exception {
    try (Connection c = d1.connect("timeZone=America/New_York")) {
      assertEquals("America/New_York", c.unwrap(AvaticaConnection.class).getTimeZone().getID());
      for (int i = 0; i < 3; i++) {
        // Noon in New York (EST, UTC-5) is 17:00 UTC.
        assertEquals(Instant.parse("2024-01-01T17:00:00Z"), noon(c));
      }
    }
    try (Connection c = d1.connect("timeZone=UTC")) {
      assertEquals(Instant.parse("2024-01-01T12:00:00Z"), noon(c));
    }
  }

  @Test
  void withoutThePropertyTheJvmDefaultZone() throws Exception {
    try (Connection c = d1.connect()) {
      assertEquals(TimeZone.getDefault().getID(), c.unwrap(AvaticaConnection.class).getTimeZone().getID());
    }
  }
}
