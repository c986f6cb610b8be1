package io.github.calcited1.jdbc;

import io.github.calcited1.testing.KeysSchema;
import io.github.calcited1.testing.D1LocalExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code DatabaseMetaData} and the connection answers GUI tools rely on, of {@code jdbc:d1:} against d1-local,
 * compared with sqlite-jdbc on the same SQLite file: keys, foreign keys, indexes, column declarations.
 */
public class D1DatabaseMetaDataTest {
  @RegisterExtension static final D1LocalExtension d1 = new D1LocalExtension("shop", "other");

  static final List<String> TABLES = List.of("customers", "orders", "order_lines", "big_orders");

  @BeforeAll
  static void schema() throws Exception {
    d1.d1Batch(KeysSchema.STATEMENTS);
    d1.d1Batch("CREATE TABLE tag_groups (id TEXT PRIMARY KEY)",
        "CREATE TABLE tag_links (tag TEXT, grp TEXT REFERENCES tag_groups ON UPDATE SET NULL)");
  }

  /** The rows of a metadata result set, each as "COL=value ..." of the named columns. */
  static List<String> rows(ResultSet rs, String... columns) throws SQLException {
    List<String> out = new ArrayList<>();
    try (rs) {
      while (rs.next()) {
        StringBuilder sb = new StringBuilder();
        for (String c : columns) {
          String v = c.equals("NON_UNIQUE") ? String.valueOf(rs.getBoolean(c)) : rs.getString(c);
          sb.append(sb.length() > 0 ? " " : "").append(c).append('=').append(v);
        }
        out.add(sb.toString());
      }
    }
    return out;
  }

  interface Query {
    ResultSet run(DatabaseMetaData md, String schema, String table) throws SQLException;
  }

  /** Asserts jdbc:d1: answers {@code query} for every table as sqlite-jdbc does, in the named columns. */
  static void sameAsSqlite(Query query, String... columns) throws SQLException {
    try (Connection c = d1.connect(); Connection sqlite = d1.sqlite()) {
      for (String t : TABLES) {
        List<String> expected = rows(query.run(sqlite.getMetaData(), null, t), columns);
        List<String> actual = rows(query.run(c.getMetaData(), "shop", t), columns);
        assertEquals(expected, actual, t);
      }
    }
  }

  @Test
  void primaryKeysAreSqliteJdbcs() throws Exception {
    sameAsSqlite((md, s, t) -> md.getPrimaryKeys(null, s, t), "TABLE_NAME", "COLUMN_NAME", "KEY_SEQ");
    try (Connection c = d1.connect()) {
      assertEquals(List.of("COLUMN_NAME=line KEY_SEQ=2", "COLUMN_NAME=order_id KEY_SEQ=1"),
          rows(c.getMetaData().getPrimaryKeys(null, "shop", "order_lines"), "COLUMN_NAME", "KEY_SEQ"));
    }
  }

  @Test
  void foreignKeysAreSqliteJdbcs() throws Exception {
    String[] columns = {"PKTABLE_NAME", "PKCOLUMN_NAME", "FKTABLE_NAME", "FKCOLUMN_NAME", "KEY_SEQ", "UPDATE_RULE",
        "DELETE_RULE"};
    sameAsSqlite((md, s, t) -> md.getImportedKeys(null, s, t), columns);
    sameAsSqlite((md, s, t) -> md.getExportedKeys(null, s, t), columns);
    try (Connection c = d1.connect()) {
      // sqlite-jdbc 3.54.1.0 answers getCrossReference with no rows at all: compared with getImportedKeys instead
      assertEquals(rows(c.getMetaData().getImportedKeys(null, "shop", "orders"), columns),
          rows(c.getMetaData().getCrossReference(null, "shop", "customers", null, "shop", "orders"), columns));
      assertEquals(List.of("PKTABLE_SCHEM=shop PKTABLE_NAME=customers PKCOLUMN_NAME=id FKTABLE_SCHEM=shop"
              + " FKTABLE_NAME=orders FKCOLUMN_NAME=customer_id DELETE_RULE=" + DatabaseMetaData.importedKeyCascade),
          rows(c.getMetaData().getImportedKeys(null, "shop", "orders"), "PKTABLE_SCHEM", "PKTABLE_NAME",
              "PKCOLUMN_NAME", "FKTABLE_SCHEM", "FKTABLE_NAME", "FKCOLUMN_NAME", "DELETE_RULE"));
      assertEquals(List.of(), rows(c.getMetaData().getCrossReference(null, "shop", "orders", null, "shop",
          "customers"), "FKTABLE_NAME"));
    }
  }

