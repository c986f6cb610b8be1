package io.github.calcited1.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.calcite.runtime.Hook;

/**
 * Section 5: a TPC-H-like analytical suite ({@link TpchData}) over a simulated network: a loopback proxy that holds
 * every request {@link #DELAY_MILLIS} before passing it on, and counts requests and response bytes. Each query runs
 * through calcite-d1 and, as the baseline, as the same question hand-written as one SQLite statement sent in one
 * {@code /raw} request (OkHttp + Jackson, {@link Wire}) through the same proxy.
 */
final class NetworkBench {
  /** The simulated round trip added to every request. */
  static final long DELAY_MILLIS = 100;
  /** Relative tolerance when comparing numbers: Calcite's DECIMAL arithmetic against SQLite's doubles. */
  private static final double TOLERANCE = 1e-6;

  /** A query as calcite-d1 receives it; the hand-written SQLite statement is {@link #sqlite()}. */
  record Query(String id, String what, String sql) {
    /** The same text in SQLite's spelling: date literals are strings, DOUBLE is REAL. */
    String sqlite() {
      return sql.replaceAll("DATE '(\\d{4}-\\d{2}-\\d{2})'", "'$1'").replace(" AS DOUBLE)", " AS REAL)");
    }
  }

  static final List<Query> QUERIES = List.of(
      new Query("T1", "pricing summary: DECIMAL sums, DATE filter, group-by",
          "SELECT l_returnflag, l_linestatus, SUM(l_quantity) AS sum_qty, SUM(l_extendedprice) AS sum_base_price, "
              + "SUM(l_extendedprice * (1 - l_discount)) AS sum_disc_price, "
              + "SUM(l_extendedprice * (1 - l_discount) * (1 + l_tax)) AS sum_charge, COUNT(*) AS count_order "
              + "FROM lineitem WHERE l_shipdate <= DATE '1998-09-02' GROUP BY l_returnflag, l_linestatus "
              + "ORDER BY l_returnflag, l_linestatus"),
      new Query("T2", "minimum cost supplier: correlated scalar MIN sub-query, 5 tables",
          "SELECT s_acctbal, s_name, n_name, p_partkey FROM part, supplier, partsupp, nation, region "
              + "WHERE p_partkey = ps_partkey AND s_suppkey = ps_suppkey AND p_size = 15 AND p_type LIKE '%BRASS' "
              + "AND s_nationkey = n_nationkey AND n_regionkey = r_regionkey AND r_name = 'EUROPE' "
              + "AND ps_supplycost = (SELECT MIN(ps_supplycost) FROM partsupp, supplier, nation, region "
              + "WHERE p_partkey = ps_partkey AND s_suppkey = ps_suppkey AND s_nationkey = n_nationkey "
              + "AND n_regionkey = r_regionkey AND r_name = 'EUROPE') "
              + "ORDER BY s_acctbal DESC, n_name, s_name, p_partkey LIMIT 100"),
      new Query("T3", "shipping priority: 3-table join, DATE filters, top 10",
          "SELECT l_orderkey, SUM(l_extendedprice * (1 - l_discount)) AS revenue, o_orderdate "
              + "FROM customer, orders, lineitem WHERE c_mktsegment = 'BUILDING' AND c_custkey = o_custkey "
              + "AND l_orderkey = o_orderkey AND o_orderdate < DATE '1995-03-15' AND l_shipdate > DATE '1995-03-15' "
              + "GROUP BY l_orderkey, o_orderdate ORDER BY revenue DESC, o_orderdate, l_orderkey LIMIT 10"),
      new Query("T4", "order priority: correlated EXISTS",
          "SELECT o_orderpriority, COUNT(*) AS order_count FROM orders WHERE o_orderdate >= DATE '1993-07-01' "
              + "AND o_orderdate < DATE '1993-10-01' AND EXISTS (SELECT * FROM lineitem WHERE l_orderkey = o_orderkey "
              + "AND l_commitdate < l_receiptdate) GROUP BY o_orderpriority ORDER BY o_orderpriority"),
      new Query("T5", "local supplier volume: 6-table join",
          "SELECT n_name, SUM(l_extendedprice * (1 - l_discount)) AS revenue "
              + "FROM customer, orders, lineitem, supplier, nation, region WHERE c_custkey = o_custkey "
              + "AND l_orderkey = o_orderkey AND l_suppkey = s_suppkey AND c_nationkey = s_nationkey "
              + "AND s_nationkey = n_nationkey AND n_regionkey = r_regionkey AND r_name = 'ASIA' "
              + "AND o_orderdate >= DATE '1994-01-01' AND o_orderdate < DATE '1995-01-01' "
              + "GROUP BY n_name ORDER BY revenue DESC"),
      new Query("T6", "forecast revenue: one DECIMAL sum over a filter",
          "SELECT SUM(l_extendedprice * l_discount) AS revenue FROM lineitem WHERE l_shipdate >= DATE '1994-01-01' "
              + "AND l_shipdate < DATE '1995-01-01' AND l_discount BETWEEN 0.05 AND 0.07 AND l_quantity < 24"),
      new Query("T10", "returned items: 4-table join, top 20",
          "SELECT c_custkey, c_name, SUM(l_extendedprice * (1 - l_discount)) AS revenue, c_acctbal, n_name "
              + "FROM customer, orders, lineitem, nation WHERE c_custkey = o_custkey AND l_orderkey = o_orderkey "
              + "AND o_orderdate >= DATE '1993-10-01' AND o_orderdate < DATE '1994-01-01' AND l_returnflag = 'R' "
              + "AND c_nationkey = n_nationkey GROUP BY c_custkey, c_name, c_acctbal, n_name "
              + "ORDER BY revenue DESC, c_custkey LIMIT 20"),
      new Query("T11", "important stock: HAVING against a scalar sub-query",
          "SELECT ps_partkey, SUM(ps_supplycost * ps_availqty) AS stock_value FROM partsupp, supplier, nation "
              + "WHERE ps_suppkey = s_suppkey AND s_nationkey = n_nationkey AND n_name = 'GERMANY' "
              + "GROUP BY ps_partkey HAVING SUM(ps_supplycost * ps_availqty) > (SELECT SUM(ps_supplycost * "
              + "ps_availqty) * 0.01 FROM partsupp, supplier, nation WHERE ps_suppkey = s_suppkey "
              + "AND s_nationkey = n_nationkey AND n_name = 'GERMANY') ORDER BY stock_value DESC, ps_partkey"),
      new Query("T12", "shipping modes: CASE sums, DATE column comparisons",
          "SELECT l_shipmode, SUM(CASE WHEN o_orderpriority = '1-URGENT' OR o_orderpriority = '2-HIGH' THEN 1 "
              + "ELSE 0 END) AS high_line_count, SUM(CASE WHEN o_orderpriority <> '1-URGENT' "
              + "AND o_orderpriority <> '2-HIGH' THEN 1 ELSE 0 END) AS low_line_count FROM orders, lineitem "
              + "WHERE o_orderkey = l_orderkey AND l_shipmode IN ('MAIL', 'SHIP') AND l_commitdate < l_receiptdate "
              + "AND l_shipdate < l_commitdate AND l_receiptdate >= DATE '1994-01-01' "
              + "AND l_receiptdate < DATE '1995-01-01' GROUP BY l_shipmode ORDER BY l_shipmode"),
      new Query("T13", "customer distribution: LEFT JOIN, group-by of a group-by (no DECIMAL, no DATE)",
          "SELECT c_count, COUNT(*) AS custdist FROM (SELECT c_custkey, COUNT(o_orderkey) AS c_count "
              + "FROM customer LEFT OUTER JOIN orders ON c_custkey = o_custkey AND o_orderpriority <> '1-URGENT' "
              + "GROUP BY c_custkey) AS c_orders GROUP BY c_count ORDER BY custdist DESC, c_count DESC"),
      new Query("T14", "promotion effect: ratio of two DECIMAL sums",
          "SELECT 100.00 * SUM(CASE WHEN p_type LIKE 'PROMO%' THEN l_extendedprice * (1 - l_discount) ELSE 0 END) "
              + "/ SUM(l_extendedprice * (1 - l_discount)) AS promo_revenue FROM lineitem, part "
              + "WHERE l_partkey = p_partkey AND l_shipdate >= DATE '1995-09-01' AND l_shipdate < DATE '1995-10-01'"),
      new Query("T16", "parts/supplier relationship: NOT IN sub-query, COUNT DISTINCT",
          "SELECT p_brand, p_type, p_size, COUNT(DISTINCT ps_suppkey) AS supplier_cnt FROM partsupp, part "
              + "WHERE p_partkey = ps_partkey AND p_brand <> 'Brand#45' AND p_type NOT LIKE 'MEDIUM POLISHED%' "
              + "AND p_size IN (49, 14, 23, 45, 19, 3, 36, 9) AND ps_suppkey NOT IN (SELECT s_suppkey "
              + "FROM supplier WHERE s_acctbal < 0) GROUP BY p_brand, p_type, p_size "
              + "ORDER BY supplier_cnt DESC, p_brand, p_type, p_size LIMIT 50"),
      new Query("T17", "small-quantity revenue: correlated scalar AVG sub-query",
          "SELECT SUM(l_extendedprice) / 7.0 AS avg_yearly FROM lineitem, part WHERE p_partkey = l_partkey "
              + "AND p_brand = 'Brand#23' AND p_container = 'MED BOX' AND l_quantity < (SELECT 0.2 * "
              + "AVG(CAST(l_quantity AS DOUBLE)) FROM lineitem WHERE l_partkey = p_partkey)"),
      new Query("T18", "large volume customers: IN (group-by HAVING)",
          "SELECT c_name, c_custkey, o_orderkey, o_orderdate, o_totalprice, SUM(l_quantity) AS qty "
              + "FROM customer, orders, lineitem WHERE o_orderkey IN (SELECT l_orderkey FROM lineitem "
              + "GROUP BY l_orderkey HAVING SUM(l_quantity) > 150) AND c_custkey = o_custkey "
              + "AND o_orderkey = l_orderkey GROUP BY c_name, c_custkey, o_orderkey, o_orderdate, o_totalprice "
              + "ORDER BY o_totalprice DESC, o_orderdate, o_orderkey LIMIT 100"),
      new Query("T20", "potential part promotion: nested IN, correlated scalar SUM",
          "SELECT s_name FROM supplier, nation WHERE s_suppkey IN (SELECT ps_suppkey FROM partsupp "
              + "WHERE ps_partkey IN (SELECT p_partkey FROM part WHERE p_name LIKE 'forest%') "
              + "AND ps_availqty > (SELECT 0.5 * SUM(l_quantity) FROM lineitem WHERE l_partkey = ps_partkey "
              + "AND l_suppkey = ps_suppkey AND l_shipdate >= DATE '1994-01-01' AND l_shipdate < DATE '1995-01-01')) "
              + "AND s_nationkey = n_nationkey AND n_name = 'CANADA' ORDER BY s_name"),
      new Query("T21", "suppliers who kept orders waiting: EXISTS and NOT EXISTS",
          "SELECT s_name, COUNT(*) AS numwait FROM supplier, lineitem l1, orders, nation "
              + "WHERE s_suppkey = l1.l_suppkey AND o_orderkey = l1.l_orderkey AND o_orderstatus = 'F' "
              + "AND l1.l_receiptdate > l1.l_commitdate AND EXISTS (SELECT * FROM lineitem l2 "
              + "WHERE l2.l_orderkey = l1.l_orderkey AND l2.l_suppkey <> l1.l_suppkey) AND NOT EXISTS "
              + "(SELECT * FROM lineitem l3 WHERE l3.l_orderkey = l1.l_orderkey AND l3.l_suppkey <> l1.l_suppkey "
              + "AND l3.l_receiptdate > l3.l_commitdate) AND s_nationkey = n_nationkey AND n_name = 'SAUDI ARABIA' "
              + "GROUP BY s_name ORDER BY numwait DESC, s_name LIMIT 100"),
      new Query("T22", "global sales opportunity: scalar AVG sub-query, NOT EXISTS",
          "SELECT c_nationkey AS cntrycode, COUNT(*) AS numcust, SUM(c_acctbal) AS totacctbal FROM customer "
              + "WHERE c_nationkey IN (13, 31, 23, 29, 30, 18, 17) AND c_acctbal > (SELECT AVG(c_acctbal) "
              + "FROM customer WHERE c_acctbal > 0.00 AND c_nationkey IN (13, 31, 23, 29, 30, 18, 17)) "
              + "AND NOT EXISTS (SELECT * FROM orders WHERE o_custkey = c_custkey) GROUP BY c_nationkey "
              + "ORDER BY cntrycode"));

