package io.github.calcited1.rel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.calcited1.testing.D1LocalExtension;
import io.github.calcited1.testing.Rows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A column dropped behind the adapter's back, after it read the catalog. D1's SQLite takes a double-quoted name that
 * matches no column as a string literal (DQS: d1-local/conformance/corpus/sql-double-quoted-unknown-name.json), so
 * {@code SELECT "note" FROM notes} would answer the text 'note' for every row; the adapter qualifies every column
 * it names ({@code "t"."note"}), which SQLite never reads as a string, so the statement fails with SQLite's
 * "no such column" instead.
 */
class D1StaleCatalogTest {
  @RegisterExtension static final D1LocalExtension D1 = new D1LocalExtension("stale");

  @BeforeEach void createTable() throws SQLException {
    try (Connection c = D1.sqlite(); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS notes");
      s.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, note TEXT, n INTEGER)");
      s.execute("INSERT INTO notes VALUES (1, 'one', 10), (2, 'two', 20)");
    }
  }

  private static void dropNote() throws SQLException {
    try (Connection c = D1.sqlite(); Statement s = c.createStatement()) {
      s.execute("ALTER TABLE notes DROP COLUMN note");
    }
  }

  private static void assertNoSuchColumn(Connection calcite, String sql) {
    assertNoSuchColumn(sql, () -> {
      try (Statement st = calcite.createStatement(); ResultSet rs = st.executeQuery(sql)) {
        Rows.read(rs);
      }
    });
  }

  private static void assertNoSuchColumn(String sql, Executable statement) {
    SQLException e = assertThrows(SQLException.class, statement, sql);
    assertTrue(e.getMessage().contains("no such column: t.note")
        || e.getMessage().contains("no such column: notes.note"), () -> sql + ": " + e);
    assertEquals("42S22", e.getSQLState(), () -> sql + ": " + e);
  }

  @Test void aDroppedColumnInTheSelectListIsAnErrorNotItsName() throws SQLException {
    try (Connection calcite = D1.connect(); Statement st = calcite.createStatement()) {
      assertEquals("one", Rows.read(st.executeQuery("select note from notes where id = 1")).get(0));
      dropNote();
      assertNoSuchColumn(calcite, "select note from notes order by id");
      assertNoSuchColumn(calcite, "select id, note from notes order by id");
    }
  }

  @Test void aDroppedColumnInWhereIsAnErrorNotAStringComparison() throws SQLException {
    try (Connection calcite = D1.connect(); Statement st = calcite.createStatement()) {
      Rows.read(st.executeQuery("select id from notes where note = 'one'"));
      dropNote();
      // unqualified, "note" = 'note' would be true for every row
      assertNoSuchColumn(calcite, "select id from notes where note = 'note'");
      assertNoSuchColumn(calcite, "select count(*) from notes where note <> 'x'");
      assertNoSuchColumn(calcite, "select max(note) from notes");
    }
  }

  @Test void aDroppedColumnInAWriteIsAnErrorNotAStoredName() throws SQLException {
    try (Connection calcite = D1.connect(); Statement st = calcite.createStatement()) {
      Rows.read(st.executeQuery("select id, note, n from notes where id = 1"));
      dropNote();
      assertNoSuchColumn("update", () -> st.executeUpdate("update notes set n = 5 where note = 'note'"));
      assertNoSuchColumn("delete", () -> st.executeUpdate("delete from notes where note = 'note'"));
      try (PreparedStatement ps = calcite.prepareStatement("update notes set n = n + 1 where note = ?")) {
        ps.setString(1, "note");
        assertNoSuchColumn("prepared update", ps::executeUpdate);
      }
    }
    try (Connection c = D1.sqlite(); Statement s = c.createStatement()) {
      // no write happened: the WHERE matched nothing rather than every row
      assertEquals(List.of("1 | 10", "2 | 20"), Rows.read(s.executeQuery("SELECT id, n FROM notes ORDER BY id")));
    }
  }
}
