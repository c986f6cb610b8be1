package io.github.calcited1.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The scan's child JVM (see {@link ScanBench}); prints {@code RESULT key=value} lines. */
public final class ScanFork {
  private ScanFork() {
  }

  public static void main(String[] args) throws Exception {
    Bench.quietLogging();
    String proxyBase = args[0];
    String liveBase = args[1];
    String dbId = args[2];
    String account = args[3];
    String token = args[4];
    List<String> bodies = Files.readAllLines(Path.of(args[5]), StandardCharsets.UTF_8);
    String sql = args[6];
    long expected = Long.parseLong(args[7]);
    int rounds = Integer.parseInt(args[8]);
    int liveRounds = Integer.parseInt(args[9]);
    List<byte[]> raw = new ArrayList<>();
    for (String b : bodies) {
      raw.add(b.getBytes(StandardCharsets.UTF_8));
    }
    String urlCanned = "jdbc:d1:database=" + dbId + ";accountId=" + account + ";baseUrl=" + proxyBase + ";apiToken="
        + token;
    String urlLive = "jdbc:d1:database=" + dbId + ";accountId=" + account + ";baseUrl=" + liveBase + ";apiToken="
        + token;
    Wire wireCanned = new Wire(proxyBase, account, dbId, token);
    Wire wireLive = new Wire(liveBase, account, dbId, token);
    long[] peak = new long[2];
    try (Connection canned = DriverManager.getConnection(urlCanned);
         Connection live = DriverManager.getConnection(urlLive);
         PreparedStatement cannedPs = canned.prepareStatement(sql);
         PreparedStatement livePs = live.prepareStatement(sql)) {
      // Planning (see section 1) is done once here, outside the timed passes: the figure is the streaming rate.
      // Warm-up: one pass of each side.
      check(scanCalcite(cannedPs)[0], expected);
      check(scanWire(wireCanned, raw)[0], expected);
      List<Double> ratio = new ArrayList<>();
      List<Double> rateC = new ArrayList<>();
      List<Double> rateW = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        double c = 0;
        double w = 0;
        for (int k = 0; k < 2; k++) {
          if ((r + k) % 2 == 0) {
            c = pass(() -> scanCalcite(cannedPs), expected, peak, 0);
          } else {
            w = pass(() -> scanWire(wireCanned, raw), expected, peak, 1);
          }
        }
        rateC.add(expected / c);
        rateW.add(expected / w);
        ratio.add(w / c);
        System.out.printf(Locale.ROOT, "cached round %d: calcite-d1 %.2f s, Jackson %.2f s%n", r + 1, c, w);
      }
      List<Double> ratioL = new ArrayList<>();
      List<Double> rateCL = new ArrayList<>();
      List<Double> rateWL = new ArrayList<>();
      for (int r = 0; r < liveRounds; r++) {
        double c = 0;
        double w = 0;
        for (int k = 0; k < 2; k++) {
          if ((r + k) % 2 == 1) {
            c = pass(() -> scanCalcite(livePs), expected, peak, 0);
          } else {
            w = pass(() -> scanWire(wireLive, raw), expected, peak, 1);
          }
        }
        rateCL.add(expected / c);
        rateWL.add(expected / w);
        ratioL.add(w / c);
        System.out.printf(Locale.ROOT, "live round %d: calcite-d1 %.2f s, Jackson %.2f s%n", r + 1, c, w);
      }
      out("ratioCanned", ratio);
      out("rateCalciteCanned", rateC);
      out("rateWireCanned", rateW);
      out("ratioLive", ratioL);
      out("rateCalciteLive", rateCL);
      out("rateWireLive", rateWL);
    }
    System.out.println("RESULT peakHeapCalcite=" + peak[0]);
    System.out.println("RESULT peakHeapWire=" + peak[1]);
    System.out.println("RESULT retainedCalcite=" + RETAINED[0]);
    System.out.println("RESULT retainedWire=" + RETAINED[1]);
    StringBuilder gc = new StringBuilder();
    for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
      gc.append(gc.length() == 0 ? "" : ", ").append(b.getName()).append(' ').append(b.getCollectionCount())
          .append(" collections ").append(b.getCollectionTime()).append(" ms");
    }
    System.out.println("RESULT gc=" + gc + " (whole child JVM)");
    System.exit(0);
  }

  interface Pass {
    long[] run() throws Exception;
  }

  /** Max over passes of the heap still in use right after a GC (sampled every 20 ms), per side. */
  static final long[] RETAINED = new long[2];

  /**
   * Runs one pass; returns seconds; records the pass's peak heap (sum of the heap pools' peaks after a reset) and
   * the most heap found in use right after a collection while it ran (what the pass keeps alive).
   */
  private static double pass(Pass pass, long expected, long[] peak, int side) throws Exception {
    System.gc();
    List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(b -> b.getType() == MemoryType.HEAP).collect(Collectors.toList());
    heap.forEach(MemoryPoolMXBean::resetPeakUsage);
    long baseline = heap.stream().mapToLong(b -> b.getCollectionUsage() == null ? 0 : b.getCollectionUsage().getUsed())
        .sum();
    long[] retained = new long[1];
    Thread sampler = new Thread(() -> {
      long[] lastCounts = new long[1];
      while (!Thread.currentThread().isInterrupted()) {
        long gcs = ManagementFactory.getGarbageCollectorMXBeans().stream()
            .mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
        if (gcs != lastCounts[0]) {
          lastCounts[0] = gcs;
          long used = heap.stream().mapToLong(b -> b.getCollectionUsage() == null ? 0
              : b.getCollectionUsage().getUsed()).sum();
          retained[0] = Math.max(retained[0], used);
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "heap-sampler");
    sampler.setDaemon(true);
    sampler.start();
    long t0 = System.nanoTime();
    long[] result = pass.run();
    double s = (System.nanoTime() - t0) / 1e9;
    sampler.interrupt();
    sampler.join(1000);
    check(result[0], expected);
    long p = heap.stream().mapToLong(b -> b.getPeakUsage().getUsed()).sum();
    peak[side] = Math.max(peak[side], p);
    RETAINED[side] = Math.max(RETAINED[side], Math.max(retained[0], baseline));
    return s;
  }

  private static void check(long rows, long expected) {
    if (rows != expected) {
      throw new IllegalStateException("read " + rows + " rows, expected " + expected);
    }
  }

  private static void out(String key, List<Double> values) {
    System.out.println("RESULT " + key + "=" + values.stream().map(v -> String.format(Locale.ROOT, "%.6g", v))
        .collect(Collectors.joining(",")));
  }

  /** Plans, executes and reads every column with typed getters; returns {rows, checksum}. */
  static long[] scanCalcite(Connection c, String sql) throws Exception {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      return scanCalcite(ps);
    }
  }

  /** Executes an already planned scan and reads every column with typed getters; returns {rows, checksum}. */
  static long[] scanCalcite(PreparedStatement ps) throws Exception {
    long rows = 0;
    long sum = 0;
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        rows++;
        sum += rs.getLong(1) + rs.getLong(2) + (long) rs.getDouble(3) + rs.getString(4).length();
        String t = rs.getString(5);
        sum += t == null ? 0 : t.length();
      }
    }
    return new long[] {rows, sum};
  }

  /** Posts the recorded page bodies and parses them; returns {rows of the first 5 columns, checksum}. */
  static long[] scanWire(Wire wire, List<byte[]> bodies) throws Exception {
    long[] acc = new long[2];
    for (byte[] body : bodies) {
      wire.post(body, row -> {
        acc[0]++;
        acc[1] += OverheadBench.num(row[0]) + OverheadBench.num(row[1]) + (long) ((Number) row[2]).doubleValue()
            + ((String) row[3]).length() + (row[4] == null ? 0 : ((String) row[4]).length());
      });
    }
    return acc;
  }
}
