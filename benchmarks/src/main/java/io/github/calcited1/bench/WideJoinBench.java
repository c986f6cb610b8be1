package io.github.calcited1.bench;

import io.github.calcited1.local.D1LocalServer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Planning time of wide joins (issue 18): sqllogictest {@code select5}-style queries joining 8, 10, 15 and 20 D1
 * tables of unknown size (FROM list and WHERE equalities in random order), each a new query (so no cache helps),
 * planned with {@code EXPLAIN PLAN FOR} in a warm JVM. Prints one table row per size: the calling thread's CPU
 * time and the wall time of planning (median and maximum of the measured rounds), and the number of D1 statements
 * in the plan (1: the whole join is pushed). Run with {@code ./benchmarks/run wide-joins}; not part of
 * {@code Bench}'s report (no ratio to take: there is no second implementation to compare with).
 */
public final class WideJoinBench {
  static final int TABLES = 20;
  static final int WARMUP = 5;
  static final int ROUNDS = 10;

  private WideJoinBench() {
  }

  public static void main(String[] args) throws Exception {
    Bench.quietLogging();
    Path dir = Files.createTempDirectory("calcite-d1-wide");
    createTables(dir.resolve("wide.sqlite"));
    try (D1LocalServer server = D1LocalServer.builder().port(0).dataDir(dir).token(Env.TOKEN).database("wide")
        .build().start();
         Connection conn = DriverManager.getConnection("jdbc:d1:database=" + server.databaseId("wide")
             + ";accountId=" + Env.ACCOUNT + ";baseUrl=" + server.baseUrl() + ";apiToken=" + Env.TOKEN)) {
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      int query = 0;
      for (int w = 0; w < WARMUP; w++) {
        plan(conn, select5Style(10, query++));
      }
      StringBuilder table = new StringBuilder("| tables | planning CPU ms, median | max | planning wall ms, median"
          + " | max | D1 statements |\n|---:|---:|---:|---:|---:|---:|\n");
      for (int n : new int[] {8, 10, 15, 20}) {
        List<Double> cpu = new ArrayList<>();
        List<Double> wall = new ArrayList<>();
        int statements = 0;
        for (int r = 0; r < ROUNDS; r++) {
          long c0 = threads.getCurrentThreadCpuTime();
          long w0 = System.nanoTime();
          String plan = plan(conn, select5Style(n, query++));
          wall.add((System.nanoTime() - w0) / 1e6);
          cpu.add((threads.getCurrentThreadCpuTime() - c0) / 1e6);
          statements = plan.split("D1ToEnumerableConverter", -1).length - 1;
        }
        Stats c = new Stats(cpu);
        Stats wl = new Stats(wall);
        table.append(String.format(Locale.ROOT, "| %d | %.0f | %.0f | %.0f | %.0f | %d |%n", n, c.median(), c.max(),
            wl.median(), wl.max(), statements));
      }
      System.out.println(table);
    } finally {
      Bench.deleteTree(dir);
    }
  }

  private static String plan(Connection conn, String sql) throws SQLException {
    try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("EXPLAIN PLAN FOR " + sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static void createTables(Path file) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      for (int t = 1; t <= TABLES; t++) {
        s.execute("CREATE TABLE t" + t + " (a" + t + " INTEGER, b" + t + " INTEGER, x" + t + " VARCHAR(40))");
        s.execute("WITH RECURSIVE q(r) AS (SELECT 1 UNION ALL SELECT r + 1 FROM q WHERE r < 10) INSERT INTO t" + t
            + " SELECT r, r % 10 + 1, 'table " + t + " row ' || r FROM q");
      }
      c.commit();
    }
  }

  /**
   * A chain of equalities over tables 1..n, FROM list and conditions shuffled by {@code seed}; the seed also names
   * the first column, so that every query is new to the planner.
   */
  static String select5Style(int n, long seed) {
    Random random = new Random(seed);
    List<Integer> from = new ArrayList<>();
    List<String> conditions = new ArrayList<>();
    for (int t = 1; t <= n; t++) {
      from.add(t);
      if (t > 1) {
        conditions.add(random.nextBoolean() ? "a" + t + " = b" + (t - 1) : "b" + (t - 1) + " = a" + t);
      }
    }
    Collections.shuffle(from, random);
    Collections.shuffle(conditions, random);
    return "SELECT x1 AS q" + seed + ", " + String.join(", ", from.stream().map(t -> "x" + t).toList())
        + " FROM " + String.join(", ", from.stream().map(t -> "t" + t).toList())
        + " WHERE " + String.join(" AND ", conditions);
  }
}