  private NetworkBench() {
  }

  /** What one query did, through calcite-d1 and by hand. */
  static final class Outcome {
    List<String> answer;
    List<String> handAnswer;
    String error;
    long requests;
    long responseBytes;
    long handResponseBytes;
    double firstMillis;
    int secondPlannings;
    List<String> pushed = new ArrayList<>();
    final List<Double> millis = new ArrayList<>();
    final List<Double> handMillis = new ArrayList<>();
  }

  static void run(Env env, Report report) throws Exception {
    report.section("## 5. Simulated network: a TPC-H-like suite, 100 ms per request\n\n"
        + "A TPC-H-like database (`TpchData`: the eight tables, money `DECIMAL(15,2)`, dates `DATE`, generated "
        + "deterministically) served by d1-local behind a loopback proxy that holds every request " + DELAY_MILLIS
        + " ms before passing it on and counts requests and response bytes. Each query is executed twice through "
        + "calcite-d1 on one connection as a `Statement` (the first execution plans; the second should reuse the "
        + "plan, and is the one counted and timed), and, as the baseline, as the same question hand-written as one "
        + "SQLite statement (the same text with SQLite's date literals) sent in one `/raw` request through the same "
        + "proxy with OkHttp + Jackson. **answer bytes** is that hand-written response's size. Times are medians "
        + "over " + env.cfg.networkRounds() + " executions each, the two sides alternating; the time ratio is "
        + "calcite-d1 / by hand. Answers are compared as sets of rows, numbers within a relative 1e-6 (Calcite "
        + "computes DECIMAL exactly, SQLite in doubles). Targets (issue 12): one request per query, response "
        + "≤ 2 × the answer + 10 KB, geometric mean of the ratios ≤ 1.0 and none above 1.5, no planning on the "
        + "second execution.\n");
    for (int lineItems : env.cfg.networkScales()) {
      runScale(env, report, Env.tpchDatabase(lineItems), lineItems);
    }
  }

