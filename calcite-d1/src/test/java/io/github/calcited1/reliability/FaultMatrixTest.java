package io.github.calcited1.reliability;

import static io.github.calcited1.testing.Errors.sqlState;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.calcited1.jdbc.D1Connections;
import io.github.calcited1.local.fault.Fault;
import io.github.calcited1.testing.D1LocalExtension;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every fault × every kind of request, through {@code jdbc:d1:} against the real d1-local (its fault hooks) with a
 * MockWebServer proxy in front for the faults d1-local cannot play (a 200 that is not JSON, JSON cut inside a complete
 * response, a server that refuses connections and then comes up). For each cell: the outcome the application sees,
 * and the rows found in the SQLite file afterwards, read with sqlite-jdbc: none may be lost (reported committed but
 * absent), duplicated (applied twice) or torn (partly applied). The table printed at the end is the one in
 * docs/reliability.md.
 */
class FaultMatrixTest {
  /** Client settings of the matrix: short timeouts and backoffs so it runs in seconds. */
  static final String SETTINGS = "readTimeoutMillis=700;maxAttempts=5;retryBaseDelayMillis=50;retryMaxDelayMillis=400;"
      + "maxRetryAfterSeconds=5";
  static final Duration DELAY = Duration.ofMillis(1800);
  static final String TOKEN = "tok-matrix";

  enum FaultKind {
    RATE_LIMITED("429, Retry-After: 1 (d1-local)"),
    SERVER_500("500 (d1-local)"),
    SERVER_503("503 (d1-local)"),
    DELAY("answer delayed 1.8 s, past the 0.7 s read timeout (d1-local)"),
    DROP_MID_BODY("connection dropped mid-body (d1-local)"),
    DROP_AFTER_EXECUTE("executed, connection dropped before answering (d1-local)"),
    MALFORMED_JSON("executed, 200 with a body that is not JSON (proxy)"),
    TRUNCATED_JSON("executed, 200 with the JSON cut in half (proxy)"),
    CONNECTION_REFUSED("connection refused, server up 0.15 s later (proxy)"),
    D1_REFUSES("D1 refuses: 400 UNIQUE constraint (real error, no fault)");

    final String label;

    FaultKind(String label) {
      this.label = label;
    }
  }

  enum Op {
    READ("read"), AUTOCOMMIT("autocommit write"), AUTOCOMMIT_LEDGER("autocommit write + ledger"),
    COMMIT("COMMIT"), COMMIT_LEDGER("COMMIT + ledger");

    final String label;

    Op(String label) {
      this.label = label;
    }
  }

  /** What the application is told. */
  enum Outcome { OK, OK_WARNING, UNKNOWN_08007, FAILED_NOTHING_APPLIED, NOT_APPLICABLE }

  record Cell(FaultKind fault, Op op, Outcome outcome, String detail, int expectedRows, int foundRows,
      int lost, int duplicated, long requests, long millis) {}

  /** OK means success, with or without a warning; the rest must match exactly. */
  static boolean matches(Outcome expected, Outcome actual) {
    return expected == actual || expected == Outcome.OK && actual == Outcome.OK_WARNING;
  }

  /** The expected outcome of each cell: what the design promises (docs/reliability.md). */
  static Outcome expected(FaultKind f, Op op) {
    boolean ledger = op == Op.AUTOCOMMIT_LEDGER || op == Op.COMMIT_LEDGER;
    switch (f) {
      case D1_REFUSES:
        return op == Op.READ ? Outcome.NOT_APPLICABLE : Outcome.FAILED_NOTHING_APPLIED;
      case RATE_LIMITED:
      case CONNECTION_REFUSED:
        return Outcome.OK; // D1 certainly did not run it: sent again, reads and writes alike
      case DROP_MID_BODY:
      case TRUNCATED_JSON:
        // D1 answered 200 and only the body was lost: a write was applied, its counts are unknown
        return op == Op.READ || ledger ? Outcome.OK : Outcome.OK_WARNING;
      default:
        return op == Op.READ || ledger ? Outcome.OK : Outcome.UNKNOWN_08007;
    }
  }