  @Test
  void aReferenceWithoutColumnsNamesTheParentsPrimaryKey() throws Exception {
    try (Connection c = d1.connect()) {
      assertEquals(List.of("PKTABLE_NAME=tag_groups PKCOLUMN_NAME=id FKTABLE_NAME=tag_links FKCOLUMN_NAME=grp"
              + " UPDATE_RULE=" + DatabaseMetaData.importedKeySetNull),
          rows(c.getMetaData().getExportedKeys(null, "shop", "tag_groups"), "PKTABLE_NAME", "PKCOLUMN_NAME",
              "FKTABLE_NAME", "FKCOLUMN_NAME", "UPDATE_RULE"));
    }
  }

  @Test
  void indexesAreSqliteJdbcsWithTheUniqueAutoindex() throws Exception {
    sameAsSqlite((md, s, t) -> md.getIndexInfo(null, s, t, false, false), "TABLE_NAME", "NON_UNIQUE", "INDEX_NAME",
        "TYPE", "ORDINAL_POSITION", "COLUMN_NAME");
    // unique = true: only unique indexes (sqlite-jdbc ignores the flag, so it is checked here alone)
    try (Connection c = d1.connect()) {
      assertEquals(List.of("INDEX_NAME=orders_by_customer COLUMN_NAME=customer_id ASC_OR_DESC=A",
              "INDEX_NAME=orders_by_customer COLUMN_NAME=placed ASC_OR_DESC=D"),
          rows(c.getMetaData().getIndexInfo(null, "shop", "orders", false, true), "INDEX_NAME", "COLUMN_NAME",
              "ASC_OR_DESC"));
      assertEquals(List.of("NON_UNIQUE=false INDEX_NAME=sqlite_autoindex_customers_1 COLUMN_NAME=email"),
          rows(c.getMetaData().getIndexInfo(null, "shop", "customers", true, true), "NON_UNIQUE", "INDEX_NAME",
              "COLUMN_NAME"));
    }
  }

  @Test
  void columnsHaveSqliteTypeNamesDefaultsAndNullability() throws Exception {
    // sqlite-jdbc says IS_NULLABLE YES for an INTEGER PRIMARY KEY (the rowid, never NULL): compared elsewhere
    sameAsSqlite((md, s, t) -> md.getColumns(null, s, t, "%"), "TABLE_NAME", "COLUMN_NAME", "TYPE_NAME",
        "COLUMN_DEF", "ORDINAL_POSITION");
    try (Connection c = d1.connect()) {
      assertEquals(List.of(
              "COLUMN_NAME=id DATA_TYPE=-5 TYPE_NAME=INTEGER COLUMN_SIZE=19 DECIMAL_DIGITS=null COLUMN_DEF=null"
                  + " IS_NULLABLE=NO IS_AUTOINCREMENT=YES",
              "COLUMN_NAME=email DATA_TYPE=12 TYPE_NAME=VARCHAR COLUMN_SIZE=80 DECIMAL_DIGITS=null COLUMN_DEF=null"
                  + " IS_NULLABLE=NO IS_AUTOINCREMENT=NO",
              "COLUMN_NAME=name DATA_TYPE=12 TYPE_NAME=TEXT COLUMN_SIZE=2000000 DECIMAL_DIGITS=null COLUMN_DEF=null"
                  + " IS_NULLABLE=YES IS_AUTOINCREMENT=NO",
              "COLUMN_NAME=created_at DATA_TYPE=93 TYPE_NAME=TIMESTAMP COLUMN_SIZE=23 DECIMAL_DIGITS=null"
                  + " COLUMN_DEF=CURRENT_TIMESTAMP IS_NULLABLE=YES IS_AUTOINCREMENT=NO",
              "COLUMN_NAME=status DATA_TYPE=12 TYPE_NAME=TEXT COLUMN_SIZE=2000000 DECIMAL_DIGITS=null"
                  + " COLUMN_DEF='new' IS_NULLABLE=YES IS_AUTOINCREMENT=NO",
              "COLUMN_NAME=balance DATA_TYPE=3 TYPE_NAME=DECIMAL COLUMN_SIZE=10 DECIMAL_DIGITS=2 COLUMN_DEF=null"
                  + " IS_NULLABLE=YES IS_AUTOINCREMENT=NO"),
          rows(c.getMetaData().getColumns(null, "shop", "customers", "%"), "COLUMN_NAME", "DATA_TYPE",
              "TYPE_NAME", "COLUMN_SIZE", "DECIMAL_DIGITS", "COLUMN_DEF", "IS_NULLABLE", "IS_AUTOINCREMENT"));
      // an INTEGER PRIMARY KEY without AUTOINCREMENT is assigned too when an INSERT omits it
      assertEquals(List.of("COLUMN_NAME=id IS_AUTOINCREMENT=YES"),
          rows(c.getMetaData().getColumns(null, "shop", "orders", "id"), "COLUMN_NAME", "IS_AUTOINCREMENT"));
    }
  }

