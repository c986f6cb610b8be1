package io.github.calcited1.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.Test;

/** The two requests jdbc:d1:remote: sends as comments: written by the client, read back by the server. */
class D1RemoteRequestsTest {
  @Test void generatedKeyRequestsRoundTrip() throws SQLException {
    String insert = "INSERT INTO t (a) VALUES ('/*x*/')";
    assertEquals(insert, D1RemoteKeys.markKey(insert, Statement.NO_GENERATED_KEYS));
    assertNull(D1RemoteKeys.of(insert));
    assertEquals(insert, D1RemoteKeys.of(D1RemoteKeys.markKey(insert, Statement.RETURN_GENERATED_KEYS)).sql().strip());
    // a column name holding the comment's end, and quotes, survives
    String marked = D1RemoteKeys.markNames(insert, new String[] {"we*/ird \"name\"", "id"});
    assertTrue(marked.startsWith("/*calcite-d1:generated-keys columns=[\"we*\\/ird \\\"name\\\"\",\"id\"]*/ "), marked);
    assertEquals(insert, D1RemoteKeys.of(marked).sql().strip());
    assertEquals(insert, D1RemoteKeys.of(D1RemoteKeys.markIndexes(insert, new int[] {1, 3})).sql().strip());
    assertEquals("HY092", assertThrows(SQLException.class, () -> D1RemoteKeys.markKey(insert, 7)).getSQLState());
    assertEquals("HY092", assertThrows(SQLException.class, () -> D1RemoteKeys.markNames(insert, new String[0]))
        .getSQLState());
    SQLException malformed = assertThrows(SQLException.class,
        () -> D1RemoteKeys.of("/*calcite-d1:generated-keys columns=[id*/ INSERT INTO t VALUES (1)"));
    assertEquals("42000", malformed.getSQLState());
    assertTrue(malformed.getMessage().contains("columns=[\"id\"]"), malformed.getMessage());
  }

  @Test void metadataRequestsRoundTripAndOnlyReadTheCatalog() throws SQLException {
    assertNull(D1RemoteMetadata.of("SELECT 1"));
    String request = D1RemoteMetadata.request("getIndexInfo", null, "a/b", "t*/", true, false);
    assertTrue(request.endsWith("[null,\"a\\/b\",\"t*\\/\",true,false]*/"), request);
    D1RemoteMetadata.of(request);
    for (String bad : new String[] {"/*calcite-d1:metadata getConnection []*/",
        "/*calcite-d1:metadata getPrimaryKeys [null]*/", "/*calcite-d1:metadata getPrimaryKeys [null,*/"}) {
      SQLException e = assertThrows(SQLException.class, () -> D1RemoteMetadata.of(bad), bad);
      assertEquals("42000", e.getSQLState());
    }
  }
}
