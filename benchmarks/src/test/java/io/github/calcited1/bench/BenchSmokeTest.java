package io.github.calcited1.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plumbing only: the whole suite once in --quick mode (tiny sizes, 1 round), checking that every section produced
 * its figures and that the report and chart are written. No timing is asserted, ever.
 */
class BenchSmokeTest {
  @Test
  void quickRunWritesReportAndChart(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("performance.md");
    Report report = Bench.run(Bench.Config.quickRun(), out,
        Set.of("overhead", "pushdown", "bulk", "scan", "network"));
    String md = Files.readString(out);
    for (String heading : List.of("## 1. Overhead", "## 2. Pushdown", "## 3. Bulk write", "## 4. Scan",
        "## 5. Simulated network")) {
      assertTrue(md.contains(heading), heading);
    }
    assertTrue(Files.readString(dir.resolve("performance.svg")).startsWith("<svg"));
    assertFalse(report.figures.isEmpty());
    for (Report.Figure f : report.figures) {
      assertTrue(f.ratio.n() > 0, f.label);
      assertTrue(f.ratio.median() > 0 && Double.isFinite(f.ratio.median()), f.label);
    }
  }
}
