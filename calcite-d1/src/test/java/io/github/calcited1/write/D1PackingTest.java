package io.github.calcited1.write;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.calcited1.client.D1Statement;
import io.github.calcited1.config.D1WriteOptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Statement builders and packing, without a server. */
class D1PackingTest {
  @Test
  void insertSqlAndJsonRows() throws Exception {
    D1Insert ins = new D1Insert("t", List.of("a", "b", "c"),
        List.of(D1ValueKind.INTEGER, D1ValueKind.TEXT, D1ValueKind.BLOB));
    ins.add(new Object[] {Long.MIN_VALUE, "x\"y", new byte[] {0, (byte) 255}});
    ins.add(new Object[] {null, null, null});
    assertEquals("INSERT INTO \"t\" (\"a\", \"b\", \"c\") SELECT value->>0, value->>1, unhex(value->>2)"
        + " FROM json_each(?)", ins.sql());
    List<D1Statement> st = ins.toStatements(D1WriteOptions.DEFAULT);
    assertEquals(1, st.size());
    assertEquals("[[-9223372036854775808,\"x\\\"y\",\"00ff\"],[null,null,null]]", st.get(0).params().get(0));
  }

  @Test
  void upsertSql() {
    D1Insert ins = new D1Insert("t", List.of("id", "v"), List.of(D1ValueKind.INTEGER, D1ValueKind.TEXT),
        List.of("id"), List.of("v"));
    assertEquals("INSERT INTO \"t\" (\"id\", \"v\") SELECT value->>0, value->>1 FROM json_each(?)"
        + " WHERE true ON CONFLICT (\"id\") DO UPDATE SET \"v\" = excluded.\"v\"", ins.sql());
  }

  @Test
  void byKeySql() {
    D1Update u = new D1Update("t", new D1KeyMatch(List.of("id"), false, List.of("v", "w")), List.of("v"),
        List.of(D1ValueKind.INTEGER, D1ValueKind.TEXT, D1ValueKind.TEXT, D1ValueKind.DECIMAL));
    assertEquals("UPDATE \"t\" SET \"v\" = j.value->>1 FROM json_each(?) AS j WHERE \"t\".\"id\" = j.value->>0"
        + " AND \"t\".\"v\" IS j.value->>2 COLLATE BINARY"
        + " AND CAST(CAST(\"t\".\"w\" AS TEXT) AS NUMERIC) IS CAST(j.value->>3 AS NUMERIC)", u.sql());
    D1Delete d = new D1Delete("t", new D1KeyMatch(List.of("a", "b"), false),
        List.of(D1ValueKind.INTEGER, D1ValueKind.TEXT));
    assertEquals("DELETE FROM \"t\" WHERE (\"a\", \"b\") IN (SELECT x.\"a\", x.\"b\" FROM json_each(?) AS j"
        + " JOIN \"t\" AS x ON x.\"a\" = j.value->>0 AND x.\"b\" = j.value->>1"
        + " AND x.\"b\" IS j.value->>1 COLLATE BINARY)", d.sql());
  }

  /** Generated aliases differ from the table's name and its columns' (SQLite ignores ASCII case in names). */
  @Test
  void aliasesNeverCollideWithTheUsersNames() {
    D1Delete d = new D1Delete("J", new D1KeyMatch(List.of("x"), false, List.of("j1")),
        List.of(D1ValueKind.INTEGER, D1ValueKind.INTEGER));
    assertEquals("DELETE FROM \"J\" WHERE (\"x\") IN (SELECT x1.\"x\" FROM json_each(?) AS j2 JOIN \"J\" AS x1"
        + " ON x1.\"x\" = j2.value->>0 AND x1.\"j1\" IS j2.value->>1)", d.sql());
  }

