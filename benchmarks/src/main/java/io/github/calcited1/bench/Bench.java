package io.github.calcited1.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The benchmark suite: {@code ./benchmarks/run} (or {@code java -cp ... io.github.calcited1.bench.Bench}).
 * Options: {@code --quick} (plumbing check, seconds), {@code --out FILE.md} (default docs/performance.md; the chart
 * goes next to it as .svg), {@code --only overhead,pushdown,bulk,scan,network}, {@code --network-large} (the simulated
 * network's suite at 600,000 line items too).
 *
 * <p>Every figure is a ratio of two measurements taken in the same run, interleaved round by round (ABBA order), so
 * the machine's noise hits both sides alike; medians and spread of the per-round ratios are reported.
 */
public final class Bench {
  /** Sizes and budgets of one run. */
  public record Config(boolean quick, int overheadRounds, int overheadOps, int overheadWarmup, int planningK,
      int planning8K, int pushdownRounds, int bulkRows, int bulkRounds, int perRowRows, int scanRows, int scanRounds,
      int scanLiveRounds, long sectionBudgetMillis, int networkRounds, List<Integer> networkScales) {
    /** The simulated network's suite at about 60,000 line items; {@code --network-large} adds 600,000. */
    static final int NETWORK_SMALL = 60_000;
    static final int NETWORK_LARGE = 600_000;

    static Config fullRun() {
      return new Config(false, 60, 100, 1500, 15, 6, 7, 100_000, 9, 2_000, 1_000_000, 11, 4, 150_000, 3,
          List.of(NETWORK_SMALL));
    }

    static Config quickRun() {
      return new Config(true, 2, 10, 20, 2, 0, 1, 2_000, 1, 50, 5_000, 1, 1, 30_000, 1, List.of(2_000));
    }

    Config withLargeNetworkScale() {
      return new Config(quick, overheadRounds, overheadOps, overheadWarmup, planningK, planning8K, pushdownRounds,
          bulkRows, bulkRounds, perRowRows, scanRows, scanRounds, scanLiveRounds, sectionBudgetMillis,
          networkRounds, List.of(NETWORK_SMALL, NETWORK_LARGE));
    }
  }

  private Bench() {
  }

  public static void main(String[] args) throws Exception {
    quietLogging();
    Config cfg = Config.fullRun();
    Path out = Path.of("docs/performance.md");
    Set<String> only = new LinkedHashSet<>(List.of("overhead", "pushdown", "bulk", "scan", "network"));
    boolean large = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick": cfg = Config.quickRun(); break;
        case "--out": out = Path.of(args[++i]); break;
        case "--only": only = new LinkedHashSet<>(List.of(args[++i].split(","))); break;
        case "--network-large": large = true; break;
        default: throw new IllegalArgumentException("unknown option " + args[i]
            + " (options: --quick, --out FILE.md, --only overhead,pushdown,bulk,scan,network, --network-large)");
      }
    }
    run(large ? cfg.withLargeNetworkScale() : cfg, out, only);
  }

  static void quietLogging() {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
  }

  /** Runs the chosen sections and writes {@code out} (Markdown) and its chart; returns the report. */
  public static Report run(Config cfg, Path out, Set<String> only) throws Exception {
    quietLogging();
    // d1-local uses the JDK's HttpServer, which leaves Nagle's algorithm on: a response written in two pieces then
    // waits for the client's delayed ACK (~40 ms on Linux loopback), which would swamp every client-side cost.
    // Cloudflare's edge has no such stall, so the benchmark turns it off (same for both sides of every ratio).
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    long start = System.nanoTime();
    String loadBefore = loadAverage();
    Report report = new Report();
    Path dir = Files.createTempDirectory("calcite-d1-bench");
    try (Env env = new Env(cfg, dir)) {
      log("data generated in %.1f s; d1-local at %s", (System.nanoTime() - start) / 1e9, env.server.baseUrl());
      if (only.contains("overhead")) {
        timed("overhead", () -> OverheadBench.run(env, report));
      }
      if (only.contains("pushdown")) {
        timed("pushdown", () -> PushdownBench.run(env, report));
      }
      if (only.contains("bulk")) {
        timed("bulk", () -> BulkBench.run(env, report));
      }
      if (only.contains("scan")) {
        timed("scan", () -> ScanBench.run(env, report));
      }
      if (only.contains("network")) {
        timed("network", () -> NetworkBench.run(env, report));
      }
    } finally {
      deleteTree(dir);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    String table = report.consoleTable();
    System.out.println();
    System.out.println(table);
    write(report, cfg, out, seconds, loadBefore, loadAverage());
    log("wrote %s and %s in %.0f s total", out, svgPath(out).getFileName(), seconds);
    return report;
  }

  interface Section {
    void run() throws Exception;
  }

  private static void timed(String name, Section s) throws Exception {
    long t = System.nanoTime();
    log("== %s ...", name);
    s.run();
    log("== %s done in %.1f s", name, (System.nanoTime() - t) / 1e9);
  }

  static void log(String format, Object... args) {
    System.out.println("[bench " + DateTimeFormatter.ofPattern("HH:mm:ss").format(ZonedDateTime.now()) + "] "
        + String.format(Locale.ROOT, format, args));
    System.out.flush();
  }

  static Path svgPath(Path md) {
    String name = md.getFileName().toString().replaceFirst("\\.md$", "") + ".svg";
    return md.resolveSibling(name);
  }

  private static void write(Report report, Config cfg, Path out, double seconds, String loadBefore, String loadAfter)
      throws IOException {
    Path svg = svgPath(out);
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    Files.writeString(svg, report.svg(), StandardCharsets.UTF_8);
    StringBuilder md = new StringBuilder();
    md.append("# Performance: how close calcite-d1 comes to the wire\n\n");
    md.append("Generated by `./benchmarks/run`")
        .append(cfg.quick() ? " **--quick (plumbing check; numbers mean nothing)**" : "")
        .append(" on ").append(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)
            .withNano(0))).append(" UTC; the run took ").append(Report.fmt(seconds / 60, 1)).append(" min.\n\n");
    md.append(hardware(loadBefore, loadAfter)).append('\n');
    md.append("Every figure is a **ratio of two measurements taken side by side in the same run**: the two sides "
        + "alternate round by round (ABBA order), so the shared machine's noise hits both alike. Each round gives "
        + "one ratio; the table shows the median, the interquartile range and the range of those ratios. Servers "
        + "and clients all run on this machine over loopback (d1-local for D1), so a ratio says how much the "
        + "adapter adds to the same work, not how fast Cloudflare is. There are no timed unit tests; the module's "
        + "`mvn verify` only runs the suite once in `--quick` mode to check its plumbing.\n\n");
    md.append("![ratios](").append(svg.getFileName()).append(")\n\n");
    md.append("## Headline ratios\n\n").append(report.markdownTable()).append('\n');
    if (!report.checks.isEmpty()) {
      md.append("## Counts against their targets\n\n").append(report.checksTable()).append('\n');
    }
    md.append(report.details);
    try (java.io.InputStream in = Bench.class.getResourceAsStream("/performance-findings.md")) {
      if (in != null) {
        md.append('\n').append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    md.append("\n## How to rerun\n\n```\n"
        + "./benchmarks/run            # full suite, < 10 min on 2 cores; rewrites this file\n"
        + "./benchmarks/run --quick    # seconds; plumbing only\n./benchmarks/run --only scan --out /tmp/p.md\n"
        + "./benchmarks/run --only network --network-large   # section 5 at 60,000 and 600,000 line items\n"
        + "./benchmarks/run events 1000000 3                  # section 7 (prints its table)\n```\n");
    Files.writeString(out, md.toString(), StandardCharsets.UTF_8);
  }

  static String hardware(String loadBefore, String loadAfter) {
    StringBuilder sb = new StringBuilder();
    sb.append("| machine | |\n|---|---|\n");
    sb.append("| CPU | ").append(cpuModel()).append(", `nproc` = ").append(Runtime.getRuntime().availableProcessors())
        .append(" |\n");
    sb.append("| memory | ").append(memTotal()).append(" |\n");
    sb.append("| JDK | ").append(System.getProperty("java.vm.name")).append(' ')
        .append(System.getProperty("java.runtime.version")).append(" (").append(System.getProperty("java.vm.vendor"))
        .append("), main JVM max heap ").append(Runtime.getRuntime().maxMemory() >> 20).append(" MiB |\n");
    sb.append("| OS | ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version"))
        .append(" |\n");
    sb.append("| load average (1/5/15 min) | before: ").append(loadBefore).append("; after: ").append(loadAfter)
        .append(" (shared machine: other builds were running) |\n");
    return sb.toString();
  }

  private static String cpuModel() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst().orElse("unknown CPU");
    } catch (IOException | RuntimeException e) {
      return "unknown CPU";
    }
  }

  private static String memTotal() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/meminfo"))) {
      return lines.filter(l -> l.startsWith("MemTotal")).map(l -> {
        long kb = Long.parseLong(l.replaceAll("[^0-9]", ""));
        return String.format(Locale.ROOT, "%.1f GiB", kb / 1024.0 / 1024.0);
      }).findFirst().orElse("unknown");
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return parts[0] + " / " + parts[1] + " / " + parts[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp dir left behind is harmless
    }
  }
}
