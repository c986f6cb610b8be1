package io.github.calcited1.reliability;

import static io.github.calcited1.testing.Errors.sqlState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.calcited1.testing.D1LocalExtension;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad input, through {@code jdbc:d1:} against d1-local: (1) a property-based round trip of 10,000 random rows (fixed
 * seed) written in transactions and read back exactly through calcite-d1 and from the SQLite file, values D1 cannot
 * hold refused with a clear error; (2) hostile identifiers and values never change the SQL sent; (3) every bad
 * operand or connect-string property is named in the error, a wrong token or database gets D1's answer plus a next
 * step. Seed and row count: {@code -Dcalcited1.roundtrip.seed=...}, {@code -Dcalcited1.roundtrip.rows=...}.
 */
class BadInputTest {
  static final long SEED = Long.getLong("calcited1.roundtrip.seed", 20261123L);
  static final int ROWS = Integer.getInteger("calcited1.roundtrip.rows", 10_000);
  static final int ROWS_PER_COMMIT = 500;

  static final String WEIRD_TABLE = "we\"ird tab]le`x";
  static final String[] WEIRD_COLUMNS = {"sel\"ect", "col umn", "order", "\u00fcn\u00ef\ud83d\ude00", "a]b`c"};
  static final String HOSTILE_TABLE = "t'); DROP TABLE rt; --";
  static final String HOSTILE_COLUMN = "\" OR 1=1 --";
  static final String[] HOSTILE = {"'); DROP TABLE rt; --", "\" OR 1=1 --", "'; DELETE FROM rt; --", "\\'",
      "*/ SELECT 1; /*", "]; DROP TABLE rt; --", "`; DROP TABLE rt; --", "?", "?1 ?2", ":name @p $1",
      "x\u0000'; DROP TABLE rt; --", "' OR '1'='1", "\"; ATTACH 'x' AS y; --"};

  @RegisterExtension static final D1LocalExtension d1 = new D1LocalExtension("shop", "other");

  @BeforeAll
  static void start() throws Exception {
    // Tables exist before the first connection reads the (cached) catalog.
    d1.d1Batch("CREATE TABLE rt (id INTEGER PRIMARY KEY, i INTEGER, r REAL, t TEXT, b BLOB)",
        "CREATE TABLE " + q(WEIRD_TABLE) + " (" + q(WEIRD_COLUMNS[0]) + " INTEGER PRIMARY KEY, "
            + q(WEIRD_COLUMNS[1]) + " TEXT, " + q(WEIRD_COLUMNS[2]) + " TEXT, " + q(WEIRD_COLUMNS[3]) + " TEXT, "
            + q(WEIRD_COLUMNS[4]) + " TEXT)",
        "CREATE TABLE " + q("select") + " (" + q("from") + " INTEGER PRIMARY KEY, " + q("where") + " TEXT)",
        "CREATE TABLE " + q(HOSTILE_TABLE) + " (id INTEGER PRIMARY KEY, " + q(HOSTILE_COLUMN) + " TEXT)");
  }