  @Test
  void tablesAndViewsOnlyOfTheListedTypesAndNoCalciteMetadataSchema() throws Exception {
    try (Connection c = d1.connect()) {
      DatabaseMetaData md = c.getMetaData();
      assertEquals(List.of("TABLE_TYPE=TABLE", "TABLE_TYPE=VIEW"), rows(md.getTableTypes(), "TABLE_TYPE"));
      List<String> tables = rows(md.getTables(null, null, "%", null), "TABLE_SCHEM", "TABLE_NAME", "TABLE_TYPE");
      assertEquals(List.of("TABLE_SCHEM=shop TABLE_NAME=big_orders TABLE_TYPE=VIEW",
          "TABLE_SCHEM=shop TABLE_NAME=customers TABLE_TYPE=TABLE",
          "TABLE_SCHEM=shop TABLE_NAME=order_lines TABLE_TYPE=TABLE",
          "TABLE_SCHEM=shop TABLE_NAME=orders TABLE_TYPE=TABLE",
          "TABLE_SCHEM=shop TABLE_NAME=tag_groups TABLE_TYPE=TABLE",
          "TABLE_SCHEM=shop TABLE_NAME=tag_links TABLE_TYPE=TABLE"), tables.stream().sorted().toList());
      assertEquals(List.of("TABLE_SCHEM=shop"), rows(md.getSchemas(), "TABLE_SCHEM"));
      assertEquals(List.of(), rows(md.getTables(null, "metadata", "%", List.of("SYSTEM TABLE").toArray(
          new String[0])), "TABLE_NAME"));
    }
  }

  @Test
  void productTransactionsAndGeneratedKeysAreReportedAsTheyAre() throws Exception {
    try (Connection c = d1.connect()) {
      DatabaseMetaData md = c.getMetaData();
      assertEquals("Cloudflare D1", md.getDatabaseProductName());
      assertEquals("3.47.0", md.getDatabaseProductVersion());
      assertEquals(3, md.getDatabaseMajorVersion());
      assertEquals(47, md.getDatabaseMinorVersion());
      assertTrue(md.supportsTransactions());
      assertEquals(Connection.TRANSACTION_READ_COMMITTED, md.getDefaultTransactionIsolation());
      assertEquals(Connection.TRANSACTION_READ_COMMITTED, c.getTransactionIsolation());
      assertTrue(md.supportsTransactionIsolationLevel(Connection.TRANSACTION_READ_COMMITTED));
      assertFalse(md.supportsTransactionIsolationLevel(Connection.TRANSACTION_SERIALIZABLE));
      assertTrue(md.supportsGetGeneratedKeys());
      assertFalse(md.supportsSavepoints());
      List<String> types = rows(md.getTypeInfo(), "TYPE_NAME", "DATA_TYPE");
      for (int t : new int[] {Types.BIGINT, Types.VARCHAR, Types.DOUBLE, Types.DECIMAL, Types.DATE,
          Types.TIMESTAMP, Types.BOOLEAN, Types.VARBINARY}) {
        assertTrue(types.stream().anyMatch(r -> r.endsWith("DATA_TYPE=" + t)), t + " in " + types);
      }
    }
  }

  @Test
  void typeMapClientInfoAndSavepointsAnswerWithoutBareExceptions() throws Exception {
    try (Connection c = d1.connect()) {
      assertTypeMapClientInfoAndSavepointsAnswer(c);
    }
  }

  /** What {@code c} (jdbc:d1: or jdbc:d1:remote:) answers where Avatica throws bare exceptions; ends in autocommit. */
  public static void assertTypeMapClientInfoAndSavepointsAnswer(Connection c) throws SQLException {
    assertEquals(Map.of(), c.getTypeMap());
    c.setTypeMap(Map.of());
    SQLException typeMap = assertThrows(SQLFeatureNotSupportedException.class,
        () -> c.setTypeMap(Map.of("point", Object.class)));
    assertTrue(typeMap.getMessage().contains("no user-defined SQL types"), typeMap.getMessage());

    c.setClientInfo("ApplicationName", "DBeaver");
    assertEquals("DBeaver", c.getClientInfo("ApplicationName"));
    Properties p = new Properties();
    p.setProperty("ClientUser", "ann");
    c.setClientInfo(p);
    assertEquals("ann", c.getClientInfo().getProperty("ClientUser"));
    assertNull(c.getClientInfo("ApplicationName"));

    c.setAutoCommit(false);
    SQLException savepoint = assertThrows(SQLFeatureNotSupportedException.class, c::setSavepoint);
    assertEquals("0A000", savepoint.getSQLState());
    assertTrue(savepoint.getMessage().startsWith("D1 has no savepoints"), savepoint.getMessage());
    assertThrows(SQLFeatureNotSupportedException.class, () -> c.setSavepoint("s1"));
    assertThrows(SQLFeatureNotSupportedException.class, () -> c.releaseSavepoint(null));
    c.rollback();
    c.setAutoCommit(true);
  }
}