  /** Runs the suite on database {@code database} ({@code lineItems} fact rows); appends its table to the report. */
  private static void runScale(Env env, Report report, String database, int lineItems) throws Exception {
    List<Query> queries = env.cfg.quick() ? QUERIES.subList(0, 3) : QUERIES;
    int rounds = env.cfg.quick() ? 1 : env.cfg.networkRounds();
    Outcome[] out = new Outcome[queries.size()];
    try (CachingProxy proxy = new CachingProxy("http://127.0.0.1:" + env.server.port())) {
      proxy.delay(DELAY_MILLIS);
      Wire hand = new Wire(proxy.baseUrl(), Env.ACCOUNT, env.server.databaseId(database), Env.TOKEN);
      try (Connection d1 = env.d1Connection(database, proxy.baseUrl()); Statement st = d1.createStatement()) {
        for (int i = 0; i < queries.size(); i++) {
          out[i] = measure(queries.get(i), st, hand, proxy, rounds);
          Bench.log("network %s %s: %d requests, %d bytes (by hand %d), %s ms vs %s ms", database,
              queries.get(i).id(), out[i].requests, out[i].responseBytes, out[i].handResponseBytes,
              median(out[i].millis), median(out[i].handMillis));
        }
      }
    }
    writeSection(report, database, lineItems, queries, out);
  }