  static String q(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  static String lit(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  // ---------------------------------------------------------------------------------------------------------------
  // 1. Values

  /** One generated row; {@code -0.0} is expected back as {@code 0.0} (SQLite stores an integral REAL as 0). */
  record Row(int id, Long i, Double r, String t, byte[] b) {}

  /** Picks values by kind; remembers which kinds were produced. */
  static final class Gen {
    final Random rnd;
    final Map<String, Integer> kinds = new TreeMap<>();

    Gen(long seed) {
      rnd = new Random(seed);
    }

    <T> T kind(String kind, T value) {
      kinds.merge(kind, 1, Integer::sum);
      return value;
    }

    Long integer() {
      switch (rnd.nextInt(17)) {
        case 0: return kind("int:null", null);
        case 1: return kind("int:0", 0L);
        case 2: return kind("int:+-1", rnd.nextBoolean() ? 1L : -1L);
        case 3: return kind("int:max", Long.MAX_VALUE);
        case 4: return kind("int:min", Long.MIN_VALUE);
        case 5: return kind("int:max-1/min+1", rnd.nextBoolean() ? Long.MAX_VALUE - 1 : Long.MIN_VALUE + 1);
        case 6: return kind("int:2^53 boundary", (1L << 53) + rnd.nextInt(3) - 1);
        case 7: return kind("int:-2^53 boundary", -(1L << 53) + rnd.nextInt(3) - 1);
        case 8: return kind("int:2^31 boundary", rnd.nextBoolean() ? (long) Integer.MAX_VALUE + rnd.nextInt(3) - 1
            : (long) Integer.MIN_VALUE + rnd.nextInt(3) - 1);
        case 9: return kind("int:2^32/2^63 powers", rnd.nextBoolean() ? 1L << (32 + rnd.nextInt(31))
            : -(1L << (32 + rnd.nextInt(31))));
        case 10: return kind("int:small", (long) rnd.nextInt(2001) - 1000);
        case 11: return kind("int:beyond 2^53", (1L << 53) + (rnd.nextLong() >>> 11));
        default: return kind("int:random 64-bit", rnd.nextLong());
      }
    }

    Double real() {
      switch (rnd.nextInt(16)) {
        case 0: return kind("real:null", null);
        case 1: return kind("real:0.0", 0.0);
        case 2: return kind("real:-0.0", -0.0);
        case 3: return kind("real:+-max", rnd.nextBoolean() ? Double.MAX_VALUE : -Double.MAX_VALUE);
        case 4: return kind("real:min subnormal", rnd.nextBoolean() ? Double.MIN_VALUE : -Double.MIN_VALUE);
        case 5: return kind("real:min normal", rnd.nextBoolean() ? Double.MIN_NORMAL : -Double.MIN_NORMAL);
        case 6: return kind("real:subnormal", Double.longBitsToDouble((rnd.nextLong() & 0x000F_FFFF_FFFF_FFFFL)
            | (rnd.nextBoolean() ? Long.MIN_VALUE : 0L)));
        case 7: return kind("real:integral", (double) (rnd.nextLong() >> rnd.nextInt(64)));
        case 8: return kind("real:decimal fraction", (rnd.nextInt(2_000_001) - 1_000_000) / 1000.0);
        case 9: return kind("real:0.1-like", 0.1 * rnd.nextInt(100));
        case 10: return kind("real:1e+-300", (rnd.nextBoolean() ? 1e300 : 1e-300) * rnd.nextDouble());
        default:
          double d;
          do {
            d = Double.longBitsToDouble(rnd.nextLong());
          } while (!Double.isFinite(d));
          return kind("real:random bits", d);
      }
    }

    String text(int id) {
      if (id % 2500 == 1) {
        // ~1 MB strings: ASCII, 3-byte BMP, 4-byte astral (UTF-8 sizes 1,000,000 / 999,999 / 1,000,000 bytes)
        switch ((id / 2500) % 3) {
          case 0: return kind("text:1 MB ascii", "a".repeat(999_990) + "'\"\\\u0000end");
          case 1: return kind("text:1 MB 3-byte", "\u20ac".repeat(333_333));
          default: return kind("text:1 MB astral", "\ud83d\ude00".repeat(250_000));
        }
      }
      switch (rnd.nextInt(14)) {
        case 0: return kind("text:null", null);
        case 1: return kind("text:empty", "");
        case 2: return kind("text:ascii", ascii(1 + rnd.nextInt(40)));
        case 3: return kind("text:bmp", codePoints(1 + rnd.nextInt(30), 0x80, 0xFFFF));
        case 4: return kind("text:astral", codePoints(1 + rnd.nextInt(20), 0x10000, 0x10FFFF));
        case 5: return kind("text:with NUL", ascii(rnd.nextInt(5)) + "\u0000" + ascii(rnd.nextInt(5)));
        case 6: return kind("text:control chars", codePoints(1 + rnd.nextInt(10), 0, 0x1F) + "\u007f");
        case 7: return kind("text:json-like", List.of("[1,2]", "{\"a\":1}", "null", "\\u0000", "\"", "\\",
            "true", "1e999").get(rnd.nextInt(8)));
        case 8: return kind("text:hostile sql", HOSTILE[rnd.nextInt(HOSTILE.length)]);
        case 9: return kind("text:number-like", List.of("007", "1e3", " 12 ", "-0", "0x1F", "9223372036854775808")
            .get(rnd.nextInt(6)));
        case 10: return kind("text:all planes", codePoints(1 + rnd.nextInt(40), 0, 0x10FFFF));
        case 11: return kind("text:combining/rtl", "e\u0301\u05e9\u05dc\u05d5\u05dd\u200f\ufeff\u202e");
        case 12: return kind("text:4 KB", codePoints(4096, 0x20, 0x10FFFF));
        default: return kind("text:whitespace", List.of(" ", "\t", "\r\n", "\u00a0", "\u2028\u2029")
            .get(rnd.nextInt(5)));
      }
    }

    byte[] blob(int id) {
      if (id == 4242) {
        return kind("blob:900 KB", bytes(900_000));
      }
      switch (rnd.nextInt(8)) {
        case 0: return kind("blob:null", null);
        case 1: return kind("blob:empty", new byte[0]);
        case 2: return kind("blob:single 0x00", new byte[1]);
        case 3: {
          byte[] all = new byte[256];
          for (int k = 0; k < 256; k++) {
            all[k] = (byte) k;
          }
          return kind("blob:all 256 byte values", all);
        }
        case 4: return id % 50 == 4 ? kind("blob:64 KB", bytes(65_536)) : kind("blob:4 KB", bytes(4096));
        case 5: return kind("blob:utf-8 lookalike", "\u00e9\ud83d\ude00'\"".getBytes(StandardCharsets.UTF_8));
        default: return kind("blob:random", bytes(1 + rnd.nextInt(1024)));
      }
    }

    String ascii(int n) {
      return codePoints(n, 0x20, 0x7E);
    }

    /** Random valid Unicode scalar values (no surrogates) in [lo, hi]. */
    String codePoints(int n, int lo, int hi) {
      StringBuilder sb = new StringBuilder();
      while (n > 0) {
        int cp = lo + rnd.nextInt(hi - lo + 1);
        if (cp >= 0xD800 && cp <= 0xDFFF) {
          continue;
        }
        sb.appendCodePoint(cp);
        n--;
      }
      return sb.toString();
    }

    byte[] bytes(int n) {
      byte[] b = new byte[n];
      rnd.nextBytes(b);
      return b;
    }
  }

  @Test
  void tenThousandRandomRowsRoundTripExactly() throws Exception {
    long start = System.nanoTime();
    Gen gen = new Gen(SEED);
    List<Row> rows = new ArrayList<>(ROWS);
    for (int id = 1; id <= ROWS; id++) {
      rows.add(new Row(id, gen.integer(), gen.real(), gen.text(id), gen.blob(id)));
    }
    try (Connection c = d1.connect()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO rt (id, i, r, t, b) VALUES (?, ?, ?, ?, ?)")) {
        for (Row row : rows) {
          ps.setInt(1, row.id());
          if (row.i() == null) {
            ps.setNull(2, Types.BIGINT);
          } else {
            ps.setLong(2, row.i());
          }
          if (row.r() == null) {
            ps.setNull(3, Types.DOUBLE);
          } else {
            ps.setDouble(3, row.r());
          }
          ps.setString(4, row.t());
          ps.setBytes(5, row.b());
          ps.addBatch();
          if (row.id() % ROWS_PER_COMMIT == 0 || row.id() == ROWS) {
            ps.executeBatch();
            c.commit();
          }
        }
      }
    }
    List<String> failures = new ArrayList<>();
    // Read back through calcite-d1.
    try (Connection c = d1.connect(); Statement s = c.createStatement();
         ResultSet r = s.executeQuery("SELECT id, i, r, t, b FROM rt ORDER BY id")) {
      int n = 0;
      while (r.next()) {
        Row want = rows.get(n++);
        long i = r.getLong(2);
        Long gotI = r.wasNull() ? null : i;
        double d = r.getDouble(3);
        Double gotR = r.wasNull() ? null : d;
        compare(failures, "calcite-d1", want, r.getInt(1), gotI, gotR, r.getString(4), r.getBytes(5));
      }
      assertEquals(ROWS, n, "rows read back through calcite-d1");
    }
    // And from the SQLite file behind d1-local, with exact storage classes.
    try (Connection f = d1.sqlite(); Statement s = f.createStatement();
         ResultSet r = s.executeQuery("SELECT id, i, typeof(i), r, typeof(r), hex(t), typeof(t), b, typeof(b)"
             + " FROM rt ORDER BY id")) {
      int n = 0;
      while (r.next()) {
        Row want = rows.get(n++);
        Long gotI = "null".equals(r.getString(3)) ? null : r.getLong(2);
        Double gotR = "null".equals(r.getString(5)) ? null : r.getDouble(4);
        String gotT = "null".equals(r.getString(7)) ? null
            : new String(HexFormat.of().parseHex(r.getString(6)), StandardCharsets.UTF_8);
        byte[] gotB = "null".equals(r.getString(9)) ? null : r.getBytes(8) == null ? new byte[0] : r.getBytes(8);
        compare(failures, "sqlite file", want, r.getInt(1), gotI, gotR, gotT, gotB);
        if (want.i() != null && !"integer".equals(r.getString(3))
            || want.r() != null && !"real".equals(r.getString(5))
            || want.t() != null && !"text".equals(r.getString(7))
            || want.b() != null && !"blob".equals(r.getString(9))) {
          failures.add("sqlite file row " + want.id() + ": storage classes " + r.getString(3) + "/" + r.getString(5)
              + "/" + r.getString(7) + "/" + r.getString(9));
        }
      }
      assertEquals(ROWS, n, "rows in the SQLite file");
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.printf(Locale.ROOT, "FIGURES round trip: seed %d, %d rows, %d commits, %d distinct value kinds,"
        + " %d failures, %d ms%nFIGURES kinds: %s%n", SEED, ROWS, (ROWS + ROWS_PER_COMMIT - 1) / ROWS_PER_COMMIT,
        gen.kinds.size(), failures.size(), millis, gen.kinds);
    assertTrue(failures.isEmpty(), failures.size() + " mismatches, first: "
        + failures.subList(0, Math.min(10, failures.size())));
    assertTrue(gen.kinds.size() >= 45, "kinds produced: " + gen.kinds.keySet());
  }

  private static void compare(List<String> failures, String where, Row want, int id, Long i, Double r, String t,
      byte[] b) {
    if (id != want.id()) {
      failures.add(where + ": row " + want.id() + " read as id " + id);
      return;
    }
    if (!java.util.Objects.equals(want.i(), i)) {
      failures.add(where + " row " + id + " i: want " + want.i() + ", got " + i);
    }
    Double wantR = want.r() != null && want.r() == 0.0 ? Double.valueOf(0.0) : want.r();
    if (wantR == null ? r != null : r == null || Double.doubleToLongBits(wantR) != Double.doubleToLongBits(r)) {
      failures.add(where + " row " + id + " r: want " + wantR + ", got " + r);
    }
    if (!java.util.Objects.equals(want.t(), t)) {
      failures.add(where + " row " + id + " t: want " + abbreviate(want.t()) + ", got " + abbreviate(t));
    }
    if (want.b() == null ? b != null : b == null || !Arrays.equals(want.b(), b)) {
      failures.add(where + " row " + id + " b: want " + (want.b() == null ? null : want.b().length + " bytes")
          + ", got " + (b == null ? null : b.length + " bytes"));
    }
  }

  private static String abbreviate(String s) {
    if (s == null) {
      return null;
    }
    String cps = s.codePoints().limit(12).mapToObj(Integer::toHexString).toList().toString();
    return s.length() + " chars " + cps;
  }

  /** What D1 cannot hold is refused before anything is sent, with a message that says why. */
  @Test
  void valuesD1CannotHoldAreRefusedClearly() throws Exception {
    d1.server().clearRecordedRequests();
    try (Connection c = d1.connect();
         PreparedStatement ps = c.prepareStatement("INSERT INTO rt (id, r) VALUES (?, ?)")) {
      for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
        ps.setInt(1, -1);
        ps.setDouble(2, bad);
        SQLException e = assertThrows(SQLException.class, ps::executeUpdate);
        assertTrue(e.getMessage().contains(Double.toString(bad)) && e.getMessage().contains("JSON"), e.getMessage());
        assertEquals("22003", sqlState(e), chain(e));
      }
    }
    try (Connection c = d1.connect();
         PreparedStatement ps = c.prepareStatement("INSERT INTO rt (id, t) VALUES (?, ?)")) {
      ps.setInt(1, -2);
      ps.setString(2, "x\ud800y");
      SQLException e = assertThrows(SQLException.class, ps::executeUpdate);
      assertTrue(e.getMessage().contains("unpaired UTF-16 surrogate (U+D800 at index 1)"), e.getMessage());
      ps.setString(2, "z".repeat(2_000_001));
      e = assertThrows(SQLException.class, ps::executeUpdate);
      assertTrue(e.getMessage().contains("exceeds D1's limit of 2000000 bytes"), e.getMessage());
      assertEquals("54000", sqlState(e));
    }
    // A NaN parameter of a statement run inside D1 (pushed UPDATE) is refused as well.
    try (Connection c = d1.connect();
         PreparedStatement ps = c.prepareStatement("UPDATE rt SET r = ? WHERE id = -3")) {
      ps.setDouble(1, Double.NaN);
      Exception e = assertThrows(Exception.class, ps::executeUpdate);
      assertTrue(chain(e).contains("NaN"), chain(e));
    }
    List<String> sent = SqlSkeleton.sqlOf(d1.server().recordedRequests());
    assertTrue(sent.stream().noneMatch(x -> x.startsWith("INSERT") || x.startsWith("UPDATE")), "nothing was sent: "
        + sent);
    try (Connection f = d1.sqlite(); Statement s = f.createStatement();
         ResultSet r = s.executeQuery("SELECT count(*) FROM rt WHERE id < 0")) {
      assertTrue(r.next());
      assertEquals(0, r.getInt(1));
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // 2. Identifiers and injection

  @Test
  void oddIdentifiersAndHostileValuesNeverChangeTheSql() throws Exception {
    d1.server().clearRecordedRequests();
    String t = q(WEIRD_TABLE);
    String[] c = Arrays.stream(WEIRD_COLUMNS).map(BadInputTest::q).toArray(String[]::new);
    Map<Integer, String[]> expected = new LinkedHashMap<>();
    try (Connection conn = d1.connect()) {
      // Parameters, a JDBC batch (one request).
      try (PreparedStatement ps = conn.prepareStatement("INSERT INTO " + t + " (" + String.join(", ", c)
          + ") VALUES (?, ?, ?, ?, ?)")) {
        for (int k = 0; k < HOSTILE.length; k++) {
          String[] v = {HOSTILE[k], HOSTILE[(k + 1) % HOSTILE.length], "\u00fc" + k, HOSTILE[(k + 2) % HOSTILE.length]};
          ps.setInt(1, k);
          for (int j = 0; j < 4; j++) {
            ps.setString(2 + j, v[j]);
          }
          ps.addBatch();
          expected.put(k, v);
        }
        ps.executeBatch();
      }
      try (Statement s = conn.createStatement()) {
        // Literals in VALUES (rows computed by Calcite).
        for (int k = 0; k < HOSTILE.length; k++) {
          String h = HOSTILE[k].replace("\u0000", "");
          assertEquals(1, s.executeUpdate("INSERT INTO " + t + " VALUES (" + (100 + k) + ", " + lit(h) + ", "
              + lit(h) + ", " + lit(h) + ", " + lit(h) + ")"));
          expected.put(100 + k, new String[] {h, h, h, h});
        }
        // Literals in a WHERE that D1 runs.
        for (int k = 0; k < HOSTILE.length; k++) {
          String h = HOSTILE[k].replace("\u0000", "");
          try (ResultSet r = s.executeQuery("SELECT " + c[0] + " AS " + q("x\"; DROP TABLE rt; --") + " FROM " + t
              + " WHERE " + c[1] + " = " + lit(h) + " AND " + c[0] + " >= 100")) {
            assertTrue(r.next(), h);
            assertEquals(100 + k, r.getInt(1));
            assertEquals("x\"; DROP TABLE rt; --", r.getMetaData().getColumnLabel(1));
            assertFalse(r.next());
          }
        }
        // Pushed UPDATE and DELETE with literals.
        assertEquals(1, s.executeUpdate("UPDATE " + t + " SET " + c[2] + " = " + lit(HOSTILE[0]) + " WHERE " + c[0]
            + " = 101"));
        expected.get(101)[1] = HOSTILE[0];
        assertEquals(1, s.executeUpdate("DELETE FROM " + t + " WHERE " + c[4] + " = " + lit(HOSTILE[5].replace(
            "\u0000", "")) + " AND " + c[0] + " >= 100"));
        expected.remove(105);
        // Keyword-named and hostile-named tables.
        assertEquals(2, s.executeUpdate("INSERT INTO " + q("select") + " (" + q("from") + ", " + q("where")
            + ") VALUES (1, 'a'), (2, " + lit(HOSTILE[1]) + ")"));
        assertEquals(1, s.executeUpdate("INSERT INTO " + q(HOSTILE_TABLE) + " VALUES (1, " + lit(HOSTILE[0]) + ")"));
        assertEquals(1, s.executeUpdate("UPDATE " + q(HOSTILE_TABLE) + " SET " + q(HOSTILE_COLUMN) + " = "
            + lit(HOSTILE[2]) + " WHERE id = 1"));
        try (ResultSet r = s.executeQuery("SELECT " + q("where") + " FROM " + q("select") + " WHERE " + q("from")
            + " = 2")) {
          assertTrue(r.next());
          assertEquals(HOSTILE[1], r.getString(1));
        }
        try (ResultSet r = s.executeQuery("SELECT " + q(HOSTILE_COLUMN) + " FROM " + q(HOSTILE_TABLE))) {
          assertTrue(r.next());
          assertEquals(HOSTILE[2], r.getString(1));
        }
      }
      // Parameters in a pushed UPDATE and in a WHERE.
      try (PreparedStatement ps = conn.prepareStatement("UPDATE " + t + " SET " + c[3] + " = ? WHERE " + c[1]
          + " = ? AND " + c[0] + " < 100")) {
        ps.setString(1, HOSTILE[6]);
        ps.setString(2, HOSTILE[3]);
        assertEquals(1, ps.executeUpdate());
        expected.get(3)[2] = HOSTILE[6];
      }
      try (PreparedStatement ps = conn.prepareStatement("SELECT count(*) FROM " + t + " WHERE " + c[1] + " = ?")) {
        ps.setString(1, "' OR '1'='1");
        try (ResultSet r = ps.executeQuery()) {
          assertTrue(r.next());
          assertEquals(2, r.getInt(1), "the literal row and the parameter row only");
        }
      }
      // Everything, read back through calcite-d1.
      try (Statement s = conn.createStatement();
           ResultSet r = s.executeQuery("SELECT * FROM " + t + " ORDER BY " + c[0])) {
        assertEquals(List.of(WEIRD_COLUMNS), columnNames(r));
        for (Map.Entry<Integer, String[]> e : expected.entrySet()) {
          assertTrue(r.next());
          assertEquals(e.getKey(), r.getInt(1));
          for (int j = 0; j < 4; j++) {
            assertEquals(e.getValue()[j], r.getString(2 + j), "row " + e.getKey() + " column " + WEIRD_COLUMNS[j + 1]);
          }
        }
        assertFalse(r.next());
      }
    }
    // The file: every table is still there, the values are as written.
    try (Connection f = d1.sqlite(); Statement s = f.createStatement()) {
      Set<String> tables = new TreeSet<>();
      try (ResultSet r = s.executeQuery("SELECT name FROM sqlite_schema WHERE type = 'table'")) {
        while (r.next()) {
          tables.add(r.getString(1));
        }
      }
      assertTrue(tables.containsAll(List.of("rt", WEIRD_TABLE, "select", HOSTILE_TABLE)), tables.toString());
      try (ResultSet r = s.executeQuery("SELECT count(*) FROM " + t)) {
        assertEquals(expected.size(), r.getInt(1));
      }
      try (ResultSet r = s.executeQuery("SELECT " + c[3] + " FROM " + t + " WHERE " + c[0] + " = 3")) {
        assertEquals(HOSTILE[6], r.getString(1));
      }
    }
    // The SQL at the server: no user text outside a quoted literal or identifier.
    List<String> sqls = SqlSkeleton.sqlOf(d1.server().recordedRequests());
    assertTrue(sqls.size() > 20, sqls.toString());
    for (String sql : sqls) {
      String skeleton = SqlSkeleton.of(sql);
      String upper = skeleton.toUpperCase(Locale.ROOT);
      assertFalse(upper.contains(";") || upper.contains("--") || upper.contains("/*") || upper.contains("DROP")
          || upper.contains("ATTACH") || upper.contains("1=1") || upper.contains("DELETE FROM RT"),
          "user text escaped quoting: " + sql + "\nskeleton: " + skeleton);
    }
    assertTrue(sqls.stream().anyMatch(s -> s.replaceAll("\\s+", " ").contains("UPDATE " + t + " SET " + c[2]
        + " = ? WHERE")), "the pushed UPDATE carries the value as a bound parameter, as reads do: " + sqls);
  }

  private static List<String> columnNames(ResultSet r) throws SQLException {
    List<String> names = new ArrayList<>();
    for (int k = 1; k <= r.getMetaData().getColumnCount(); k++) {
      names.add(r.getMetaData().getColumnName(k));
    }
    return names;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // 3. Configuration

  /** Each bad connect-string property is named in the error message the application sees. */
  @Test
  void everyBadPropertyIsNamed() {
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put("pageSise", "100");
    bad.put("baseUrl", "ftp://127.0.0.1/x");
    bad.put("apiTokenEnv", "CALCITE_D1_NO_SUCH_VARIABLE");
    bad.put("readOnly", "perhaps");
    bad.put("connectTimeoutMillis", "soon");
    bad.put("readTimeoutMillis", "-1");
    bad.put("callTimeoutMillis", "99999999999");
    bad.put("pageSize", "0");
    bad.put("catalogTtlSeconds", "x");
    bad.put("strictAtomicity", "maybe");
    bad.put("maxValueBytes", "5");
    bad.put("maxStatementsPerRequest", "0");
    bad.put("maxRequestBytes", "1");
    bad.put("diagnoseFailedCommit", "nah");
    bad.put("maxAttempts", "0");
    bad.put("retryBaseDelayMillis", "fast");
    bad.put("retryMaxDelayMillis", "1");
    bad.put("maxRetryAfterSeconds", "-5");
    bad.put("allowInsecureHttp", "sure");
    bad.put("commitLedger", "perhaps");
    bad.put("commitLedgerTable", "_cf_commits");
    List<String> report = new ArrayList<>();
    for (Map.Entry<String, String> e : bad.entrySet()) {
      String url = e.getKey().equals("apiTokenEnv")
          ? "jdbc:d1:database=shop;accountId=acc;baseUrl=" + d1.server().baseUrl() + ";apiTokenEnv=" + e.getValue()
          : d1.url(e.getKey() + "=" + e.getValue());
      SQLException ex = assertThrows(SQLException.class, () -> DriverManager.getConnection(url).close(), url);
      String message = ex.getMessage();
      String named = e.getKey().equals("apiTokenEnv") ? e.getValue() : e.getKey();
      assertTrue(message.contains(named), "the message names " + named + ": " + chain(ex));
      report.add(e.getKey() + " -> " + message);
    }
    // The database= shortcut without a database name is a model: an empty database is named too.
    SQLException ex = assertThrows(SQLException.class, () -> DriverManager.getConnection(
        "jdbc:d1:database=;accountId=acc;baseUrl=" + d1.server().baseUrl() + ";apiToken=x").close());
    assertTrue(chain(ex).contains("database"), chain(ex));
    System.out.println("FIGURES configuration: " + bad.size() + " bad properties, each named");
  }

  /** A wrong token or database: D1's own answer, then what to do. */
  @Test
  void wrongTokenOrDatabaseSaysD1sAnswerAndWhatToDo() {
    SQLException token = assertThrows(SQLException.class, () -> DriverManager.getConnection(
        "jdbc:d1:database=shop;accountId=acc;baseUrl=" + d1.server().baseUrl() + ";apiToken=wrong-token").close());
    String m = token.getMessage();
    assertTrue(m.contains("HTTP 401") || m.contains("HTTP 403"), m);
    assertTrue(m.contains("Check the API token"), m);
    assertFalse(chain(token).contains("wrong-token"), "the token is not quoted: " + chain(token));
    SQLException db = assertThrows(SQLException.class, () -> DriverManager.getConnection(d1.url()
        .replace("database=shop", "database=shoop")).close());
    assertTrue(db.getMessage().contains("No D1 database is named 'shoop'"), db.getMessage());
    assertTrue(db.getMessage().contains("wrangler d1 list"), db.getMessage());
    SQLException id = assertThrows(SQLException.class, () -> DriverManager.getConnection(d1.url()
        .replace("database=shop", "database=6b4e7b2c-1c9d-4f44-9b8e-0d3f3a2c1e55")).close());
    assertTrue(id.getMessage().contains("Check the database name or id"), id.getMessage());
  }


  static String chain(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      sb.append(c).append(" <- ");
    }
    return sb.toString();
  }
}
