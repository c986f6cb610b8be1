package io.github.calcited1.rel;

import static io.github.calcited1.testing.Errors.messages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.calcited1.catalog.D1Catalog;
import io.github.calcited1.local.fault.Fault;
import io.github.calcited1.testing.D1LocalExtension;
import io.github.calcited1.testing.Rows;
import io.github.calcited1.testing.ShopData;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.calcite.adapter.java.ReflectiveSchema;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.runtime.Hook;
import org.apache.calcite.schema.SchemaPlus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Paging, planning time, federation, user parameters, types and errors of the read path, against d1-local. */
class D1ReadPathTest {
  @RegisterExtension static final D1LocalExtension D1 = new D1LocalExtension("shop");

  static final int EVENTS = 200_000;
  static final int PAGE = 50_000;

  private static Connection calcite;

  @BeforeAll static void setUp() throws SQLException {
    try (Connection s = D1.sqlite(); Statement st = s.createStatement()) {
      ShopData.create(s);
      st.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT, amount INTEGER)");
      st.execute("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < " + EVENTS + ")"
          + " INSERT INTO events SELECT x, 'k' || (x % 7), x * 3 FROM c");
      // PRIMARY KEY DESC keeps SQLite from making the column the rowid's alias: it can hold a NULL.
      st.execute("CREATE TABLE desc_key (id INTEGER PRIMARY KEY DESC, v TEXT)");
      st.execute("INSERT INTO desc_key (rowid, id, v) VALUES (1, 30, 'a'), (2, NULL, 'b'), (3, 10, 'c'),"
          + " (4, 20, 'd'), (5, 5, 'e')");
      st.execute("CREATE TABLE table_key (id INTEGER, v TEXT, PRIMARY KEY (id DESC))"); // an alias all the same
      // SQLite lets NULL into the key columns of a rowid table, except the rowid alias.
      st.execute("CREATE TABLE two_key (a INTEGER, b INTEGER, PRIMARY KEY (a, b))");
      st.execute("INSERT INTO two_key VALUES (1, 1), (NULL, 2), (3, NULL)");
      st.execute("INSERT INTO table_key VALUES (30, 'a'), (10, 'c'), (20, 'd'), (5, 'e'), (40, 'f')");
      st.execute("CREATE TABLE bad (id INTEGER PRIMARY KEY, n INTEGER, d DATE, t TIMESTAMP, flag BOOLEAN)");
      st.execute("INSERT INTO bad VALUES (1, 5, '2024-01-02', '2024-01-02T03:04:05.678Z', 1),"
          + " (2, 'five', '2024-1-2', 'yesterday', 7)");
    }
    calcite = connect(Map.of("pageSize", PAGE));
  }

  @AfterAll static void tearDown() throws SQLException {
    calcite.close();
  }

  static Connection connect(Map<String, Object> operands) throws SQLException {
    return D1.calcite("shop", operands);
  }

  @Test void largeScanIsReadInPagesWithBoundedMemory() throws SQLException {
    long before = D1.requestCount();
    long count = 0;
    long sum = 0;
    long lastId = 0;
    boolean ascending = true;
    try (Statement st = calcite.createStatement();
         ResultSet rs = st.executeQuery("select id, kind, amount from events")) {
      while (rs.next()) {
        long id = rs.getLong(1);
        ascending &= id > lastId;
        lastId = id;
        sum += rs.getLong(3);
        count++;
      }
    }
    assertEquals(EVENTS, count);
    assertEquals(3L * EVENTS * (EVENTS + 1) / 2, sum);
    assertTrue(ascending, "keyset pages come in rowid order");
    // 4 full pages, then one that finds nothing more.
    assertEquals(EVENTS / PAGE + 1, D1.requestCount() - before);
  }

  /** The rowid column, when selected, is the page key itself; otherwise the key travels as an extra column. */
  @Test void pageKeyIsTheSelectedRowidColumnOrAnExtraOne() throws SQLException {
    List<String> sent = new ArrayList<>();
    long before = D1.requestCount();
    List<String> rows = Rows.query(calcite, "select amount, id from events", sent);
    assertEquals(EVENTS / PAGE + 1, D1.requestCount() - before);
    assertFalse(sent.get(0).contains("__d1_page_key"), sent::toString);
    assertTrue(sent.get(0).contains("\"events\".\"rowid\" >= CAST(? AS INTEGER)"), sent::toString);
    assertEquals(EVENTS, rows.size());
    assertEquals("3 | 1", rows.get(0));
    assertEquals(3L * EVENTS + " | " + EVENTS, rows.get(EVENTS - 1));

    sent.clear();
    before = D1.requestCount();
    long sum = 0;
    long count = 0;
    try (Hook.Closeable ignored = Hook.QUERY_PLAN.addThread((Consumer<Object>) q -> sent.add((String) q));
         Statement st = calcite.createStatement(); ResultSet rs = st.executeQuery("select amount from events")) {
      assertEquals(1, rs.getMetaData().getColumnCount());
      while (rs.next()) {
        sum += rs.getLong(1);
        count++;
      }
    }
    assertEquals(EVENTS / PAGE + 1, D1.requestCount() - before);
    assertTrue(sent.get(0).contains("AS \"__d1_page_key\""), sent::toString);
    assertEquals(EVENTS, count);
    assertEquals(3L * EVENTS * (EVENTS + 1) / 2, sum);
  }

  /** Only a true rowid alias stands in for the page key; every row comes back either way. */
  @Test void pageKeyIsOnlyATrueRowidAlias() throws SQLException {
    try (Connection small = connect(Map.of("pageSize", 2))) {
      List<String> sent = new ArrayList<>();
      List<String> rows = Rows.query(small, "select id, v from desc_key", sent);
      assertEquals(List.of("30 | a", "NULL | b", "10 | c", "20 | d", "5 | e"), rows);
      assertTrue(sent.get(0).contains("\"desc_key\".\"rowid\" AS \"__d1_page_key\""), sent::toString);

      sent.clear();
      long before = D1.requestCount();
      rows = Rows.query(small, "select v, id from table_key", sent);
      assertEquals(List.of("e | 5", "c | 10", "d | 20", "a | 30", "f | 40"), rows);
      assertFalse(sent.get(0).contains("__d1_page_key"), sent::toString);
      assertEquals(3, D1.requestCount() - before, "pages of 2, 2 and 1 rows");
    }
  }

  /**
   * The next page is read ahead on another thread while one is consumed: a consumer that stops early costs at most
   * that one page, and a page read ahead that fails fails the scan where its rows would have come, never a short
   * result.
   */
  @Test void pageReadAheadStopsEarlyAndFailsLoudly() throws SQLException {
    try (Connection small = connect(Map.of("pageSize", 2, "maxAttempts", 1));
         Statement st = small.createStatement()) {
      String sql = "select id, v from table_key";
      assertEquals(5, Rows.read(st.executeQuery(sql)).size()); // catalog loaded, plan cached

      long before = D1.requestCount();
      try (ResultSet rs = st.executeQuery(sql)) {
        assertTrue(rs.next());
        assertEquals(5, rs.getLong(1));
      }
      // The first page was full, so the second was requested ahead; nothing more.
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (D1.requestCount() - before < 2 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertEquals(2, D1.requestCount() - before, "the first page and the one read ahead");
      assertEquals(List.of("c"), Rows.read(st.executeQuery("select v from table_key where id = 10")));
      assertEquals(3, D1.requestCount() - before, "nothing more was read for the closed scan");

      // The first page passes; the next one, read ahead, fails (no retries with maxAttempts 1).
      D1.server().faults().next(Fault.delay(Duration.ZERO)).next(Fault.serverError(500));
      List<Long> seen = new ArrayList<>();
      // Under jdbc:calcite: the failure reaches next() as calcite-d1's D1QueryException.
      Exception e = assertThrows(D1QueryException.class, () -> {
        try (ResultSet rs = st.executeQuery(sql)) {
          while (rs.next()) {
            seen.add(rs.getLong(1));
          }
        }
      });
      // Calcite's iterator looks one row ahead, so the failure of page 2 (rows 3 to 4) comes with the second row.
      assertEquals(List.of(5L), seen, "rows of the first page, then the failure: never a short result");
      assertTrue(messages(e).contains("500"), messages(e));
      D1.server().faults().clear();
      assertEquals(5, Rows.read(st.executeQuery(sql)).size());
    }
  }

  /** Key columns that may hold NULL are typed nullable, so Calcite does not fold IS NULL to false. */
  @Test void nullsInKeyColumnsAreFound() throws SQLException {
    assertEquals(List.of("1 | 1"), Rows.query(calcite,
        "select count(*) filter (where a is null), count(*) filter (where b is null) from two_key", new ArrayList<>()));
    assertEquals(List.of("b"), Rows.query(calcite, "select v from desc_key where id is null", new ArrayList<>()));
  }

  @Test void filteredScanIsPagedToo() throws SQLException {
    List<String> expected;
    try (Connection s = D1.sqlite(); Statement st = s.createStatement();
         ResultSet rs = st.executeQuery("select id from events where kind = 'k3' and amount > 30000")) {
      expected = Rows.read(rs);
    }
    List<String> sent = new ArrayList<>();
    long before = D1.requestCount();
    List<String> rows = Rows.query(calcite, "select id from events where kind = 'k3' and amount > 30000", sent);
    assertEquals(1, sent.size());
    assertTrue(sent.get(0).contains(
        "\"events\".\"kind\" = ? AND \"events\".\"amount\" > CAST(? AS INTEGER) AND \"events\".\"rowid\" >="),
        sent::toString);
    assertEquals(expected, rows);
    assertEquals(1, D1.requestCount() - before, "fewer rows than a page: one request");
  }

  /**
   * Eight joins plan to one D1 statement, whatever order Calcite tries. Planning time is measured by benchmarks/
   * (Q12, and WideJoinBench), not asserted here.
   */
  @Test void eightJoinsPlanToOneStatement() throws SQLException {
    String sql = "select count(*) from customers c"
        + " join orders o1 on o1.customer_id = c.id join order_items i1 on i1.order_id = o1.id"
        + " join products p1 on p1.id = i1.product_id join orders o2 on o2.id = o1.id"
        + " join customers c2 on c2.id = o2.customer_id join order_items i2 on i2.order_id = o2.id"
        + " and i2.product_id = i1.product_id join products p2 on p2.id = i2.product_id"
        + " join big_numbers b on b.id = c.id - c.id + 1";
    try (Statement st = calcite.createStatement(); ResultSet rs = st.executeQuery("explain plan for " + sql)) {
      rs.next();
      String plan = rs.getString(1);
      assertTrue(plan.startsWith("D1ToEnumerableConverter"), plan);
      assertEquals(1, plan.split("D1ToEnumerableConverter", -1).length - 1, plan);
    }
  }

  @Test void explainShowsTheSqlSentToD1() throws SQLException {
    try (Statement st = calcite.createStatement();
         ResultSet rs = st.executeQuery("explain plan for select name from customers where id = 3")) {
      rs.next();
      String plan = rs.getString(1);
      // the primary key is pinned: one row at most, so neither paging nor a wrapper
      assertTrue(plan.replaceAll("\\s+", " ").contains("D1ToEnumerableConverter(sql=[SELECT \"customers\".\"name\""
          + " FROM \"customers\" AS \"customers\" WHERE \"customers\".\"id\" = CAST(? AS INTEGER)]"), plan);
      assertFalse(plan.contains(D1.token()), "the token never appears");
    }
  }

  @Test void userParametersAreBound() throws SQLException {
    List<String> sent = new ArrayList<>();
    try (Hook.Closeable ignored = Hook.QUERY_PLAN.addThread((Consumer<Object>) s -> sent.add((String) s));
         PreparedStatement ps = calcite.prepareStatement(
             "select id, n from big_numbers where n >= ? and label <> ? order by n")) {
      ps.setLong(1, 9007199254740993L);
      ps.setString(2, "v3");
      List<String> rows;
      try (ResultSet rs = ps.executeQuery()) {
        rows = Rows.read(rs);
      }
      assertEquals(List.of("3 | 9007199254740993", "9 | 1234567890123456789", "1 | 9223372036854775807"), rows);
      ps.setLong(1, Long.MAX_VALUE);
      try (ResultSet rs = ps.executeQuery()) {
        assertEquals(List.of("1 | 9223372036854775807"), Rows.read(rs));
      }
    }
    assertTrue(sent.get(0).contains("\"big_numbers\".\"n\" >= CAST(? AS INTEGER) AND \"big_numbers\".\"label\" <> ?"),
        sent::toString);
  }

  @Test void typesReadBackExactly() throws SQLException {
    try (Statement st = calcite.createStatement();
         ResultSet rs = st.executeQuery("select n, d, t, flag from bad where id = 1")) {
      assertTrue(rs.next());
      assertEquals(5L, rs.getObject(1));
      assertEquals(java.sql.Date.valueOf("2024-01-02").toString(), rs.getDate(2).toString());
      assertEquals("2024-01-02 03:04:05.678", rs.getString(3));
      assertEquals(Boolean.TRUE, rs.getObject(4));
    }
    try (Statement st = calcite.createStatement();
         ResultSet rs = st.executeQuery("select serial, image, balance, signup from products p, customers c"
             + " where p.id = 1 and c.id = 1")) {
      assertTrue(rs.next());
      assertEquals(Long.MAX_VALUE, rs.getObject(1));
      assertTrue(rs.getObject(2) instanceof byte[]);
      assertEquals(new java.math.BigDecimal("955.13"), rs.getBigDecimal(3));
      assertEquals("2020-02-02", rs.getString(4));
    }
  }

  @Test void valuesThatDoNotFitTheirTypeAreClearErrors() {
    for (String[] c : new String[][] {{"n", "bad.n", "'five'"}, {"d", "bad.d", "'2024-1-2'"},
        {"t", "bad.t", "'yesterday'"}, {"flag", "bad.flag", "7"}}) {
      Exception e = assertThrows(Exception.class, () -> {
        try (Statement st = calcite.createStatement();
             ResultSet rs = st.executeQuery("select " + c[0] + " from bad")) {
          while (rs.next()) {
            rs.getObject(1);
          }
        }
      });
      String message = messages(e);
      assertTrue(message.contains("D1 column " + c[1] + " holds") && message.contains(c[2]), message);
    }
  }

  @Test void badOperandsFailAtConnectTime() {
    Exception e = assertThrows(Exception.class, () -> connect(Map.of("pageSize", "many")).close());
    assertTrue(messages(e).contains("Operand 'pageSize' must be a whole number"), messages(e));
    e = assertThrows(Exception.class, () -> connect(Map.of("apiToken", "wrong-secret")).close());
    assertTrue(messages(e).contains("Cannot open D1 database 'shop'"), messages(e));
    assertFalse(messages(e).contains("wrong-secret"), "the token never appears in messages");
    e = assertThrows(Exception.class, () -> connect(Map.of("database", "nope")).close());
    assertTrue(messages(e).contains("nope"), messages(e));
  }

  @Test void catalogIsSharedAcrossConnectionsAndRefreshable() throws Exception {
    long before = D1.requestCount();
    try (Connection c = connect(Map.of("pageSize", PAGE))) {
      assertEquals(0, D1.requestCount() - before, "a second connection reuses the cached catalog");
      try (Connection s = D1.sqlite(); Statement st = s.createStatement()) {
        st.execute("CREATE TABLE added_later (id INTEGER PRIMARY KEY)");
      }
      D1Schema schema = c.unwrap(CalciteConnection.class).getRootSchema().getSubSchema("shop")
          .unwrap(D1Schema.class);
      long beforeRefresh = D1.requestCount();
      schema.refreshCatalog();
      assertEquals(2, D1.requestCount() - beforeRefresh, "table list changed: list, then describe");
      assertTrue(schema.catalog().tables().containsKey("added_later"));
      beforeRefresh = D1.requestCount();
      schema.refreshCatalog();
      assertEquals(1, D1.requestCount() - beforeRefresh, "unchanged table list: one request");
      try (Connection s = D1.sqlite(); Statement st = s.createStatement()) {
        st.execute("CREATE UNIQUE INDEX added_later_id ON added_later (id DESC)");
      }
      beforeRefresh = D1.requestCount();
      schema.refreshCatalog();
      assertEquals(2, D1.requestCount() - beforeRefresh, "index list changed: lists, then describe");
      assertEquals(List.of(new D1Catalog.Index("added_later_id", true, "c", false,
          List.of(new D1Catalog.IndexColumn("id", true)))), schema.catalog().tables().get("added_later").indexes());
      beforeRefresh = D1.requestCount();
      schema.refreshCatalog();
      assertEquals(1, D1.requestCount() - beforeRefresh, "unchanged lists: one request");
      assertFalse(schema.catalog().tables().keySet().stream().anyMatch(t -> t.startsWith("_cf_")
          || t.startsWith("sqlite_")), "internal tables are hidden");
    }
  }

  /** A Java object schema to federate with. */
  public static class Crm {
    public final Segment[] segments = {new Segment("DE", "core"), new Segment("FR", "growth"),
        new Segment("CN", "new")};
  }

  /** One row of {@link Crm}. */
  public static class Segment {
    public final String country;
    public final String segment;

    Segment(String country, String segment) {
      this.country = country;
      this.segment = segment;
    }
  }

  @Test void federationPushesEachSideToItsSource() throws SQLException {
    try (Connection c = connect(Map.of())) {
      SchemaPlus root = c.unwrap(CalciteConnection.class).getRootSchema();
      root.add("crm", new ReflectiveSchema(new Crm()));
      List<String> sent = new ArrayList<>();
      List<String> rows = Rows.query(c, "select s.segment, count(*) from customers cu join crm.segments s"
          + " on s.country = cu.country where cu.vip group by s.segment", sent);
      assertEquals(1, sent.size(), sent::toString);
      assertTrue(sent.get(0).contains("WHERE \"customers\".\"vip\""), sent::toString);
      List<String> expected;
      try (Connection s = D1.sqlite(); Statement st = s.createStatement();
           ResultSet rs = st.executeQuery("select case country when 'DE' then 'core' when 'FR' then 'growth'"
               + " else 'new' end, count(*) from customers where vip and country in ('DE', 'FR', 'CN')"
               + " group by 1")) {
        expected = Rows.read(rs);
      }
      rows.sort(null);
      expected.sort(null);
      assertEquals(expected, rows);
    }
  }

}