  private static Outcome measure(Query q, Statement st, Wire hand, CachingProxy proxy, int rounds) {
    Outcome o = new Outcome();
    try {
      long t0 = System.nanoTime();
      try (Hook.Closeable h = Hook.QUERY_PLAN.addThread((Consumer<Object>) p -> o.pushed.add(String.valueOf(p)))) {
        o.answer = calcite(st, q.sql());
      }
      o.firstMillis = (System.nanoTime() - t0) / 1e6;
      // The second execution of the same text: counted, and its plannings counted (the plan cache should reuse).
      AtomicInteger plannings = new AtomicInteger();
      long r0 = proxy.requests();
      long b0 = proxy.responseBytes();
      try (Hook.Closeable h = Hook.PARSE_TREE.addThread((Consumer<Object>) p -> plannings.incrementAndGet())) {
        t0 = System.nanoTime();
        calcite(st, q.sql());
        o.millis.add((System.nanoTime() - t0) / 1e6);
      }
      o.requests = proxy.requests() - r0;
      o.responseBytes = proxy.responseBytes() - b0;
      o.secondPlannings = plannings.get();
    } catch (SQLException | RuntimeException e) {
      o.error = PushdownBench.firstLine(e);
    }
    try {
      long b0 = proxy.responseBytes();
      long t0 = System.nanoTime();
      o.handAnswer = byHand(hand, q.sqlite());
      o.handMillis.add((System.nanoTime() - t0) / 1e6);
      o.handResponseBytes = proxy.responseBytes() - b0;
      // Further rounds alternate which side goes first.
      for (int r = 1; r < rounds && o.error == null; r++) {
        for (int k = 0; k < 2; k++) {
          t0 = System.nanoTime();
          if ((r + k) % 2 == 0) {
            calcite(st, q.sql());
            o.millis.add((System.nanoTime() - t0) / 1e6);
          } else {
            byHand(hand, q.sqlite());
            o.handMillis.add((System.nanoTime() - t0) / 1e6);
          }
        }
      }
    } catch (Exception e) {
      o.error = (o.error == null ? "" : o.error + "; ") + "by hand: " + PushdownBench.firstLine(e);
    }
    return o;
  }

