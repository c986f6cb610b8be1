package io.github.calcited1.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Reading /raw envelopes: both key orders, extra fields, every value kind, cursors and batches. */
class EnvelopeTest {
  private final MockD1 d1 = new MockD1();

  @AfterEach
  void close() {
    d1.close();
  }

  @Test
  void localKeyOrderWithEveryValueKind() throws Exception {
    // Verbatim as real D1 answers a SELECT * on /raw.
    d1.answer(200, "{\"result\":[{\"success\":true,\"meta\":{\"served_by\":\"miniflare.db\",\"duration\":0,"
        + "\"changes\":0,\"last_row_id\":2,\"changed_db\":false,\"size_after\":12288,\"rows_read\":2,"
        + "\"rows_written\":0},\"results\":{\"columns\":[\"id\",\"i\",\"r\",\"s\",\"b\",\"n\"],\"rows\":"
        + "[[1,9007199254740992,1.5,\"héllo ✓ 日本 😀\",[0,255],null],[2,-1,1,\"0.0\",[1,2,3],null]]}}],"
        + "\"success\":true,\"errors\":[],\"messages\":[]}");
    D1Result r = d1.client.execute(MockD1.DB, D1Statement.of("SELECT * FROM t"));
    assertEquals(List.of("id", "i", "r", "s", "b", "n"), r.columns());
    assertEquals(2, r.rows().size());
    Object[] first = r.rows().get(0);
    assertEquals(1L, first[0]);
    assertEquals(9007199254740992L, first[1]);
    assertEquals(1.5d, first[2]);
    assertEquals("héllo ✓ 日本 😀", first[3]);
    assertArrayEquals(new byte[] {0, (byte) 255}, (byte[]) first[4]);
    assertNull(first[5]);
    Object[] second = r.rows().get(1);
    assertEquals(-1L, second[1]);
    assertEquals(1L, second[2], "REAL 1.0 arrives as the JSON integer 1; the client returns what D1 sent");
    assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) second[4]);
    D1Meta m = r.meta();
    assertEquals("miniflare.db", m.servedBy());
    assertEquals(2, m.lastRowId());
    assertEquals(12288, m.sizeAfter());
    assertEquals(2, m.rowsRead());
    assertEquals(0, m.rowsWritten());
    assertFalse(m.changedDb());
  }

  @Test
  void productionKeyOrderWithExtraFields() throws Exception {
    d1.answer(200, "{\"messages\":[],\"errors\":[],\"result\":[{\"results\":{\"columns\":[\"a\",\"a\",\"3\",\"10\"],"
        + "\"rows\":[[1,2,3,4]],\"extra\":{\"x\":[1,{\"y\":2}]}},\"success\":true,\"meta\":{\"served_by\":\"v3-prod\","
        + "\"served_by_region\":\"WEUR\",\"served_by_primary\":true,\"served_by_colo\":\"AMS\","
        + "\"timings\":{\"sql_duration_ms\":0.25},\"duration\":0.25,\"changes\":3,\"last_row_id\":7,"
        + "\"changed_db\":true,\"size_after\":16384,\"rows_read\":4,\"rows_written\":6,\"total_attempts\":1}}],"
        + "\"success\":true,\"result_info\":null}");
    D1Result r = d1.client.execute(MockD1.DB, D1Statement.of("SELECT 1 AS a, 2 AS a, 3, 4 AS \"10\""));
    assertEquals(List.of("a", "a", "3", "10"), r.columns());
    assertArrayEquals(new Object[] {1L, 2L, 3L, 4L}, r.rows().get(0));
    D1Meta m = r.meta();
    assertEquals("v3-prod", m.servedBy());
    assertEquals(0.25, m.durationMillis());
    assertEquals(3, m.changes());
    assertEquals(7, m.lastRowId());
    assertTrue(m.changedDb());
    assertEquals(16384, m.sizeAfter());
    assertEquals(4, m.rowsRead());
    assertEquals(6, m.rowsWritten());
  }

  @Test
  void numbersBeyondLongAndFractionsBecomeDoubles() throws Exception {
    d1.answer(200, MockD1.localEnvelope("[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\"]",
        "[[9223372036854776000,-9223372036854776000,9223372036854775807,1.0,1e3,-0,[],\"caf\\u00e9\"]]"));
    Object[] row = d1.client.execute(MockD1.DB, D1Statement.of("SELECT ...")).rows().get(0);
    assertEquals(9.223372036854776E18, row[0]);
    assertEquals(-9.223372036854776E18, row[1]);
    assertEquals(Long.MAX_VALUE, row[2]);
    assertEquals(1.0d, row[3]);
    assertEquals(1000.0d, row[4]);
    assertEquals(0L, row[5]);
    assertArrayEquals(new byte[0], (byte[]) row[6]);
    assertEquals("café", row[7]);
  }

  @Test
  void emptyResultKeepsColumnsAndDdlHasNone() throws Exception {
    d1.answer(200, MockD1.localEnvelope("[\"id\",\"name\"]", "[]"));
    D1Result empty = d1.client.execute(MockD1.DB, D1Statement.of("SELECT id, name FROM parent WHERE 0"));
    assertEquals(List.of("id", "name"), empty.columns());
    assertTrue(empty.rows().isEmpty());
    d1.answer(200, MockD1.localEnvelope("[]", "[]"));
    D1Result ddl = d1.client.execute(MockD1.DB, D1Statement.of("CREATE TABLE x (a)"));
    assertTrue(ddl.columns().isEmpty());
    assertTrue(ddl.rows().isEmpty());
  }

  @Test
  void cursorHandsOutRowsAndMetaAtTheEnd() throws Exception {
    d1.answer(200, MockD1.localEnvelope("[\"x\"]", "[[1],[2],[3]]"));
    try (D1Cursor c = d1.client.query(MockD1.DB, D1Statement.of("SELECT x"))) {
      assertEquals(List.of("x"), c.columns());
      assertThrows(IllegalStateException.class, c::row);
      long sum = 0;
      while (c.next()) {
        assertNull(c.meta());
        sum += (Long) c.row()[0];
      }
      assertEquals(6, sum);
      assertEquals("miniflare.db", c.meta().servedBy());
      assertFalse(c.next());
      assertThrows(IllegalStateException.class, c::row);
    }
  }

  @Test
  void rowsBeforeColumnsAreStillRead() throws Exception {
    d1.answer(200, "{\"result\":[{\"results\":{\"rows\":[[1,\"a\"],[2,\"b\"]],\"columns\":[\"id\",\"s\"]},"
        + "\"success\":true,\"meta\":{\"changes\":0}}],\"success\":true,\"errors\":[],\"messages\":[]}");
    D1Result r = d1.client.execute(MockD1.DB, D1Statement.of("SELECT id, s"));
    assertEquals(List.of("id", "s"), r.columns());
    assertArrayEquals(new Object[] {2L, "b"}, r.rows().get(1));
  }

  @Test
  void missingMetaReadsAsZeros() throws Exception {
    d1.answer(200, "{\"result\":[{\"results\":{\"columns\":[\"x\"],\"rows\":[[1]]},\"success\":true}],"
        + "\"success\":true,\"errors\":[],\"messages\":[]}");
    D1Result r = d1.client.execute(MockD1.DB, D1Statement.of("SELECT 1 AS x"));
    assertEquals(0, r.meta().changes());
    assertNull(r.meta().servedBy());
  }

  @Test
  void severalResultsForOneStatementReturnTheFirst() throws Exception {
    d1.answer(200, "{\"result\":[{\"results\":{\"columns\":[\"a\"],\"rows\":[[1]]},\"success\":true,\"meta\":{}},"
        + "{\"results\":{\"columns\":[\"b\"],\"rows\":[[2]]},\"success\":true,\"meta\":{}}],"
        + "\"success\":true,\"errors\":[],\"messages\":[]}");
    D1Result r = d1.client.execute(MockD1.DB, D1Statement.of("SELECT 1 AS a; SELECT 2 AS b"));
    assertEquals(List.of("a"), r.columns());
    assertEquals(1, r.rows().size());
  }

  @Test
  void batchReturnsOneResultPerStatement() throws Exception {
    // Verbatim as real D1 answers a successful batch on /raw.
    d1.answer(200, "{\"result\":[{\"success\":true,\"meta\":{\"served_by\":\"miniflare.db\",\"duration\":0,"
        + "\"changes\":0,\"last_row_id\":3,\"changed_db\":false,\"size_after\":36864,\"rows_read\":2,"
        + "\"rows_written\":0},\"results\":{\"columns\":[\"n\"],\"rows\":[[2]]}},{\"success\":true,\"meta\":"
        + "{\"served_by\":\"miniflare.db\",\"duration\":0,\"changes\":0,\"last_row_id\":3,\"changed_db\":false,"
        + "\"size_after\":36864,\"rows_read\":0,\"rows_written\":0},\"results\":{\"columns\":[\"id\",\"name\"],"
        + "\"rows\":[]}}],\"success\":true,\"errors\":[],\"messages\":[]}");
    List<D1Result> rs = d1.client.batch(MockD1.DB, List.of(
        D1Statement.of("SELECT count(*) AS n FROM parent"),
        D1Statement.of("SELECT id, name FROM parent WHERE 0")));
    assertEquals(2, rs.size());
    assertEquals(List.of("n"), rs.get(0).columns());
    assertEquals(2L, rs.get(0).rows().get(0)[0]);
    assertEquals(2, rs.get(0).meta().rowsRead());
    assertEquals(List.of("id", "name"), rs.get(1).columns());
    assertTrue(rs.get(1).rows().isEmpty());
  }

  @Test
  void batchWithTooFewResultsIsAProtocolError() {
    d1.answer(200, MockD1.localEnvelope("[]", "[]"));
    D1ProtocolException e = assertThrows(D1ProtocolException.class, () -> d1.client.batch(MockD1.DB,
        List.of(D1Statement.of("DELETE FROM a"), D1Statement.of("DELETE FROM b"))));
    assertEquals("08S01", e.getSQLState());
    assertTrue(e.getMessage().contains("answered with 1 results"), e.getMessage());
  }

  /**
   * The first row is handed out long before the body has arrived: the cursor reads as the bytes come in. Compared
   * with the time the whole body takes in the same run (the server paces it), so machine load cannot flip it.
   */
  @Test
  void firstRowArrivesBeforeTheBodyEnds() throws Exception {
    StringBuilder rows = new StringBuilder("[");
    for (int i = 0; i < 5_000; i++) {
      rows.append(i == 0 ? "" : ",").append("[").append(i).append(",\"row-").append(i).append("\"]");
    }
    String body = MockD1.localEnvelope("[\"i\",\"s\"]", rows.append("]").toString());
    // 4 KiB every 100 ms: the ~70 KB body takes about 2 s to arrive in full.
    d1.answer(new MockResponse.Builder().code(200).body(body).throttleBody(4096, 100, TimeUnit.MILLISECONDS).build());
    long start = System.nanoTime();
    long firstRow;
    int count = 1;
    try (D1Cursor c = d1.client.query(MockD1.DB, D1Statement.of("SELECT i, s"))) {
      assertTrue(c.next());
      firstRow = System.nanoTime() - start;
      assertEquals(0L, c.row()[0]);
      while (c.next()) {
        count++;
      }
    }
    long whole = System.nanoTime() - start;
    assertEquals(5_000, count);
    assertTrue(firstRow < whole / 4, "first row after " + firstRow / 1_000_000 + " ms of " + whole / 1_000_000);
  }
}
