package io.github.calcited1.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.apache.calcite.runtime.Hook;

/**
 * Section 2: analytical queries through calcite-d1 (requests and rows transferred, counted by the proxy), beside the
 * same queries through Calcite's JDBC adapter over sqlite-jdbc on the same file and through raw sqlite-jdbc.
 */
final class PushdownBench {
  record Query(String id, String what, String sql) {
  }

  static final List<Query> QUERIES = List.of(
      new Query("Q1", "filter", "SELECT id, name, email FROM customers WHERE country_id = 7 AND segment_id = 3"),
      new Query("Q2", "group-by", "SELECT status, COUNT(*) AS n, SUM(total) AS revenue FROM orders GROUP BY status"),
      new Query("Q3", "top-N", "SELECT id, name, price FROM products ORDER BY price DESC, id LIMIT 10"),
      new Query("Q4", "join + group-by", "SELECT c.segment_id, COUNT(*) AS n, SUM(o.total) AS revenue "
          + "FROM orders o JOIN customers c ON o.customer_id = c.id GROUP BY c.segment_id"),
      new Query("Q5", "join + filter + group-by + top-N", "SELECT c.id, c.name, SUM(o.total) AS revenue "
          + "FROM customers c JOIN orders o ON o.customer_id = c.id WHERE o.status = 'shipped' "
          + "GROUP BY c.id, c.name ORDER BY revenue DESC, c.id LIMIT 10"),
      new Query("Q6", "3-table join + group-by + order", "SELECT cat.name, SUM(oi.qty * oi.price) AS revenue "
          + "FROM order_items oi JOIN products p ON oi.product_id = p.id JOIN categories cat ON p.category_id = cat.id "
          + "GROUP BY cat.name ORDER BY revenue DESC"),
      new Query("Q7", "group-by + HAVING", "SELECT product_id, SUM(qty) AS units FROM order_items "
          + "GROUP BY product_id HAVING SUM(qty) > 500 ORDER BY units DESC, product_id"),
      new Query("Q8", "range filter + COUNT DISTINCT", "SELECT COUNT(DISTINCT customer_id) AS buyers FROM orders "
          + "WHERE order_date >= '2025-01-01' AND order_date < '2025-02-01'"),
      new Query("Q9", "IN (subquery) semi-join", "SELECT p.id, p.name FROM products p WHERE p.price > 450 "
          + "AND p.id IN (SELECT product_id FROM order_items WHERE qty >= 9 AND price > 300)"),
      new Query("Q10", "5-table join + 2-key group-by", "SELECT r.name AS region, s.name AS segment, COUNT(*) AS n "
          + "FROM orders o JOIN customers c ON o.customer_id = c.id JOIN countries co ON c.country_id = co.id "
          + "JOIN regions r ON co.region_id = r.id JOIN segments s ON c.segment_id = s.id GROUP BY r.name, s.name"),
      new Query("Q11", "MIN/MAX/AVG per group", "SELECT category_id, MIN(price) AS lo, MAX(price) AS hi, "
          + "AVG(price) AS mean FROM products GROUP BY category_id"),
      new Query("Q12", "9-table join (8 joins) + group-by", OverheadBench.EIGHT_JOIN_SQL));

  private static long blackhole;

  private PushdownBench() {
  }

  /** What one engine did for one query. */
  static final class Outcome {
    List<String> answer;
    String error;
    long requests = -1;
    long transferred = -1;
    List<String> pushed = new ArrayList<>();
    List<Double> millis = new ArrayList<>();
  }

