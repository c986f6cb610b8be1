package io.github.calcited1.jdbc;

import java.sql.SQLFeatureNotSupportedException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * What the connections of {@code jdbc:d1:} and {@code jdbc:d1:remote:} answer where Avatica's throw a bare,
 * message-less exception that GUI tools and SchemaCrawler trip over: type maps (none), client info (kept on the
 * connection, never sent to D1), savepoints (refused with the reason). One per connection.
 */
public final class D1ConnectionExtras {
  private final Properties clientInfo = new Properties();

  /** No user-defined type mappings: an empty map, as JDBC asks of a driver without them. */
  public Map<String, Class<?>> typeMap() {
    return new HashMap<>();
  }

  /** Accepts an empty map (tools reset it); refuses mappings, which D1 has no types for. */
  public void setTypeMap(Map<String, Class<?>> map) throws SQLFeatureNotSupportedException {
    if (map != null && !map.isEmpty()) {
      throw new SQLFeatureNotSupportedException("jdbc:d1: has no user-defined SQL types, so it cannot map "
          + map.keySet() + " to classes; read the values with getObject/getString instead", "0A000");
    }
  }

  /** Kept on this connection only (tools set ApplicationName etc.); D1 has no place to receive them. */
  public void setClientInfo(String name, String value) {
    if (value == null) {
      clientInfo.remove(name);
    } else {
      clientInfo.setProperty(name, value);
    }
  }

  public void setClientInfo(Properties properties) {
    clientInfo.clear();
    clientInfo.putAll(properties);
  }

  /** A copy of the client info set. */
  public Properties clientInfo() {
    Properties copy = new Properties();
    copy.putAll(clientInfo);
    return copy;
  }

  public String clientInfo(String name) {
    return clientInfo.getProperty(name);
  }

  /** The answer to every savepoint call. */
  public static SQLFeatureNotSupportedException noSavepoints() {
    return new SQLFeatureNotSupportedException("D1 has no savepoints: it keeps no transaction open across"
        + " requests (SAVEPOINT is refused), and calcite-d1's transaction is a buffer sent whole at COMMIT. Use"
        + " commit() and rollback() of the whole transaction", "0A000");
  }
}
