package io.github.calcited1.bench;

import io.github.calcited1.local.RecordedRequest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Section 4: {@code SELECT * FROM scan_t} (1,000,000 rows) streamed in a child JVM with {@code -Xmx128m}. The parent
 * runs d1-local and the caching proxy; a first pass here records calcite-d1's page requests (keyset pages) and fills
 * the proxy's cache; the child then alternates calcite-d1 and a hand-written OkHttp + Jackson streaming reader of
 * the very same request bodies, against the cached responses (server cost ≈ 0) and against live d1-local.
 */
final class ScanBench {
  static final String SQL = "SELECT id, k, v, s, t FROM scan_t";

  private ScanBench() {
  }

  static void run(Env env, Report report) throws Exception {
    Bench.Config cfg = env.cfg;
    env.proxy.caching(true);
    long seen;
    long r0;
    long rows0;
    long t0;
    try (Connection c = env.d1("scan", true)) {
      // Load the table's catalog entry first, so that only the scan's own requests are counted and recorded.
      try (java.sql.Statement s = c.createStatement()) {
        s.executeQuery("SELECT id FROM scan_t WHERE id = 1").close();
      }
      env.server.clearRecordedRequests();
      r0 = env.proxy.requests();
      rows0 = env.proxy.rows();
      t0 = System.nanoTime();
      seen = ScanFork.scanCalcite(c, SQL)[0];
    }
    double primeSec = (System.nanoTime() - t0) / 1e9;
    long requests = env.proxy.requests() - r0;
    long transferred = env.proxy.rows() - rows0;
    if (seen != cfg.scanRows()) {
      throw new IllegalStateException("calcite-d1 read " + seen + " rows of " + cfg.scanRows());
    }
    List<String> bodies = new ArrayList<>();
    for (RecordedRequest r : env.server.recordedRequests()) {
      if (r.path().endsWith("/raw") && r.body().contains("\\\"scan_t\\\"") && r.body().contains("SELECT")) {
        bodies.add(r.body());
      }
    }
    Path bodiesFile = env.dir.resolve("scan-bodies.jsonl");
    Files.write(bodiesFile, bodies, StandardCharsets.UTF_8);
    Bench.log("scan: primed %d rows in %.1f s, %d requests (%d page bodies), %d rows transferred, cache %d MB",
        seen, primeSec, requests, bodies.size(), transferred, env.proxy.cachedBytes() >> 20);

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx128m", "-Xms128m",
        "-cp", System.getProperty("java.class.path")));
    String extra = System.getProperty("bench.forkJvmArgs");
    if (extra != null && !extra.isBlank()) {
      cmd.addAll(List.of(extra.trim().split("\\s+")));
    }
    cmd.addAll(List.of(ScanFork.class.getName(), env.proxy.baseUrl(), env.server.baseUrl(),
        env.server.databaseId("scan"), Env.ACCOUNT, Env.TOKEN, bodiesFile.toString(), SQL,
        Integer.toString(cfg.scanRows()), Integer.toString(cfg.scanRounds()), Integer.toString(cfg.scanLiveRounds())));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    Map<String, String> result = new HashMap<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.startsWith("RESULT ")) {
          String[] kv = line.substring(7).split("=", 2);
          result.put(kv[0], kv[1]);
        } else {
          System.out.println("  [fork] " + line);
        }
      }
    }
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("the scan JVM failed (exit " + (p.isAlive() ? "timeout" : p.exitValue())
          + "); its output is above");
    }
    Stats canned = stats(result.get("ratioCanned"));
    Stats live = stats(result.get("ratioLive"));
    report.figure(new Report.Figure("Scan " + String.format(Locale.ROOT, "%,d", cfg.scanRows())
        + " rows, cached responses: calcite-d1 / Jackson", "rows/s through jdbc:d1: vs Jackson streaming parse of "
        + "the same /raw bytes, -Xmx128m, per round", canned, 0.8, false, null));
    if (live.n() > 0) {
      report.figure(new Report.Figure("Scan, live d1-local: calcite-d1 / Jackson",
          "same, served by d1-local (its SQLite and JSON writing included on both sides)", live, 0.8, false, null));
    }
    long peakCalcite = Long.parseLong(result.getOrDefault("peakHeapCalcite", "-1"));
    long peakWire = Long.parseLong(result.getOrDefault("peakHeapWire", "-1"));
    report.check("Scan: rows transferred = rows in answer (calcite-d1)",
        String.format(Locale.ROOT, "%,d for %,d (%d requests)", transferred, seen, requests), "equal",
        transferred == seen);
    long retained = Long.parseLong(result.getOrDefault("retainedCalcite", "-1"));
    report.check("Scan: calcite-d1 under -Xmx128m: peak heap / in use after GC",
        (peakCalcite >> 20) + " MiB / " + String.format(Locale.ROOT, "%.1f", retained / 1048576.0) + " MiB",
        "no OutOfMemoryError", peakCalcite > 0 && peakCalcite < 128L << 20);

    StringBuilder md = new StringBuilder();
    md.append("## 4. Scan: ").append(String.format(Locale.ROOT, "%,d", cfg.scanRows()))
        .append(" rows under `-Xmx128m`\n\n");
    md.append("`").append(SQL).append("` (5 columns: 2 integers, a real, 2 strings with 10% NULLs) in a child JVM "
        + "started with `-Xmx128m -Xms128m`, reading every column with typed getters from a statement prepared once "
        + "(planning is in section 1). calcite-d1 pages the scan by key (").append(bodies.size())
        .append(" requests of its `pageSize`, each sent once the previous page is read, and read on a background "
        + "thread while the consumer works through the previous one); the baseline "
        + "POSTs exactly the same request bodies with OkHttp and parses each response with Jackson's streaming "
        + "parser into an `Object[]` per row. **Cached**: a loopback proxy in the parent JVM answers the recorded "
        + "bodies from memory, so both sides read identical bytes and d1-local's SQLite/JSON work is out of the "
        + "ratio; **live**: both sides against d1-local.\n\n");
    md.append("| | rows/s median | IQR | n |\n|---|---:|---|---:|\n");
    md.append(rateRow("calcite-d1, cached", stats(result.get("rateCalciteCanned")), ""));
    md.append(rateRow("Jackson streaming, cached", stats(result.get("rateWireCanned")), ""));
    if (live.n() > 0) {
      md.append(rateRow("calcite-d1, live d1-local", stats(result.get("rateCalciteLive")), ""));
      md.append(rateRow("Jackson streaming, live d1-local", stats(result.get("rateWireLive")), ""));
    }
    long retC = Long.parseLong(result.getOrDefault("retainedCalcite", "-1"));
    long retW = Long.parseLong(result.getOrDefault("retainedWire", "-1"));
    md.append("\nPeak heap (sum of the heap pools' peaks, reset before each pass; with `-Xms128m` G1 lets the young "
        + "generation fill whatever is free, so this mostly shows garbage): calcite-d1 ")
        .append(peakCalcite >> 20).append(" MiB, Jackson baseline ").append(peakWire >> 20).append(" MiB. **Heap in "
        + "use right after a GC** (what a pass keeps alive, the max over passes): calcite-d1 ")
        .append(String.format(Locale.ROOT, "%.1f", retC / 1048576.0)).append(" MiB, Jackson baseline ")
        .append(String.format(Locale.ROOT, "%.1f", retW / 1048576.0)).append(" MiB. GC: ")
        .append(result.getOrDefault("gc", "?")).append(".\n\n");
    md.append("Ratio per round (cached): ").append(canned.describe(3)).append("; live: ")
        .append(live.n() > 0 ? live.describe(3) : "not run").append(".\n\n");
    report.section(md.toString());
    Bench.log("scan: cached ratio %s; live ratio %s; peak heap calcite %d MiB", canned.describe(3),
        live.n() > 0 ? live.describe(3) : "-", peakCalcite >> 20);
  }

  private static String rateRow(String label, Stats s, String heap) {
    return String.format(Locale.ROOT, "| %s | %,.0f | %,.0f–%,.0f | %d |%n", label, s.median(), s.p25(), s.p75(),
        s.n());
  }

  static Stats stats(String csv) {
    List<Double> values = new ArrayList<>();
    if (csv != null && !csv.isBlank()) {
      for (String v : csv.split(",")) {
        values.add(Double.parseDouble(v));
      }
    }
    return new Stats(values);
  }
}