  static void run(Env env, Report report) throws Exception {
    Bench.Config cfg = env.cfg;
    List<Query> queries = cfg.quick() ? QUERIES.subList(0, 4) : QUERIES;
    int nq = queries.size();
    Outcome[] d1 = new Outcome[nq];
    Outcome[] jdbc = new Outcome[nq];
    Outcome[] raw = new Outcome[nq];
    try (Connection viaProxy = env.d1("bench", true); Connection live = env.d1("bench", false);
         Connection adapter = env.jdbcAdapter("bench"); Connection sqlite = env.sqlite("bench")) {
      // Counting pass (not timed): requests and rows through the proxy; the SQL each engine pushes.
      for (int i = 0; i < nq; i++) {
        Query q = queries.get(i);
        Outcome od = new Outcome();
        d1[i] = od;
        long r0 = env.proxy.requests();
        long rows0 = env.proxy.rows();
        try (Hook.Closeable h = Hook.QUERY_PLAN.addThread(
            (java.util.function.Consumer<Object>) o -> od.pushed.add(String.valueOf(o)))) {
          d1[i].answer = answer(viaProxy, q.sql());
        } catch (SQLException | RuntimeException e) {
          d1[i].error = firstLine(e);
        }
        d1[i].requests = env.proxy.requests() - r0;
        d1[i].transferred = env.proxy.rows() - rows0;
        Outcome oj = new Outcome();
        jdbc[i] = oj;
        try (Hook.Closeable h = Hook.QUERY_PLAN.addThread(
            (java.util.function.Consumer<Object>) o -> oj.pushed.add(String.valueOf(o)))) {
          jdbc[i].answer = answer(adapter, q.sql());
        } catch (SQLException | RuntimeException e) {
          jdbc[i].error = firstLine(e);
        }
        jdbc[i].requests = jdbc[i].pushed.size();
        jdbc[i].transferred = transferred(sqlite, jdbc[i].pushed);
        raw[i] = new Outcome();
        raw[i].answer = answer(sqlite, q.sql());
        raw[i].requests = 1;
        raw[i].transferred = raw[i].answer.size();
      }
      // Timed rounds: the three engines take turns on each query (rotating order), each statement prepared once.
      PreparedStatement[][] ps = new PreparedStatement[nq][3];
      Connection[] conns = {live, adapter, sqlite};
      Outcome[][] outs = {d1, jdbc, raw};
      for (int i = 0; i < nq; i++) {
        for (int e = 0; e < 3; e++) {
          if (outs[e][i].error == null) {
            ps[i][e] = conns[e].prepareStatement(queries.get(i).sql());
            run(ps[i][e]); // warm-up
          }
        }
      }
      List<Double> geoD1VsRaw = new ArrayList<>();
      List<Double> geoD1VsJdbc = new ArrayList<>();
      long end = System.nanoTime() + cfg.sectionBudgetMillis() * 1_000_000L;
      for (int r = 0; r < cfg.pushdownRounds() && (r < 2 || System.nanoTime() < end); r++) {
        double logRaw = 0;
        double logJdbc = 0;
        int nRaw = 0;
        int nJdbc = 0;
        for (int i = 0; i < nq; i++) {
          double[] t = new double[3];
          for (int k = 0; k < 3; k++) {
            int e = (r + i + k) % 3;
            if (ps[i][e] != null) {
              long t0 = System.nanoTime();
              run(ps[i][e]);
              t[e] = (System.nanoTime() - t0) / 1e6;
              outs[e][i].millis.add(t[e]);
            }
          }
          if (ps[i][0] != null && ps[i][2] != null) {
            logRaw += Math.log(t[0] / t[2]);
            nRaw++;
          }
          if (ps[i][0] != null && ps[i][1] != null) {
            logJdbc += Math.log(t[0] / t[1]);
            nJdbc++;
          }
        }
        geoD1VsRaw.add(Math.exp(logRaw / Math.max(1, nRaw)));
        geoD1VsJdbc.add(Math.exp(logJdbc / Math.max(1, nJdbc)));
      }
      for (PreparedStatement[] row : ps) {
        for (PreparedStatement p : row) {
          if (p != null) {
            p.close();
          }
        }
      }
      report.figure(new Report.Figure("Analytical queries: calcite-d1 / raw sqlite-jdbc",
          "geometric mean over the " + nq + " queries of execution time (prepared), per round", new Stats(geoD1VsRaw),
          Double.NaN, true, "no target: an HTTP round trip and JSON vs in-process SQLite"));
      report.figure(new Report.Figure("Analytical queries: calcite-d1 / JDBC adapter",
          "same, vs Calcite's JdbcSchema over sqlite-jdbc on the same file", new Stats(geoD1VsJdbc), Double.NaN, true,
          "no target"));
      writeSection(env, report, queries, d1, jdbc, raw);
    }
  }