  private static List<String> calcite(Statement st, String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (ResultSet rs = st.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        Object[] row = new Object[n];
        for (int i = 0; i < n; i++) {
          row[i] = rs.getObject(i + 1);
        }
        rows.add(canonical(row));
      }
    }
    return rows;
  }

  private static List<String> byHand(Wire hand, String sql) throws java.io.IOException {
    List<String> rows = new ArrayList<>();
    hand.query(row -> rows.add(canonical(row)), sql);
    return rows;
  }

  /** A row as text: numbers as doubles to 12 significant digits, dates as ISO text, in the query's order. */
  private static String canonical(Object[] row) {
    StringBuilder sb = new StringBuilder();
    for (Object v : row) {
      if (v instanceof Number n) {
        sb.append(String.format(Locale.ROOT, "%.12g", n.doubleValue()));
      } else {
        sb.append(v);
      }
      sb.append('|');
    }
    return sb.toString();
  }

  /** Whether two answers agree, numbers within {@link #TOLERANCE} (a tie in ORDER BY may swap equal rows). */
  static boolean agree(List<String> a, List<String> b) {
    if (a == null || b == null || a.size() != b.size()) {
      return false;
    }
    List<String> x = new ArrayList<>(a);
    List<String> y = new ArrayList<>(b);
    Collections.sort(x);
    Collections.sort(y);
    for (int i = 0; i < x.size(); i++) {
      String[] u = x.get(i).split("\\|", -1);
      String[] v = y.get(i).split("\\|", -1);
      if (u.length != v.length) {
        return false;
      }
      for (int k = 0; k < u.length; k++) {
        if (!u[k].equals(v[k]) && !close(u[k], v[k])) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean close(String a, String b) {
    try {
      double x = Double.parseDouble(a);
      double y = Double.parseDouble(b);
      return Math.abs(x - y) <= TOLERANCE * Math.max(1, Math.max(Math.abs(x), Math.abs(y)));
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static String median(List<Double> values) {
    Stats s = new Stats(values);
    return s.n() == 0 ? "–" : Report.fmt(s.median(), 0);
  }

  private static void writeSection(Report report, String database, int lineItems, List<Query> queries,
      Outcome[] out) {
    int nq = queries.size();
    int oneRequest = 0;
    int smallBytes = 0;
    int within = 0;
    int correct = 0;
    int unplanned = 0;
    double logSum = 0;
    int timed = 0;
    StringBuilder md = new StringBuilder();
    md.append("### ").append(String.format(Locale.ROOT, "%,d", lineItems)).append(" line items (database `")
        .append(database).append("`)\n\n");
    md.append("| query | requests | response bytes | answer bytes (by hand) | calcite-d1 ms (2nd execution) "
        + "| by hand ms | time ratio | 1st execution ms (with planning) | plannings in 2nd execution "
        + "| answers agree |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (int i = 0; i < nq; i++) {
      Query q = queries.get(i);
      Outcome o = out[i];
      boolean ok = o.error == null;
      boolean agrees = ok && agree(o.answer, o.handAnswer);
      double d1 = new Stats(o.millis).median();
      double byHand = new Stats(o.handMillis).median();
      double ratio = d1 / byHand;
      if (ok) {
        oneRequest += o.requests == 1 ? 1 : 0;
        smallBytes += o.responseBytes <= 2 * o.handResponseBytes + 10_240 ? 1 : 0;
        within += ratio <= 1.5 ? 1 : 0;
        unplanned += o.secondPlannings == 0 ? 1 : 0;
        if (Double.isFinite(ratio) && ratio > 0) {
          logSum += Math.log(ratio);
          timed++;
        }
      }
      correct += agrees ? 1 : 0;
      md.append(String.format(Locale.ROOT, "| %s %s | %s | %s | %,d | %s | %s | %s | %s | %s | %s |%n",
          q.id(), q.what(), ok ? Long.toString(o.requests) : "error",
          ok ? String.format(Locale.ROOT, "%,d", o.responseBytes) : "–", o.handResponseBytes,
          ok ? Report.fmt(d1, 0) : "–", Report.fmt(byHand, 0), ok ? Report.fmt(ratio, 2) : "–",
          ok ? Report.fmt(o.firstMillis, 0) : "–", ok ? Integer.toString(o.secondPlannings) : "–",
          agrees ? "✓" : ok ? "✗" : "error: " + o.error.replace("|", "\\|")));
    }
    double geo = timed == 0 ? Double.NaN : Math.exp(logSum / timed);
    md.append('\n').append(String.format(Locale.ROOT, "Geometric mean of the time ratios: **%s** over %d queries; "
        + "%d of %d in one request; %d of %d within 2 × the answer + 10 KB; %d of %d at most 1.5 × the hand-written "
        + "time; %d of %d executed again without planning; %d of %d answers agree.%n%n", Report.fmt(geo, 2), timed,
        oneRequest, nq, smallBytes, nq, within, nq, unplanned, nq, correct, nq));
    md.append("Statements calcite-d1 sent (first execution):\n\n");
    for (int i = 0; i < nq; i++) {
      md.append("* **").append(queries.get(i).id()).append("**: ").append(out[i].pushed.size())
          .append(" statement(s)").append(out[i].pushed.isEmpty() ? "" : ": `"
              + String.join("` ; `", out[i].pushed).replaceAll("\\s+", " ") + "`").append('\n');
    }
    md.append('\n');
    report.section(md.toString());
    String scale = String.format(Locale.ROOT, "%,d line items", lineItems);
    report.check("Network (" + scale + "): queries in 1 request", oneRequest + " of " + nq, "all", oneRequest == nq);
    report.check("Network (" + scale + "): response ≤ 2 × answer + 10 KB", smallBytes + " of " + nq, "all",
        smallBytes == nq);
    report.check("Network (" + scale + "): geometric mean of time ratios", Report.fmt(geo, 2), "≤ 1.0", geo <= 1.0);
    report.check("Network (" + scale + "): queries at most 1.5 × by hand", within + " of " + nq, "all", within == nq);
    report.check("Network (" + scale + "): 2nd execution without planning", unplanned + " of " + nq, "all",
        unplanned == nq);
    report.check("Network (" + scale + "): answers agree with the hand-written statement", correct + " of " + nq,
        "all", correct == nq);
  }
}
