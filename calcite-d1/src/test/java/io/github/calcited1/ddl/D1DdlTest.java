package io.github.calcited1.ddl;

import static io.github.calcited1.testing.Errors.sqlState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.calcited1.testing.D1LocalExtension;
import java.sql.Connection;
import java.sql.JDBCType;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** DDL on D1 through jdbc:d1:, checked against what SQLite itself has in the database file. */
class D1DdlTest {
  @RegisterExtension static final D1LocalExtension d1 = new D1LocalExtension("shop", "other");

  private static List<String> sqlite(String sql) throws SQLException {
    return sqlite(d1, sql);
  }

  /** Rows of a query, with its parameters, on the SQLite file behind a fixture's "shop". */
  static List<String> sqlite(D1LocalExtension fixture, String sql, Object... params) throws SQLException {
    try (Connection c = fixture.sqlite(); java.sql.PreparedStatement p = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        p.setObject(i + 1, params[i]);
      }
      try (ResultSet r = p.executeQuery()) {
        return rows(r);
      }
    }
  }

  /** Each row its columns joined by '|' (a DOUBLE in Java's notation, whichever driver read it). */
  static List<String> rows(ResultSet r) throws SQLException {
    List<String> rows = new ArrayList<>();
    int n = r.getMetaData().getColumnCount();
    while (r.next()) {
      StringBuilder sb = new StringBuilder();
      for (int i = 1; i <= n; i++) {
        Object v = r.getObject(i);
        sb.append(i > 1 ? "|" : "").append(v instanceof Double d ? d.toString() : r.getString(i));
      }
      rows.add(sb.toString());
    }
    return rows;
  }


  static List<String> rows(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      return rows(r);
    }
  }

  @Test
  void createTableWithCalciteTypesAndConstraints() throws Exception {
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE ct_parent (id BIGINT NOT NULL, code VARCHAR(10) NOT NULL, PRIMARY KEY (id),"
          + " UNIQUE (code))");
      s.execute("CREATE TABLE IF NOT EXISTS ct_items (id INTEGER NOT NULL, parent BIGINT, price DECIMAL(10, 2)"
          + " DEFAULT 0, ok BOOLEAN DEFAULT TRUE, born DATE, seen TIMESTAMP DEFAULT CURRENT_TIMESTAMP, w DOUBLE,"
          + " data VARBINARY, note TEXT DEFAULT 'none', PRIMARY KEY (id),"
          + " CONSTRAINT price_positive CHECK (price >= 0))");
      assertEquals(List.of("CREATE TABLE \"ct_items\" (\"id\" INTEGER NOT NULL, \"parent\" INTEGER,"
          + " \"price\" DECIMAL(10, 2) DEFAULT 0, \"ok\" BOOLEAN DEFAULT TRUE, \"born\" DATE,"
          + " \"seen\" TIMESTAMP DEFAULT CURRENT_TIMESTAMP, \"w\" DOUBLE, \"data\" BLOB, \"note\" TEXT DEFAULT 'none',"
          + " PRIMARY KEY (\"id\"), CONSTRAINT \"price_positive\" CHECK (\"price\" >= 0))"),
          sqlite("SELECT sql FROM sqlite_master WHERE name = 'ct_items'"));
      // The next statement of the same connection sees the table, with the Calcite types it was declared with.
      s.executeUpdate("INSERT INTO ct_items (id, parent, price, born, w) VALUES (1, 7, 2.50, DATE '2024-02-29', 1.5)");
      assertEquals(List.of("1|7|2.50|true|2024-02-29|1.5|none"),
          rows(c, "SELECT id, parent, price, ok, born, w, note FROM ct_items"));
      try (ResultSet r = s.executeQuery("SELECT * FROM ct_items")) {
        List<String> types = new ArrayList<>();
        for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
          types.add(r.getMetaData().getColumnName(i) + ":" + JDBCType.valueOf(r.getMetaData().getColumnType(i)));
        }
        assertEquals(List.of("id:BIGINT", "parent:BIGINT", "price:DECIMAL", "ok:BOOLEAN", "born:DATE",
            "seen:TIMESTAMP", "w:DOUBLE", "data:VARBINARY", "note:VARCHAR"), types);
      }
      SQLException check = assertThrows(SQLException.class,
          () -> s.executeUpdate("INSERT INTO ct_items (id, price) VALUES (2, -1)"));
      assertTrue(check.getMessage().contains("CHECK constraint failed"), check.getMessage());
      assertEquals(List.of("1|2.5"), sqlite("SELECT id, price FROM ct_items"));
    }
  }

  @Test
  void sqliteDdlAsWrittenIndexesAlterTableAndForeignKeys() throws Exception {
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE nd_parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
      s.execute("CREATE TABLE shop.nd_child (id INTEGER PRIMARY KEY,"
          + " parent INTEGER NOT NULL REFERENCES nd_parent(id) ON DELETE CASCADE, qty INTEGER CHECK (qty > 0))");
      s.execute("CREATE UNIQUE INDEX IF NOT EXISTS shop.nd_child_parent ON nd_child (parent, qty)");
      assertEquals(List.of("nd_child_parent|1"),
          sqlite("SELECT name, \"unique\" FROM pragma_index_list('nd_child') WHERE origin = 'c'"));
      s.execute("ALTER TABLE nd_child ADD COLUMN note TEXT DEFAULT 'n/a'");
      s.execute("ALTER TABLE shop.nd_child RENAME COLUMN note TO remark");
      s.executeUpdate("INSERT INTO nd_parent VALUES (1, 'a')");
      s.executeUpdate("INSERT INTO nd_child (id, parent, qty) VALUES (10, 1, 3)");
      assertEquals(List.of("10|1|3|n/a"), rows(c, "SELECT id, parent, qty, remark FROM nd_child"));
      s.execute("DROP INDEX nd_child_parent");
      assertEquals(List.of(), sqlite("SELECT name FROM sqlite_master WHERE name = 'nd_child_parent'"));
      s.execute("ALTER TABLE nd_child DROP COLUMN remark");
      assertEquals(List.of("id", "parent", "qty"), sqlite("SELECT name FROM pragma_table_info('nd_child')"));
      assertEquals(List.of("10|1|3"), rows(c, "SELECT * FROM nd_child"));
      // The foreign key is D1's: enforced, with its cascade.
      SQLException fk = assertThrows(SQLException.class,
          () -> s.executeUpdate("INSERT INTO nd_child (id, parent, qty) VALUES (11, 99, 1)"));
      assertTrue(fk.getMessage().contains("FOREIGN KEY constraint failed"), fk.getMessage());
      s.executeUpdate("DELETE FROM nd_parent WHERE id = 1");
      assertEquals(List.of("0"), sqlite("SELECT count(*) FROM nd_child"));
      s.execute("ALTER TABLE nd_child RENAME TO nd_kid");
      assertEquals(List.of("0"), rows(c, "SELECT count(*) FROM nd_kid"));
      SQLException gone = assertThrows(SQLException.class, () -> rows(c, "SELECT count(*) FROM nd_child"));
      assertTrue(gone.getMessage().contains("nd_child"), gone.getMessage());
      SQLException bad = assertThrows(SQLException.class, () -> s.execute("ALTER TABLE nd_kid DROP COLUMN nope"));
      assertTrue(bad.getMessage().contains("no such column"), bad.getMessage());
    }
  }

  @Test
  void viewsAndDropsWithIfExists() throws Exception {
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE vw_t (id INTEGER NOT NULL, grp VARCHAR(5), PRIMARY KEY (id))");
      s.executeUpdate("INSERT INTO vw_t VALUES (1, 'a'), (2, 'b'), (3, 'a')");
      s.execute("CREATE VIEW shop.vw_a (id, g) AS SELECT id, grp FROM shop.vw_t WHERE grp = 'a'");
      assertEquals(List.of("CREATE VIEW \"vw_a\" (\"id\", \"g\") AS SELECT \"id\", \"grp\"\nFROM \"vw_t\"\n"
          + "WHERE \"grp\" = 'a'"), sqlite("SELECT sql FROM sqlite_master WHERE name = 'vw_a'"));
      assertEquals(List.of("1|a", "3|a"), rows(c, "SELECT id, g FROM vw_a ORDER BY id"));
      s.execute("CREATE OR REPLACE VIEW vw_a AS SELECT id FROM vw_t WHERE grp = 'b'");
      assertEquals(List.of("2"), rows(c, "SELECT * FROM vw_a"));
      s.execute("DROP VIEW vw_a");
      s.execute("DROP VIEW IF EXISTS vw_a");
      s.execute("DROP TABLE vw_t");
      s.execute("DROP TABLE IF EXISTS vw_t");
      assertEquals(List.of(), sqlite("SELECT name FROM sqlite_master WHERE name LIKE 'vw_%'"));
      SQLException missing = assertThrows(SQLException.class, () -> s.execute("DROP TABLE vw_t"));
      assertTrue(missing.getMessage().contains("no such table: vw_t"), missing.getMessage());
      SQLException ctas = assertThrows(SQLException.class, () -> s.execute("CREATE TABLE vw_x AS SELECT 1 AS a"));
      assertEquals("0A000", sqlState(ctas));
    }
  }

  @Test
  void ddlIsRefusedWhileWritesAreBufferedAndSentAtOnceOtherwise() throws Exception {
    d1.d1("CREATE TABLE IF NOT EXISTS tx_t (id INTEGER PRIMARY KEY)");
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("CREATE TABLE tx_new (id INTEGER PRIMARY KEY)"); // nothing buffered: sent at once
      assertEquals(List.of("tx_new"), sqlite("SELECT name FROM sqlite_master WHERE name = 'tx_new'"));
      s.executeUpdate("INSERT INTO tx_t VALUES (1)");
      SQLException refused = assertThrows(SQLException.class, () -> s.execute("DROP TABLE tx_new"));
      assertEquals("25001", sqlState(refused));
      assertTrue(refused.getMessage().contains("Commit or roll back first"), refused.getMessage());
      c.commit();
      s.execute("DROP TABLE tx_new");
      assertEquals(List.of(), sqlite("SELECT name FROM sqlite_master WHERE name = 'tx_new'"));
      assertEquals(List.of("1"), sqlite("SELECT id FROM tx_t"));
    }
  }

  @Test
  void anotherConnectionSeesTheChangeAtItsNextStatement() throws Exception {
    try (Connection a = d1.connect(); Connection b = d1.connect(); Statement s = a.createStatement()) {
      assertEquals(List.of("0"),
          rows(b, "SELECT count(*) FROM \"metadata\".\"TABLES\" WHERE \"tableName\" = 'seen_t'"));
      long before = d1.requestCount();
      s.execute("CREATE TABLE seen_t (x INTEGER)");
      // The DDL, then the catalog reload: the known tables in one batch, the new one's description in a second.
      assertEquals(3, d1.requestCount() - before);
      assertEquals(List.of("0"), rows(b, "SELECT count(*) FROM seen_t"));
      before = d1.requestCount();
      s.execute("ALTER TABLE seen_t ADD COLUMN y TEXT DEFAULT 'd'");
      // Same table list: the reload is one batch.
      assertEquals(2, d1.requestCount() - before);
      s.executeUpdate("INSERT INTO seen_t (x) VALUES (1)");
      // b had already read seen_t's old definition.
      assertEquals(List.of("1|d"), rows(b, "SELECT x, y FROM seen_t"));
    }
  }

  @Test
  void readOnlySchemaRefusesDdl() throws Exception {
    try (Connection c = d1.connect("readOnly=true"); Statement s = c.createStatement()) {
      SQLException e = assertThrows(SQLException.class, () -> s.execute("CREATE TABLE ro_t (x INTEGER)"));
      assertEquals("25006", sqlState(e));
      SQLException n = assertThrows(SQLException.class, () -> s.execute("CREATE INDEX ro_i ON tx_t (id)"));
      assertEquals("25006", sqlState(n));
    }
    assertEquals(List.of(), sqlite("SELECT name FROM sqlite_master WHERE name IN ('ro_t', 'ro_i')"));
  }

  /** SELECT * of a one-column view, and of a table read by pages, once named the star "AS id" (a syntax error). */
  @Test
  void selectStarOfOneColumnViewAndOfAPagedTable() throws Exception {
    d1.d1Batch("CREATE TABLE star_t (id INTEGER PRIMARY KEY, parent INTEGER, qty INTEGER, remark TEXT)",
        "INSERT INTO star_t VALUES (10, 1, 3, 'x')", "CREATE VIEW star_v AS SELECT id FROM star_t");
    try (Connection c = d1.connect("catalogTtlSeconds=0")) {
      assertEquals(List.of("10"), rows(c, "SELECT * FROM star_v"));
      assertEquals(List.of("10|1|3|x"), rows(c, "SELECT * FROM star_t"));
    }
  }

  @Test
  void ddlAndD1QueryThroughTheAvaticaServer() throws Exception {
    try (io.github.calcited1.server.D1AvaticaServer server = io.github.calcited1.server.D1AvaticaServer.start(
            io.github.calcited1.server.D1AvaticaServer.config().url(d1.url()).port(0));
         Connection c = java.sql.DriverManager.getConnection(server.clientUrl()); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE av_t (id INTEGER NOT NULL, name VARCHAR(20), PRIMARY KEY (id))");
      s.execute("CREATE INDEX av_t_name ON av_t (name)");
      s.executeUpdate("INSERT INTO av_t VALUES (1, 'x')");
      assertEquals(List.of("1|x"), rows(c, "SELECT * FROM TABLE(d1_query('SELECT id, name FROM av_t INDEXED BY"
          + " av_t_name WHERE name = ?', 'id INTEGER, name TEXT', 'x'))"));
      s.execute("DROP TABLE av_t");
    }
    assertEquals(List.of(), sqlite("SELECT name FROM sqlite_master WHERE name LIKE 'av_t%'"));
  }
}
