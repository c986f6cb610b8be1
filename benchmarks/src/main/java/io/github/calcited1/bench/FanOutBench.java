package io.github.calcited1.bench;

import io.github.calcited1.local.D1LocalServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Many databases as one table (issue 15): {@link #DATABASES} databases on d1-local behind a loopback proxy that holds
 * every request {@link #DELAY_MILLIS} ms (a simulated round trip), queried as one fan-out table
 * ({@code databasePattern=tenant_*}) against the same question asked of each database one after another: through
 * the fan-out with {@code maxParallelRequests=1}, and through one single-database connection per database, merged
 * by the caller. Prints one table (requests and wall time, median of {@link #ROUNDS} after a warm-up) and checks that
 * the answers agree. Run with {@code ./benchmarks/run fan-out}; not part of {@code Bench}'s report.
 */
public final class FanOutBench {
  static final int DATABASES = 50;
  static final int ROWS = 2_000;
  static final long DELAY_MILLIS = 100;
  static final int ROUNDS = 7;

  private FanOutBench() {
  }

  record Question(String id, String what, String fanOut, String perDatabase) {}

  static final List<Question> QUESTIONS = List.of(
      new Question("F1", "GROUP BY region: COUNT, SUM, AVG, MIN, MAX",
          "SELECT region, COUNT(*) AS n, SUM(amount) AS s, AVG(amount) AS a, MIN(amount) AS lo, MAX(amount) AS hi"
              + " FROM orders GROUP BY region ORDER BY region",
          "SELECT region, COUNT(*) AS n, SUM(amount) AS s, MIN(amount) AS lo, MAX(amount) AS hi FROM orders"
              + " GROUP BY region"),
      new Question("F2", "top 10 by amount",
          "SELECT _database, id, amount FROM orders ORDER BY amount DESC, _database, id LIMIT 10",
          "SELECT id, amount FROM orders ORDER BY amount DESC, id LIMIT 10"),
      new Question("F3", "filter on the database column (pruned to 1 database)",
          "SELECT COUNT(*) AS n, SUM(amount) AS s FROM orders WHERE _database = 'tenant_07'", null));

  public static void main(String[] args) throws Exception {
    Bench.quietLogging();
    Path dir = Files.createTempDirectory("calcite-d1-fan-out");
    try {
      D1LocalServer.Builder builder = D1LocalServer.builder().port(0).dataDir(dir).token(Env.TOKEN);
      for (int d = 0; d < DATABASES; d++) {
        createDatabase(dir.resolve(name(d) + ".sqlite"), d);
        builder.database(name(d));
      }
      try (D1LocalServer server = builder.build().start();
           CachingProxy proxy = new CachingProxy("http://127.0.0.1:" + server.port(), DATABASES + 14)) {
        proxy.delay(DELAY_MILLIS);
        run(server, proxy);
      }
    } finally {
      Bench.deleteTree(dir);
    }
  }

  private static void run(D1LocalServer server, CachingProxy proxy) throws Exception {
    // A catalog TTL longer than the run: a reload would cost a request per database and plan again.
    String base = "accountId=" + Env.ACCOUNT + ";baseUrl=" + proxy.baseUrl() + ";apiToken=" + Env.TOKEN
        + ";catalogTtlSeconds=86400";
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%d databases x %d rows, %d ms per request;"
        + " load average before: %s%n%n", DATABASES, ROWS, DELAY_MILLIS, Bench.loadAverage()));
    long r0 = proxy.requests();
    long t0 = System.nanoTime();
    Connection fanOut = DriverManager.getConnection("jdbc:d1:databasePattern=tenant_*;" + base);
    out.append(String.format(Locale.ROOT, "connect (list + %d catalogs, cold): %d requests, %.0f ms%n", DATABASES,
        proxy.requests() - r0, (System.nanoTime() - t0) / 1e6));
    r0 = proxy.requests();
    t0 = System.nanoTime();
    Connection sequential = DriverManager.getConnection("jdbc:d1:databasePattern=tenant_*;maxParallelRequests=1;"
        + base);
    out.append(String.format(Locale.ROOT, "connect again, maxParallelRequests=1 (catalogs cached): %d requests,"
        + " %.0f ms%n", proxy.requests() - r0, (System.nanoTime() - t0) / 1e6));
    List<Connection> single = new ArrayList<>();
    for (int d = 0; d < DATABASES; d++) {
      single.add(DriverManager.getConnection("jdbc:d1:database=" + server.databaseId(name(d)) + ";" + base));
    }
    out.append("\n| question | way | requests | median ms | min ms | max ms | first execution (plans) ms |\n"
        + "|---|---|---:|---:|---:|---:|---:|\n");
    for (Question q : QUESTIONS) {
      List<String> fanned = measure(out, q, "fan-out (maxParallelRequests 50)", proxy, () -> query(fanOut, q.fanOut()));
      List<String> oneByOne = measure(out, q, "fan-out, maxParallelRequests 1", proxy,
          () -> query(sequential, q.fanOut()));
      if (!fanned.equals(oneByOne)) {
        throw new IllegalStateException(q.id() + ": answers differ: " + fanned + " vs " + oneByOne);
      }
      if (q.perDatabase() != null) {
        List<String> merged = measure(out, q, "50 single-database connections, one by one", proxy, () -> {
          List<String> rows = new ArrayList<>();
          for (int d = 0; d < DATABASES; d++) {
            for (String row : query(single.get(d), q.perDatabase())) {
              rows.add(name(d) + " | " + row);
            }
          }
          return rows;
        });
        if (q.id().equals("F1")) {
          checkGroups(fanned, merged);
        } else {
          checkTopN(fanned, merged);
        }
      }
    }
    for (Connection c : single) {
      c.close();
    }
    fanOut.close();
    sequential.close();
    out.append(String.format(Locale.ROOT, "%nload average after: %s; %d processors%n", Bench.loadAverage(),
        Runtime.getRuntime().availableProcessors()));
    System.out.println(out);
  }

  @FunctionalInterface
  interface Run {
    List<String> run() throws SQLException;
  }

  private static List<String> measure(StringBuilder out, Question q, String way, CachingProxy proxy, Run run)
      throws SQLException {
    long first = System.nanoTime();
    List<String> answer = run.run(); // warm-up: plans, JIT
    double firstMillis = (System.nanoTime() - first) / 1e6;
    List<Double> millis = new ArrayList<>();
    long requests = 0;
    for (int r = 0; r < ROUNDS; r++) {
      long r0 = proxy.requests();
      long t0 = System.nanoTime();
      List<String> again = run.run();
      millis.add((System.nanoTime() - t0) / 1e6);
      requests = proxy.requests() - r0;
      if (!again.equals(answer)) {
        throw new IllegalStateException(q.id() + " " + way + ": the answer changed between runs");
      }
    }
    Stats s = new Stats(millis);
    out.append(String.format(Locale.ROOT, "| %s %s | %s | %d | %.0f | %.0f | %.0f | %.0f |%n", q.id(), q.what(), way,
        requests, s.median(), s.min(), s.max(), firstMillis));
    Bench.log("fan-out %s %s: %d requests, %.0f ms", q.id(), way, requests, s.median());
    return answer;
  }

  /** F1's per-region COUNT and SUM over all databases equal the per-database answers added up by hand. */
  private static void checkGroups(List<String> fanned, List<String> perDatabase) {
    Map<String, long[]> byHand = new TreeMap<>();
    for (String row : perDatabase) {
      String[] v = row.split(" \\| ");
      long[] t = byHand.computeIfAbsent(v[1], k -> new long[2]);
      t[0] += Long.parseLong(v[2]);
      t[1] += Long.parseLong(v[3]);
    }
    if (fanned.size() != byHand.size()) {
      throw new IllegalStateException("F1 has groups " + fanned + " but the databases " + byHand.keySet());
    }
    for (String row : fanned) {
      String[] v = row.split(" \\| ");
      long[] t = byHand.get(v[0]);
      if (t == null || t[0] != Long.parseLong(v[1]) || t[1] != Long.parseLong(v[2])) {
        throw new IllegalStateException("F1 differs from the per-database answers for " + row);
      }
    }
  }

  /** F2's top 10 equals the first 10 of the databases' own top 10s sorted by hand as F2 sorts. */
  private static void checkTopN(List<String> fanned, List<String> perDatabase) {
    List<String> byHand = perDatabase.stream()
        .sorted(Comparator.comparingLong((String row) -> -Long.parseLong(row.split(" \\| ")[2]))
            .thenComparing(row -> row.split(" \\| ")[0])
            .thenComparingLong(row -> Long.parseLong(row.split(" \\| ")[1])))
        .limit(10)
        .toList();
    if (!fanned.equals(byHand)) {
      throw new IllegalStateException("F2 is " + fanned + " but the databases' top rows give " + byHand);
    }
  }

  private static List<String> query(Connection c, String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          b.append(i > 1 ? " | " : "").append(rs.getString(i));
        }
        rows.add(b.toString());
      }
    }
    return rows;
  }

  static String name(int d) {
    return String.format(Locale.ROOT, "tenant_%02d", d);
  }

  private static void createDatabase(Path file, int d) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, region TEXT, amount INTEGER)");
      s.execute("WITH RECURSIVE q(r) AS (SELECT 1 UNION ALL SELECT r + 1 FROM q WHERE r < " + ROWS + ")"
          + " INSERT INTO orders SELECT r, 'region ' || ((r * 7 + " + d + ") % 5), (r * 37 + " + d * 11
          + ") % 1000 FROM q");
    }
  }
}