  private static void writeSection(Env env, Report report, List<Query> queries, Outcome[] d1, Outcome[] jdbc,
      Outcome[] raw) {
    int nq = queries.size();
    int oneRequest = 0;
    int exactRows = 0;
    int correct = 0;
    StringBuilder md = new StringBuilder();
    md.append("## 2. Pushdown: analytical queries\n\n");
    md.append("A generated shop (customers ").append(Data.CUSTOMERS).append(", products ").append(Data.PRODUCTS)
        .append(", orders ").append(Data.ORDERS).append(", order_items ").append(Data.ITEMS)
        .append(", and 5 small dimension tables) in one SQLite file served by d1-local. Each query runs through "
            + "calcite-d1 (`jdbc:d1:`), through Calcite's JDBC adapter (`JdbcSchema`, a model of type `jdbc` over "
            + "sqlite-jdbc on the same file, as users set it up) and through raw sqlite-jdbc (the engine floor). "
            + "Requests and rows transferred for calcite-d1 are counted by a loopback proxy that parses every "
            + "`/raw` response; for the JDBC adapter, \"requests\" are the SQL statements it generated (captured with "
            + "`Hook.QUERY_PLAN`) and rows transferred are those statements' result sizes. Times are medians of "
            + "prepared executions (planning excluded), the three engines taking turns.\n\n");
    md.append("| query | rows in answer | calcite-d1 requests | calcite-d1 rows transferred | JDBC adapter statements "
        + "| JDBC adapter rows transferred | calcite-d1 ms | JDBC adapter ms | sqlite-jdbc ms | answers agree |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (int i = 0; i < nq; i++) {
      Query q = queries.get(i);
      long answerRows = raw[i].answer.size();
      boolean d1ok = d1[i].error == null;
      if (d1ok && d1[i].requests == 1) {
        oneRequest++;
      }
      if (d1ok && d1[i].transferred == answerRows) {
        exactRows++;
      }
      boolean agreeD1 = d1ok && d1[i].answer.equals(raw[i].answer);
      boolean agreeJdbc = jdbc[i].error == null && jdbc[i].answer.equals(raw[i].answer);
      if (agreeD1) {
        correct++;
      }
      md.append(String.format(Locale.ROOT, "| %s %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |%n",
          q.id(), q.what(), answerRows,
          d1ok ? Long.toString(d1[i].requests) : "error", d1ok ? Long.toString(d1[i].transferred) : "–",
          jdbc[i].error == null ? Long.toString(jdbc[i].requests) : "error",
          jdbc[i].error == null ? (jdbc[i].transferred < 0 ? "?" : Long.toString(jdbc[i].transferred)) : "–",
          ms(d1[i]), ms(jdbc[i]), ms(raw[i]),
          (agreeD1 ? "d1 ✓" : "d1 ✗") + " / " + (agreeJdbc ? "jdbc ✓" : "jdbc ✗")));
    }
    md.append("\nSQL pushed (calcite-d1 → D1, and Calcite's JDBC adapter → sqlite-jdbc):\n\n");
    for (int i = 0; i < nq; i++) {
      Query q = queries.get(i);
      md.append("* **").append(q.id()).append("** `").append(q.sql()).append("`\n");
      md.append("  * calcite-d1: ").append(d1[i].error != null ? "error: " + d1[i].error : code(d1[i].pushed))
          .append('\n');
      md.append("  * JDBC adapter: ").append(jdbc[i].error != null ? "error: " + jdbc[i].error : code(jdbc[i].pushed))
          .append('\n');
    }
    md.append('\n');
    report.section(md.toString());
    report.check("Pushdown: queries answered in 1 request (calcite-d1)", oneRequest + " of " + nq, "all",
        oneRequest == nq);
    report.check("Pushdown: rows transferred = rows in answer (calcite-d1)", exactRows + " of " + nq, "all",
        exactRows == nq);
    report.check("Pushdown: answers equal to SQLite's (calcite-d1)", correct + " of " + nq, "all", correct == nq);
    Bench.log("pushdown: %d/%d one request, %d/%d exact rows, %d/%d correct", oneRequest, nq, exactRows, nq, correct,
        nq);
  }

  private static String code(List<String> sqls) {
    if (sqls.isEmpty()) {
      return "(none captured)";
    }
    StringBuilder sb = new StringBuilder();
    for (String s : sqls) {
      sb.append(sb.length() == 0 ? "" : " ; ").append('`').append(s.replaceAll("\\s+", " ").replace("`", "'"))
          .append('`');
    }
    return sb.toString();
  }

  private static String ms(Outcome o) {
    if (o.error != null) {
      return "error";
    }
    Stats s = new Stats(o.millis);
    return s.n() == 0 ? "–" : Report.fmt(s.median(), s.median() < 10 ? 2 : 1);
  }

  static String firstLine(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = String.valueOf(t.getMessage());
    int nl = m.indexOf('\n');
    m = nl > 0 ? m.substring(0, nl) : m;
    return t.getClass().getSimpleName() + ": " + (m.length() > 200 ? m.substring(0, 200) + "…" : m);
  }

  private static void run(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        for (int c = 1; c <= n; c++) {
          Object o = rs.getObject(c);
          blackhole += o == null ? 0 : 1;
        }
      }
    }
  }

  /** The answer as sorted canonical strings (numbers to 9 significant digits), order-insensitive. */
  static List<String> answer(Connection c, String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          Object o = rs.getObject(i);
          if (o instanceof Number) {
            double d = ((Number) o).doubleValue();
            o = d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d)
                : String.format(Locale.ROOT, "%.9g", d);
          }
          sb.append(o).append('|');
        }
        rows.add(sb.toString());
      }
    }
    Collections.sort(rows);
    return rows;
  }

  /** Rows the generated statements return when run on sqlite-jdbc; -1 if one of them does not run there. */
  private static long transferred(Connection sqlite, List<String> sqls) {
    long total = 0;
    for (String sql : sqls) {
      try (Statement s = sqlite.createStatement(); ResultSet rs = s.executeQuery(sql)) {
        while (rs.next()) {
          total++;
        }
      } catch (SQLException e) {
        return -1;
      }
    }
    return sqls.isEmpty() ? -1 : total;
  }
}