  @RegisterExtension static final D1LocalExtension d1 = new D1LocalExtension("shop").withToken(TOKEN);
  static FaultProxy proxy;
  static final List<Cell> cells = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    try (Connection c = sqlite(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
      s.execute("WITH RECURSIVE q(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM q WHERE x < 100)"
          + " INSERT INTO items SELECT x, 'item ' || x FROM q");
      s.execute("CREATE TABLE events (tag TEXT NOT NULL, seq INTEGER NOT NULL, payload TEXT)"); // no key: dups show
      s.execute("CREATE TABLE counters (tag TEXT PRIMARY KEY, n INTEGER NOT NULL)");
    }
    proxy = new FaultProxy(d1.baseUrl(), false);
    proxy.start();
  }

  @AfterAll
  static void stop() {
    proxy.close();
  }

  static Connection sqlite() throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + d1.databaseFile());
  }

  static String url(String base, boolean ledger, String settings) {
    return "jdbc:d1:database=shop;accountId=acc;apiToken=" + TOKEN + ";baseUrl=" + base + ";" + settings
        + (ledger ? ";commitLedger=true" : "");
  }

  /** The ledger lives in the user's database, but it is calcite-d1's bookkeeping: never listed as a table. */
  @Test
  void ledgerTableIsNotListed() throws Exception {
    try (Connection c = DriverManager.getConnection(url(d1.baseUrl(), true, SETTINGS))) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.executeUpdate("INSERT INTO counters (tag, n) VALUES ('ledger-listing', 1)");
      }
      c.commit();
    }
    try (Connection c = sqlite(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM sqlite_master WHERE name = '_calcite_d1_commits'")) {
      r.next();
      assertEquals(1, r.getInt(1), "the ledger table was created in D1");
    }
    try (Connection c = DriverManager.getConnection(url(d1.baseUrl(), true, SETTINGS));
        ResultSet tables = c.getMetaData().getTables(null, "shop", "%", null)) {
      List<String> names = new ArrayList<>();
      while (tables.next()) {
        names.add(tables.getString("TABLE_NAME"));
      }
      names.sort(null);
      assertEquals(List.of("counters", "events", "items"), names);
    }
  }

  @Test
  void everyFaultTimesEveryRequest() throws Exception {
    for (FaultKind f : FaultKind.values()) {
      for (Op op : Op.values()) {
        cells.add(run(f, op));
      }
    }
    StringBuilder table = new StringBuilder();
    table.append("| fault | ").append(String.join(" | ", java.util.Arrays.stream(Op.values()).map(o -> o.label)
        .toList())).append(" |\n|---|---|---|---|---|---|\n");
    int lost = 0;
    int dup = 0;
    int torn = 0;
    List<String> wrong = new ArrayList<>();
    for (FaultKind f : FaultKind.values()) {
      table.append("| ").append(f.label);
      for (Op op : Op.values()) {
        Cell c = cells.stream().filter(x -> x.fault == f && x.op == op).findFirst().orElseThrow();
        table.append(" | ").append(describe(c));
        lost += c.lost;
        dup += c.duplicated;
        if (c.outcome == Outcome.UNKNOWN_08007 || c.outcome == Outcome.FAILED_NOTHING_APPLIED) {
          torn += c.foundRows != 0 && c.foundRows != c.expectedRows ? 1 : 0;
        }
        if (!matches(expected(f, op), c.outcome)) {
          wrong.add(f + " x " + op + ": expected " + expected(f, op) + ", got " + c.outcome + " (" + c.detail + ")");
        }
      }
      table.append(" |\n");
    }
    System.out.println("FIGURES fault matrix (" + cells.size() + " cells): rows lost " + lost + ", duplicated "
        + dup + ", torn " + torn + "\n" + table);
    assertEquals(List.of(), wrong, "outcomes differ from the design");
    assertEquals(0, lost, "rows lost");
    assertEquals(0, dup, "rows duplicated");
    assertEquals(0, torn, "requests partly applied");
  }

  private static String describe(Cell c) {
    String o;
    switch (c.outcome) {
      case OK: o = "ok"; break;
      case OK_WARNING: o = "ok + warning (counts unknown)"; break;
      case UNKNOWN_08007: o = "08007 unknown (" + (c.foundRows == 0 ? "had not landed" : "had landed") + ")"; break;
      case FAILED_NOTHING_APPLIED: o = "failed, nothing applied"; break;
      default: return "n/a";
    }
    return String.format(Locale.ROOT, "%s; %d req; lost %d dup %d", o, c.requests, c.lost, c.duplicated);
  }

  private Cell run(FaultKind f, Op op) throws Exception {
    if (f == FaultKind.D1_REFUSES && op == Op.READ) {
      return new Cell(f, op, Outcome.NOT_APPLICABLE, "", 0, 0, 0, 0, 0, 0);
    }
    boolean ledger = op == Op.AUTOCOMMIT_LEDGER || op == Op.COMMIT_LEDGER;
    String tag = f.name().toLowerCase(Locale.ROOT) + "/" + op.name().toLowerCase(Locale.ROOT);
    try (Connection s = sqlite(); PreparedStatement ps = s.prepareStatement("INSERT INTO counters VALUES (?, ?)")) {
      ps.setString(1, tag);
      ps.setInt(2, 0);
      ps.executeUpdate();
    }
    FaultProxy late = null;
    // d1-local's own faults are played to the client directly; the proxy only for the faults it adds.
    String base = f == FaultKind.MALFORMED_JSON || f == FaultKind.TRUNCATED_JSON ? proxy.baseUrl() : d1.baseUrl();
    String settings = SETTINGS;
    if (f == FaultKind.CONNECTION_REFUSED) {
      // Open the connection through a proxy, stop it, and bring a new one up on the same port shortly after.
      late = new FaultProxy(d1.baseUrl(), true);
      late.start();
      base = late.baseUrl();
      settings = "readTimeoutMillis=700;maxAttempts=8;retryBaseDelayMillis=200;retryMaxDelayMillis=1000";
    }
    long requestsBefore;
    long start;
    int unplayed;
    Outcome outcome;
    String detail = "";
    int expectedRows = op == Op.READ ? 100 : 3;
    try (Connection c = DriverManager.getConnection(url(base, ledger, settings))) {
      if (op == Op.COMMIT || op == Op.COMMIT_LEDGER) {
        c.setAutoCommit(false);
      }
      try (Statement st = c.createStatement()) {
        st.executeQuery("SELECT count(*) FROM counters").close(); // warm up: catalog and plan caches
        if (f == FaultKind.CONNECTION_REFUSED) {
          int port = Integer.parseInt(base.replaceAll(".*:(\\d+)/client/v4", "$1"));
          late.close();
          FaultProxy up = new FaultProxy(d1.baseUrl(), true);
          late = up;
          Thread starter = new Thread(() -> {
            try {
              Thread.sleep(150);
              up.start(port);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
          starter.start();
        }
        requestsBefore = d1.requestCount();
        start = System.nanoTime();
        String rows = "('" + tag + "', 1, 'a'), ('" + tag + "', 2, 'b'), ('" + tag + "', 3, 'c')";
        if (op == Op.COMMIT || op == Op.COMMIT_LEDGER) {
          st.executeUpdate("INSERT INTO events VALUES " + rows);
          st.executeUpdate("UPDATE counters SET n = n + 1 WHERE tag = '" + tag + "'");
          if (f == FaultKind.D1_REFUSES) {
            st.executeUpdate("INSERT INTO counters VALUES ('" + tag + "', 99)"); // duplicate key
          }
        }
        queue(f);
        try {
          switch (op) {
            case READ:
              int n = 0;
              long sum = 0;
              try (ResultSet r = st.executeQuery("SELECT id, name FROM items ORDER BY id")) {
                while (r.next()) {
                  n++;
                  sum += r.getLong(1);
                  assertEquals("item " + r.getLong(1), r.getString(2));
                }
              }
              assertEquals(100, n, "rows read");
              assertEquals(5050, sum);
              break;
            case AUTOCOMMIT:
            case AUTOCOMMIT_LEDGER:
              if (f == FaultKind.D1_REFUSES) {
                st.executeUpdate("INSERT INTO counters VALUES ('" + tag + "', 5)"); // the key exists
              } else {
                assertEquals(3, st.executeUpdate("INSERT INTO events VALUES " + rows));
              }
              break;
            default:
              c.commit();
              break;
          }
          // the chain may also hold other warnings (e.g. a buffered UPDATE's deferred count): look for 01D02
          SQLWarning w = D1Connections.warnings(c);
          while (w != null && !"01D02".equals(w.getSQLState())) {
            w = w.getNextWarning();
          }
          outcome = w != null ? Outcome.OK_WARNING : Outcome.OK;
          detail = w == null ? "" : w.getMessage();
        } catch (SQLException e) {
          String state = sqlState(e);
          detail = state + " " + e.getMessage();
          if ("08007".equals(state)) {
            outcome = Outcome.UNKNOWN_08007;
          } else if (e.getMessage().contains("Nothing of this request was applied")
              || String.valueOf(e.getCause()).contains("Nothing of this request was applied")) {
            outcome = Outcome.FAILED_NOTHING_APPLIED;
          } else {
            throw new AssertionError(f + " x " + op + ": unexpected failure " + BadInputTest.chain(e), e);
          }
        }
      }
    } finally {
      unplayed = d1.faults().pending() + proxy.pending();
      d1.faults().clear();
      if (late != null) {
        late.close();
      }
    }
    // A fault never played would make the cell pass without testing anything.
    assertEquals(0, unplayed, f + " x " + op + ": the queued fault was never played");
    long millis = (System.nanoTime() - start) / 1_000_000;
    long requests = d1.requestCount() - requestsBefore;
    if (f == FaultKind.DELAY) {
      Thread.sleep(DELAY.toMillis() + 300); // the delayed request runs late: count after it did
    }
    int found = 0;
    int counter = 0;
    if (op != Op.READ) {
      try (Connection s = sqlite(); Statement st = s.createStatement()) {
        try (ResultSet r = st.executeQuery("SELECT count(*) FROM events WHERE tag = '" + tag + "'")) {
          found = r.getInt(1);
        }
        try (ResultSet r = st.executeQuery("SELECT n FROM counters WHERE tag = '" + tag + "'")) {
          counter = r.getInt(1);
        }
      }
    } else {
      found = expectedRows;
    }
    boolean commitOp = op == Op.COMMIT || op == Op.COMMIT_LEDGER;
    int lost = 0;
    int dup = Math.max(0, found - expectedRows) + (commitOp ? Math.max(0, counter - 1) : 0);
    if (outcome == Outcome.OK || outcome == Outcome.OK_WARNING) {
      lost = Math.max(0, expectedRows - found) + (commitOp && counter < 1 ? 1 : 0);
    }
    if (outcome == Outcome.FAILED_NOTHING_APPLIED) {
      assertEquals(0, found, f + " x " + op + ": a refused request applied rows");
      assertEquals(0, counter, f + " x " + op + ": a refused request applied the update");
    }
    if (commitOp && outcome == Outcome.UNKNOWN_08007) {
      assertEquals(found == 0 ? 0 : 1, counter, "all or nothing: " + f + " x " + op);
    }
    return new Cell(f, op, outcome, detail, expectedRows, found, lost, dup, requests, millis);
  }

  private static void queue(FaultKind f) {
    switch (f) {
      case RATE_LIMITED: d1.faults().next(Fault.rateLimited(Duration.ofSeconds(1))); break;
      case SERVER_500: d1.faults().next(Fault.serverError(500)); break;
      case SERVER_503: d1.faults().next(Fault.serverError(503)); break;
      case DELAY: d1.faults().next(Fault.delay(DELAY)); break;
      case DROP_MID_BODY: d1.faults().next(Fault.dropMidBody()); break;
      case DROP_AFTER_EXECUTE: d1.faults().next(Fault.dropAfterExecute()); break;
      case MALFORMED_JSON: proxy.next(FaultProxy.Spoil.MALFORMED_JSON); break;
      case TRUNCATED_JSON: proxy.next(FaultProxy.Spoil.TRUNCATED_JSON); break;
      default: break;
    }
  }
}
