package io.github.calcited1.jdbc;

import io.github.calcited1.testing.D1LocalExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Generated keys after INSERT through jdbc:d1:, checked against the rows SQLite holds. */
class D1GeneratedKeysTest {
  @RegisterExtension static final D1LocalExtension d1 = new D1LocalExtension("shop", "other");

  @BeforeAll
  static void schema() throws Exception {
    d1.d1Batch("CREATE TABLE people (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL,"
            + " created_at TEXT DEFAULT CURRENT_TIMESTAMP)",
        "INSERT INTO people (id, name) VALUES (9007199254740990, 'seed')",
        "CREATE TABLE notes (body TEXT)",
        "CREATE TABLE tags (tag TEXT PRIMARY KEY, n INTEGER) WITHOUT ROWID");
  }

  static List<List<Object>> keys(Statement s) throws SQLException {
    List<List<Object>> out = new ArrayList<>();
    try (ResultSet rs = s.getGeneratedKeys()) {
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          row.add(rs.getObject(i));
        }
        out.add(row);
      }
    }
    return out;
  }

  /** The ids SQLite holds for these names, in the same order. */
  static List<List<Object>> idsOf(String... names) throws SQLException {
    List<List<Object>> out = new ArrayList<>();
    try (Connection s = d1.sqlite()) {
      for (String n : names) {
        try (PreparedStatement ps = s.prepareStatement("SELECT id FROM people WHERE name = ?")) {
          ps.setString(1, n);
          try (ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next(), n);
            out.add(List.of(rs.getLong(1)));
            assertFalse(rs.next(), n);
          }
        }
      }
    }
    return out;
  }

  @Test
  void preparedInsertReturnsTheNewRowsKeyExactlyPast2To53() throws Exception {
    try (Connection c = d1.connect();
         PreparedStatement ps = c.prepareStatement("INSERT INTO people (name) VALUES (?)",
             Statement.RETURN_GENERATED_KEYS)) {
      ps.setString(1, "ann");
      assertEquals(1, ps.executeUpdate());
      List<List<Object>> keys = keys(ps);
      assertEquals(idsOf("ann"), keys);
      // past 2^53 (after the seed row), where D1's JSON numbers would round odd keys: equal to SQLite's exactly
      assertTrue((Long) keys.get(0).get(0) > 9007199254740990L, keys.toString());
      try (ResultSet rs = ps.getGeneratedKeys()) {
        assertEquals("id", rs.getMetaData().getColumnName(1));
        assertEquals(Types.BIGINT, rs.getMetaData().getColumnType(1));
      }
      ps.setString(1, "bob");
      ps.executeUpdate();
      assertEquals(idsOf("bob"), keys(ps));
      assertEquals(1L, (Long) idsOf("bob").get(0).get(0) - (Long) keys.get(0).get(0));
    }
  }

  @Test
  void multiRowInsertReturnsEveryKeyInOrder() throws Exception {
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      assertEquals(3, s.executeUpdate("INSERT INTO people (name) VALUES ('m1'), ('m2'), ('m3')",
          Statement.RETURN_GENERATED_KEYS));
      assertEquals(idsOf("m1", "m2", "m3"), keys(s));
    }
  }

  @Test
  void namedAndIndexedColumnsAreReturned() throws Exception {
    try (Connection c = d1.connect();
         PreparedStatement ps = c.prepareStatement("INSERT INTO people (name) VALUES (?)",
             new String[] {"ID", "created_at"})) {
      ps.setString(1, "named");
      ps.executeUpdate();
      List<List<Object>> keys = keys(ps);
      assertEquals(1, keys.size());
      assertEquals(idsOf("named").get(0).get(0), keys.get(0).get(0));
      assertNotNull(keys.get(0).get(1)); // the DEFAULT CURRENT_TIMESTAMP D1 filled in
      try (ResultSet rs = ps.getGeneratedKeys()) {
        assertEquals("id", rs.getMetaData().getColumnName(1));
        assertEquals("created_at", rs.getMetaData().getColumnName(2));
      }
    }
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO people (name) VALUES ('indexed')", new int[] {2});
      assertEquals(List.of(List.of("indexed")), keys(s));
      SQLException bad = assertThrows(SQLException.class,
          () -> s.executeUpdate("INSERT INTO people (name) VALUES ('never')", new String[] {"nope"}));
      assertEquals("42S22", bad.getSQLState());
      assertTrue(bad.getMessage().contains("'nope' is not a column of D1 table 'people'"), bad.getMessage());
    }
    assertEquals(0, d1.count("people WHERE name = 'never'"));
  }

  @Test
  void tablesWithoutAnIntegerKeyReturnTheirRowidOrPrimaryKey() throws Exception {
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO notes (body) VALUES ('x'), ('y')", Statement.RETURN_GENERATED_KEYS);
      List<List<Object>> keys = keys(s);
      List<List<Object>> rowids = new ArrayList<>();
      try (Connection sqlite = d1.sqlite(); Statement q = sqlite.createStatement();
           ResultSet rs = q.executeQuery("SELECT rowid FROM notes ORDER BY rowid")) {
        while (rs.next()) {
          rowids.add(List.of(rs.getLong(1)));
        }
      }
      assertEquals(rowids, keys);
      s.executeUpdate("INSERT INTO tags (tag, n) VALUES ('red', 1)", Statement.RETURN_GENERATED_KEYS);
      assertEquals(List.of(List.of("red")), keys(s));
    }
  }

  @Test
  void withAutocommitOffTheKeysAreEmptyAndAWarningSaysWhy() throws Exception {
    try (Connection c = d1.connect();
         PreparedStatement ps = c.prepareStatement("INSERT INTO people (name) VALUES (?)",
             Statement.RETURN_GENERATED_KEYS)) {
      c.setAutoCommit(false);
      ps.setString(1, "buffered");
      assertEquals(1, ps.executeUpdate());
      assertEquals(List.of(), keys(ps));
      SQLWarning w = D1Connections.warnings(c);
      assertNotNull(w);
      assertEquals(D1KeyedStatements.KEYS_AFTER_COMMIT_STATE, w.getSQLState());
      // a state of its own: 01D01 split commit, 01D02 counts unknown, 01D03 warnings dropped
      assertEquals("01D04", w.getSQLState());
      assertTrue(w.getMessage().contains("not known before COMMIT"), w.getMessage());
      c.commit();
    }
    assertEquals(1, d1.count("people WHERE name = 'buffered'"));
  }

  @Test
  void withoutKeysAskedForNothingChanges() throws Exception {
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      assertEquals(1, s.executeUpdate("INSERT INTO people (name) VALUES ('plain')", Statement.NO_GENERATED_KEYS));
      assertEquals(List.of(), keys(s));
      SQLException bad = assertThrows(SQLException.class, () -> c.prepareStatement("SELECT 1", 7));
      assertEquals("HY092", bad.getSQLState());
    }
  }

  /** JDBC: the keys are those of the statement's last execution; one that asked for none has none. */
  @Test
  void anExecutionWithoutKeysAskedForDoesNotReturnThePreviousOnesKeys() throws Exception {
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO people (name) VALUES ('stale1')", Statement.RETURN_GENERATED_KEYS);
      assertEquals(idsOf("stale1"), keys(s));
      s.executeUpdate("INSERT INTO people (name) VALUES ('stale2')");
      assertEquals(List.of(), keys(s));
    }
    try (Connection c = d1.connect();
         PreparedStatement ps = c.prepareStatement("INSERT INTO people (name) VALUES (?)",
             Statement.RETURN_GENERATED_KEYS)) {
      ps.setString(1, "stale3");
      ps.executeUpdate();
      assertEquals(idsOf("stale3"), keys(ps));
      ps.setString(1, "stale4");
      ps.addBatch();
      ps.executeBatch(); // a batch returns no keys
      assertEquals(List.of(), keys(ps));
    }
  }

  /**
   * Two statements of one connection on two threads: the keys one asked for (here, asked for and not yet taken, as
   * while its INSERT runs) never receive the other's rows, nor make the other's INSERT return keys.
   */
  @Test
  void anotherThreadsInsertOnTheSameConnectionDoesNotFillTheseKeys() throws Exception {
    try (Connection c = d1.connect()) {
      io.github.calcited1.write.D1Session session = D1Connections.session(c);
      io.github.calcited1.write.D1GeneratedKeys asked = io.github.calcited1.write.D1GeneratedKeys.ofKey();
      session.requestGeneratedKeys(asked);
      java.util.concurrent.ExecutorService other = java.util.concurrent.Executors.newSingleThreadExecutor();
      try {
        other.submit(() -> {
          try (Statement s = c.createStatement()) {
            return s.executeUpdate("INSERT INTO tags (tag, n) VALUES ('other-thread', 1)");
          }
        }).get(30, java.util.concurrent.TimeUnit.SECONDS);
      } finally {
        other.shutdownNow();
      }
      assertEquals(List.of(), asked.rows());
      assertEquals(List.of(), asked.columns());
      session.takeGeneratedKeys();
    }
  }
}
