package io.github.calcited1.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.calcited1.local.RecordedRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Section 1: a prepared point query through {@code jdbc:d1:} vs the very SQL calcite-d1 pushes, sent by hand with
 * OkHttp and parsed with Jackson's streaming parser; both against the same d1-local. Also the planning cost of the
 * first execution of a new query (a point query, and an 8-join query; the latter also through Calcite's JDBC adapter).
 */
final class OverheadBench {
  static final String POINT_SQL = "SELECT id, name, email, country_id, segment_id FROM customers WHERE id = ?";

  /** 9 tables, 8 joins. */
  static final String EIGHT_JOIN_SQL = "SELECT r.name AS region, cat.name AS category, COUNT(*) AS lines_, "
      + "SUM(oi.qty * oi.price) AS revenue FROM order_items oi "
      + "JOIN orders o ON oi.order_id = o.id JOIN customers c ON o.customer_id = c.id "
      + "JOIN countries co ON c.country_id = co.id JOIN regions r ON co.region_id = r.id "
      + "JOIN segments s ON c.segment_id = s.id JOIN products p ON oi.product_id = p.id "
      + "JOIN categories cat ON p.category_id = cat.id JOIN suppliers su ON p.supplier_id = su.id "
      + "WHERE s.name = 'Enterprise' AND su.country_id < 20 GROUP BY r.name, cat.name";

  private static long blackhole;

  private OverheadBench() {
  }

  static int id(int i) {
    return 1 + (int) ((i * 7919L) % Data.CUSTOMERS);
  }

  static void run(Env env, Report report) throws Exception {
    Bench.Config cfg = env.cfg;
    long t0 = System.nanoTime();
    Connection conn = env.d1("bench", false);
    double coldConnectMs = (System.nanoTime() - t0) / 1e6;
    t0 = System.nanoTime();
    PreparedStatement ps = conn.prepareStatement(POINT_SQL);
    double coldPrepareMs = (System.nanoTime() - t0) / 1e6;
    env.server.clearRecordedRequests();
    t0 = System.nanoTime();
    long check = calcite(ps, 1);
    double coldExecMs = (System.nanoTime() - t0) / 1e6;
    RecordedRequest rec = lastRaw(env);
    JsonNode body = new ObjectMapper().readTree(rec.body());
    String pushedSql = body.get("sql").asText();
    JsonNode params = body.get("params");
    if (params == null || params.size() < 1) {
      throw new IllegalStateException("expected the id as first parameter of the pushed point query: " + rec.body());
    }
    Object[] template = new Object[params.size()];
    for (int i = 0; i < template.length; i++) {
      JsonNode p = params.get(i);
      template[i] = p.isTextual() ? p.asText() : p.isIntegralNumber() ? (Object) p.asLong() : p.isNull() ? null
          : p.asDouble();
    }
    boolean idAsText = params.get(0).isTextual();
    Wire wire = env.wire("bench");
    // Side B: the very request calcite-d1 sends (same SQL, same parameters but the id).
    Body same = id -> {
      Object[] ps2 = template.clone();
      ps2[0] = idAsText ? Integer.toString(id) : (Object) id;
      return Wire.statementBody(pushedSql, ps2);
    };
    // Side C: what a user would write by hand: the query as typed, the id as a JSON number.
    Body plain = id -> Wire.statementBody(POINT_SQL, id);
    long wireCheck = wire(wire, same, 1);
    if (wireCheck != check || wire(wire, plain, 1) != check) {
      throw new IllegalStateException("calcite-d1 and the wire disagree on the point query: " + check + " vs "
          + wireCheck);
    }
    // Warm both sides up (JIT), bounded in count and time.
    long warmEnd = System.nanoTime() + Math.min(cfg.sectionBudgetMillis() / 6, 25_000) * 1_000_000L;
    for (int i = 0; i < cfg.overheadWarmup() && System.nanoTime() < warmEnd; i++) {
      calcite(ps, id(i));
      wire(wire, same, id(i));
      wire(wire, plain, id(i));
    }
    // Interleaved rounds, ABBA: each round one block of each side; the ratio of the blocks' times.
    List<Double> ratios = new ArrayList<>();
    List<Double> ratiosPlain = new ArrayList<>();
    List<Double> calciteUs = new ArrayList<>();
    List<Double> wireUs = new ArrayList<>();
    List<Double> plainUs = new ArrayList<>();
    List<Double> cpuRatio = new ArrayList<>();
    List<Double> calciteCpuUs = new ArrayList<>();
    List<Double> wireCpuUs = new ArrayList<>();
    long calciteOps = 0;
    long budgetEnd = System.nanoTime() + cfg.sectionBudgetMillis() / 3 * 1_000_000L;
    int n = cfg.overheadOps();
    long calciteRequests = 0;
    for (int r = 0; r < cfg.overheadRounds() && System.nanoTime() < budgetEnd; r++) {
      long[] t = new long[3];
      long[] cpu = new long[3];
      for (int k = 0; k < 3; k++) {
        int side = (r + k) % 3;
        if (side == 0) {
          long q0 = env.server.requestCount();
          t[0] = blockCalcite(ps, r * n, n);
          calciteRequests += env.server.requestCount() - q0;
        } else {
          t[side] = blockWire(wire, side == 1 ? same : plain, r * n, n);
        }
        cpu[side] = lastCpu;
      }
      cpuRatio.add((double) cpu[0] / cpu[1]);
      calciteCpuUs.add(cpu[0] / 1e3 / n);
      wireCpuUs.add(cpu[1] / 1e3 / n);
      calciteOps += n;
      ratios.add((double) t[0] / t[1]);
      ratiosPlain.add((double) t[0] / t[2]);
      calciteUs.add(t[0] / 1e3 / n);
      wireUs.add(t[1] / 1e3 / n);
      plainUs.add(t[2] / 1e3 / n);
    }
    Stats ratio = new Stats(ratios);
    Stats cUs = new Stats(calciteUs);
    Stats wUs = new Stats(wireUs);
    report.figure(new Report.Figure("Point query latency: calcite-d1 / OkHttp+Jackson",
        "prepared `WHERE id = ?` through jdbc:d1: vs the same pushed SQL by hand, " + n
            + " executions per side per round",
        ratio, 1.2, true, null));
    report.figure(new Report.Figure("Point query client CPU: calcite-d1 / OkHttp+Jackson",
        "CPU time of the calling thread per execution (same rounds), less sensitive to the shared machine's "
            + "scheduling than latency", new Stats(cpuRatio), Double.NaN, true, "no target; diagnostic"));
    report.figure(new Report.Figure("Point query latency: calcite-d1 / OkHttp, SQL as typed",
        "same, but the baseline sends the query as the user typed it (no casts, no paging wrapper)",
        new Stats(ratiosPlain), Double.NaN, true, "no target: shows what the pushed SQL's shape costs"));
    double perOp = (double) calciteRequests / calciteOps;
    report.check("Point query: requests per execution (calcite-d1)", Report.fmt(perOp, 2), "1", perOp <= 1.0001);

    // Planning: the first execution of a new query. Calcite keeps no plan cache (each prepare parses, validates,
    // optimizes, generates and compiles code), so a fresh PreparedStatement is a new query.
    List<Double> pointPrepare = new ArrayList<>();
    List<Double> pointFirstExec = new ArrayList<>();
    for (int k = 0; k < cfg.planningK(); k++) {
      String sql = POINT_SQL.replace("name,", "name AS name_" + k + ",");
      long p0 = System.nanoTime();
      try (PreparedStatement p = conn.prepareStatement(sql)) {
        long p1 = System.nanoTime();
        calcite(p, id(k));
        long p2 = System.nanoTime();
        pointPrepare.add((p1 - p0) / 1e6);
        pointFirstExec.add((p2 - p1) / 1e6);
      }
    }
    List<Double> joinPrepareD1 = new ArrayList<>();
    List<Double> joinExecD1 = new ArrayList<>();
    List<Double> joinPrepareJdbc = new ArrayList<>();
    List<Double> joinExecJdbc = new ArrayList<>();
    List<Double> joinRatio = new ArrayList<>();
    long joinRequests = -1;
    try (Connection jdbc = env.jdbcAdapter("bench")) {
      for (int k = 0; k < cfg.planning8K(); k++) {
        String sql = EIGHT_JOIN_SQL.replace("AS lines_", "AS lines_" + k);
        double[] d = new double[2];
        double[] j = new double[2];
        long q0 = env.server.requestCount();
        if (k % 2 == 0) {
          prepareAndRun(conn, sql, d);
          joinRequests = env.server.requestCount() - q0;
          prepareAndRun(jdbc, sql, j);
        } else {
          prepareAndRun(jdbc, sql, j);
          prepareAndRun(conn, sql, d);
          joinRequests = env.server.requestCount() - q0;
        }
        joinPrepareD1.add(d[0]);
        joinExecD1.add(d[1]);
        joinPrepareJdbc.add(j[0]);
        joinExecJdbc.add(j[1]);
        joinRatio.add(d[0] / j[0]);
      }
    }
    if (!joinRatio.isEmpty()) {
      report.figure(new Report.Figure("8-join planning: calcite-d1 / JDBC adapter",
          "prepare time (parse, validate, optimize, codegen) of a new 9-table query, jdbc:d1: vs JdbcSchema over "
            + "sqlite-jdbc", new Stats(joinRatio), Double.NaN, true, "no target; context for the planning times"));
    }
    conn.close();

    StringBuilder md = new StringBuilder();
    md.append("## 1. Overhead of a point query, and planning\n\n");
    md.append("`").append(POINT_SQL).append("` prepared once and executed with changing ids through `jdbc:d1:` "
        + "(reading all 5 columns), against the very request body calcite-d1 sends, built by hand with Jackson "
        + "and POSTed with one OkHttp client to the same d1-local, the response parsed with Jackson's streaming "
        + "parser into an `Object[]` per row. Pushed SQL: `").append(pushedSql.replace('\n', ' '))
        .append("` with params `").append(params)
        .append("`. A user writing the request by hand would rather send the query as typed, with the id as a "
        + "JSON number: that is the third row.\n\n");
    md.append("| | median | IQR | n |\n|---|---:|---|---:|\n");
    md.append(row("calcite-d1, µs per execution", cUs, 0));
    md.append(row("OkHttp + Jackson, same request, µs per execution", wUs, 0));
    md.append(row("OkHttp + Jackson, SQL as typed, µs per execution", new Stats(plainUs), 0));
    md.append(row("calcite-d1, client-thread CPU µs per execution", new Stats(calciteCpuUs), 0));
    md.append(row("OkHttp + Jackson, same request, client-thread CPU µs per execution", new Stats(wireCpuUs), 0));
    md.append(row("ratio calcite-d1 / same request (per round)", ratio, 3));
    md.append(row("CPU ratio calcite-d1 / same request (per round)", new Stats(cpuRatio), 3));
    md.append(row("ratio calcite-d1 / SQL as typed (per round)", new Stats(ratiosPlain), 3));
    md.append("\nFirst use in a fresh JVM (class loading, JIT cold): connect ").append(Report.fmt(coldConnectMs, 0))
        .append(" ms (reads the catalog), first prepare ").append(Report.fmt(coldPrepareMs, 0))
        .append(" ms, first execute ").append(Report.fmt(coldExecMs, 0)).append(" ms.\n\n");
    md.append("First execution of a **new** query in a warm JVM (Calcite has no plan cache: every prepare parses, "
        + "validates, optimizes, generates Java and compiles it with Janino):\n\n");
    md.append("| query | prepare (planning) ms | first execute ms | n |\n|---|---:|---:|---:|\n");
    Stats pp = new Stats(pointPrepare);
    md.append(String.format(Locale.ROOT, "| point query, jdbc:d1: | %s (IQR %s–%s) | %s | %d |%n",
        Report.fmt(pp.median(), 1), Report.fmt(pp.p25(), 1), Report.fmt(pp.p75(), 1),
        Report.fmt(new Stats(pointFirstExec).median(), 2), pp.n()));
    Stats jd = new Stats(joinPrepareD1);
    Stats jj = new Stats(joinPrepareJdbc);
    md.append(String.format(Locale.ROOT, "| 8-join query, jdbc:d1: (%d request%s) | %s (IQR %s–%s) | %s | %d |%n",
        joinRequests, joinRequests == 1 ? "" : "s", Report.fmt(jd.median(), 0), Report.fmt(jd.p25(), 0),
        Report.fmt(jd.p75(), 0), Report.fmt(new Stats(joinExecD1).median(), 1), jd.n()));
    md.append(String.format(Locale.ROOT, "| 8-join query, JdbcSchema over sqlite-jdbc | %s (IQR %s–%s) | %s | %d |%n",
        Report.fmt(jj.median(), 0), Report.fmt(jj.p25(), 0), Report.fmt(jj.p75(), 0),
        Report.fmt(new Stats(joinExecJdbc).median(), 1), jj.n()));
    md.append("\nThe planning of a point query costs ").append(Report.fmt(pp.median() * 1000 / cUs.median(), 1))
        .append("× one warm execution; reuse PreparedStatements.\n\n");
    report.section(md.toString());
    Bench.log("overhead: ratio %s; calcite %.0f µs, wire %.0f µs; planning point %.1f ms, 8-join %.0f ms",
        ratio.describe(3), cUs.median(), wUs.median(), pp.median(), jd.median());
  }

  static String row(String label, Stats s, int digits) {
    return "| " + label + " | " + Report.fmt(s.median(), digits) + " | " + Report.fmt(s.p25(), digits) + "–"
        + Report.fmt(s.p75(), digits) + " | " + s.n() + " |\n";
  }

  private static void prepareAndRun(Connection c, String sql, double[] out) throws SQLException {
    long p0 = System.nanoTime();
    try (PreparedStatement p = c.prepareStatement(sql)) {
      long p1 = System.nanoTime();
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          blackhole += rs.getString(1).length();
        }
      }
      out[0] = (p1 - p0) / 1e6;
      out[1] = (System.nanoTime() - p1) / 1e6;
    }
  }

  /** A number as D1 sends it: a JSON number, or text when the adapter casts a 64-bit column to TEXT. */
  static long num(Object o) {
    return o instanceof Number ? ((Number) o).longValue() : Long.parseLong((String) o);
  }

  static RecordedRequest lastRaw(Env env) {
    List<RecordedRequest> all = env.server.recordedRequests();
    for (int i = all.size() - 1; i >= 0; i--) {
      if (all.get(i).path().endsWith("/raw")) {
        return all.get(i);
      }
    }
    throw new IllegalStateException("no /raw request recorded");
  }

  private static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();
  /** CPU time of the calling thread in the last block (ns). */
  private static long lastCpu;

  private static long blockCalcite(PreparedStatement ps, int from, int n) throws SQLException {
    long c = THREADS.getCurrentThreadCpuTime();
    long t = System.nanoTime();
    for (int i = from; i < from + n; i++) {
      blackhole += calcite(ps, id(i));
    }
    long wall = System.nanoTime() - t;
    lastCpu = THREADS.getCurrentThreadCpuTime() - c;
    return wall;
  }

  /** Builds a request body for an id. */
  interface Body {
    byte[] of(int id) throws Exception;
  }

  private static long blockWire(Wire wire, Body body, int from, int n) throws Exception {
    long c = THREADS.getCurrentThreadCpuTime();
    long t = System.nanoTime();
    for (int i = from; i < from + n; i++) {
      blackhole += wire(wire, body, id(i));
    }
    long wall = System.nanoTime() - t;
    lastCpu = THREADS.getCurrentThreadCpuTime() - c;
    return wall;
  }

  /** A checksum of the row, so the JIT cannot drop the reads. */
  static long calcite(PreparedStatement ps, int id) throws SQLException {
    ps.setInt(1, id);
    long sum = 0;
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        sum += rs.getLong(1) + rs.getString(2).length() + rs.getString(3).length() + rs.getLong(4) + rs.getLong(5);
      }
    }
    return sum;
  }

  static long wire(Wire wire, Body body, int id) throws Exception {
    long[] sum = new long[1];
    wire.post(body.of(id), row -> sum[0] +=
        num(row[0]) + ((String) row[1]).length() + ((String) row[2]).length() + num(row[3]) + num(row[4]));
    return sum[0];
  }
}