  @Test
  void wholeRowMatchAndDefaultValuesSql() throws Exception {
    D1KeyMatch all = new D1KeyMatch(List.of("a", "b"), true);
    D1Delete d = new D1Delete("t", all, List.of(D1ValueKind.INTEGER, D1ValueKind.BLOB));
    assertEquals("DELETE FROM \"t\" WHERE EXISTS (SELECT 1 FROM json_each(?) AS j WHERE \"t\".\"a\" IS j.value->>0"
        + " AND \"t\".\"b\" IS unhex(j.value->>1))", d.sql());
    D1Update u = new D1Update("t", all, List.of("c"), List.of(D1ValueKind.INTEGER, D1ValueKind.TEXT,
        D1ValueKind.TEXT));
    assertEquals("UPDATE \"t\" SET \"c\" = j.value->>2 FROM json_each(?) AS j WHERE \"t\".\"a\" IS j.value->>0"
        + " AND \"t\".\"b\" IS j.value->>1 COLLATE BINARY", u.sql());
    assertTrue(!d.absorb(new D1Delete("t", new D1KeyMatch(List.of("a", "b"), false),
        List.of(D1ValueKind.INTEGER, D1ValueKind.BLOB))), "a whole-row match and a key match do not coalesce");
    D1Insert none = new D1Insert("t", List.of(), List.of());
    none.add(new Object[0]).add(new Object[0]);
    List<D1Statement> st = none.toStatements(D1WriteOptions.DEFAULT);
    assertEquals(2, st.size());
    assertEquals("INSERT INTO \"t\" DEFAULT VALUES", st.get(0).sql());
    assertTrue(!none.absorb(new D1Update("t", new D1KeyMatch(List.of("id"), false), List.of("v"),
        List.of(D1ValueKind.INTEGER, D1ValueKind.TEXT))));
  }

  @Test
  void rowsAreChunkedUnderTheValueLimitAndInsertsCoalesce() throws Exception {
    D1WriteOptions o = new D1WriteOptions(false, false, 10_000, 500, 10_000_000L, true);
    D1Insert a = new D1Insert("t", List.of("a"), List.of(D1ValueKind.TEXT));
    D1Insert b = new D1Insert("t", List.of("a"), List.of(D1ValueKind.TEXT));
    String v = "x".repeat(95); // 101 bytes per row as JSON ["...."]
    for (int i = 0; i < 500; i++) {
      a.add(new Object[] {v});
      b.add(new Object[] {v});
    }
    assertTrue(a.absorb(b));
    assertEquals(1000, a.rowCount());
    List<D1Statement> st = a.toStatements(o);
    int rows = 0;
    for (D1Statement s : st) {
      String p = (String) s.params().get(0);
      assertTrue(p.length() <= 10_000, "chunk of " + p.length());
      rows += p.split("\\],\\[").length;
    }
    assertEquals(1000, rows);
    assertEquals(11, st.size()); // 1000 rows * 102 bytes / 10,000 per value: 98 rows a chunk
    assertTrue(!a.absorb(new D1Insert("u", List.of("a"), List.of(D1ValueKind.TEXT))));
  }

  @Test
  void chunksHoldEveryRowOnceInOrderAndARefusedRowLeavesNoTrace() throws Exception {
    D1WriteOptions o = new D1WriteOptions(false, false, 1_000, 500, 10_000_000L, true);
    D1Insert ins = new D1Insert("t", List.of("id", "s"), List.of(D1ValueKind.INTEGER, D1ValueKind.TEXT));
    List<List<Object>> expected = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String s = i % 3 == 0 ? "é€\uD83D\uDE00".repeat(i % 7) : "v\"" + i; // 2-, 3- and 4-byte UTF-8, escapes
      ins.add(new Object[] {(long) i, s});
      expected.add(List.of(i, s));
      if (i == 150) {
        assertThrows(SQLException.class, () -> ins.add(new Object[] {-1L, "lone \uD800"}));
        assertThrows(SQLException.class, () -> ins.add(new Object[] {-2L, Double.NaN}));
      }
    }
    D1Insert more = new D1Insert("t", List.of("id", "s"), List.of(D1ValueKind.INTEGER, D1ValueKind.TEXT));
    more.add(new Object[] {300L, "last"});
    expected.add(List.of(300, "last"));
    assertTrue(ins.absorb(more));
    List<List<Object>> sent = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    List<D1Statement> st = ins.toStatements(o);
    for (D1Statement s : st) {
      String chunk = (String) s.params().get(0);
      assertTrue(chunk.getBytes(StandardCharsets.UTF_8).length <= 1_000, chunk);
      sent.addAll(json.readValue(chunk, new TypeReference<List<List<Object>>>() { }));
    }
    assertEquals(expected, sent);
    assertTrue(st.size() > 1, st.size() + " chunks");
  }

  /** UPDATE ... FROM applies one arbitrary match to a row found twice: updates of one key never share a statement. */
  @Test
  void updatesOfTheSameKeyStaySeparateStatements() throws Exception {
    List<D1ValueKind> kinds = List.of(D1ValueKind.INTEGER, D1ValueKind.TEXT);
    D1KeyMatch id = new D1KeyMatch(List.of("id"), false);
    D1Update first = new D1Update("t", id, List.of("v"), kinds).add(new Object[] {1L, "a"});
    assertTrue(first.absorb(new D1Update("t", id, List.of("v"), kinds).add(new Object[] {2L, "b"})));
    assertTrue(!first.absorb(new D1Update("t", id, List.of("v"), kinds).add(new Object[] {1L, "c"})),
        "key 1 again");
    assertEquals(2, first.knownRows());
    List<D1Statement> st = first.toStatements(D1WriteOptions.DEFAULT);
    assertEquals(2, st.size(), "the UPDATE and its compare-and-set check");
    assertTrue(st.get(1).sql().startsWith("SELECT CASE WHEN changes() = 2 THEN 1 ELSE json_extract('{}',"),
        st.get(1).sql());
    assertTrue(first.staysWithPrevious(1));
  }

  @Test
  void packerRespectsStatementAndByteBudgets() {
    D1WriteOptions o = new D1WriteOptions(false, false, 1_000, 3, 101_500L, true);
    D1SqlWriteHolder w = new D1SqlWriteHolder();
    List<D1BatchPacker.Planned> list = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      list.add(new D1BatchPacker.Planned(D1Statement.of("DELETE FROM t WHERE id = " + i), w.write));
    }
    List<List<D1BatchPacker.Planned>> req = D1BatchPacker.pack(list, o);
    assertEquals(3, req.size());
    assertEquals(List.of(3, 3, 1), req.stream().map(List::size).toList());
  }

  @Test
  void oversizedPushedStatementFailsBeforeSending() {
    List<Object> params = new ArrayList<>();
    for (int i = 0; i < 101; i++) {
      params.add((long) i);
    }
    SQLException e = assertThrows(SQLException.class,
        () -> new D1SqlWrite(D1Write.Kind.DELETE, "t", "DELETE FROM t WHERE id IN (" + "?,".repeat(100) + "?)",
            params, -1));
    assertTrue(e.getMessage().contains("101 bound parameters"));
  }

  @Test
  void oneStatementSplitWarnsOrFailsWhenStrict() throws Exception {
    List<List<D1Statement>> sent = new ArrayList<>();
    D1WriteOptions o = new D1WriteOptions(false, false, 1_000, 2, 101_000L, true);
    D1Transaction t = new D1Transaction("db", stmts -> {
      sent.add(stmts);
      List<io.github.calcited1.client.D1Result> r = new ArrayList<>();
      for (int i = 0; i < stmts.size(); i++) {
        r.add(new io.github.calcited1.client.D1Result(List.of(), List.of(),
            new io.github.calcited1.client.D1Meta(1, 0, true, 0, 0, 1, 1.0, "test")));
      }
      return r;
    }, o);
    for (int i = 0; i < 5; i++) {
      t.add(new D1SqlWrite(D1Write.Kind.DELETE, "t", "DELETE FROM t WHERE id = " + i, List.of(), -1));
    }
    List<java.sql.SQLWarning> warnings = new ArrayList<>();
    D1CommitStats s = t.commit(warnings::add);
    assertEquals(3, s.requestsSent());
    assertEquals(3, sent.size());
    assertEquals(1, warnings.size());
    assertEquals(5, s.changes());
    D1Transaction strict = new D1Transaction("db", stmts -> {
      throw new AssertionError("nothing may be sent");
    }, o.withStrictAtomicity(true));
    for (int i = 0; i < 3; i++) {
      strict.add(new D1SqlWrite(D1Write.Kind.DELETE, "t", "DELETE FROM t WHERE id = " + i, List.of(), -1));
    }
    SQLException e = assertThrows(SQLException.class, () -> strict.commit(null));
    assertTrue(e.getMessage().contains("strictAtomicity"));
    assertTrue(strict.isEmpty());
  }

  /** A throw-away write for packer tests. */
  static final class D1SqlWriteHolder {
    final D1Write write;

    D1SqlWriteHolder() {
      try {
        write = new D1SqlWrite(D1Write.Kind.DELETE, "t", "DELETE FROM t", List.of(), -1);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
