package io.github.calcited1.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Collects the headline ratios and the per-section tables; renders Markdown, a console table and an SVG chart. */
final class Report {
  /** A ratio measured side by side: {@code lowerIsBetter} ratios have a maximum target, others a minimum. */
  static final class Figure {
    final String label;
    final String definition;
    final Stats ratio;
    final double target;
    final boolean lowerIsBetter;
    final String note;

    Figure(String label, String definition, Stats ratio, double target, boolean lowerIsBetter, String note) {
      this.label = label;
      this.definition = definition;
      this.ratio = ratio;
      this.target = target;
      this.lowerIsBetter = lowerIsBetter;
      this.note = note;
    }

    boolean hasTarget() {
      return !Double.isNaN(target);
    }

    boolean met() {
      double m = ratio.median();
      return !hasTarget() || (lowerIsBetter ? m <= target : m >= target);
    }

    String targetText() {
      return hasTarget() ? (lowerIsBetter ? "≤ " : "≥ ") + fmt(target, 2) : "–";
    }

    String verdict() {
      return !hasTarget() ? "–" : met() ? "met" : "**missed**";
    }
  }

  /** A count or size compared with its target (requests per query, rows transferred, requests per load). */
  record Check(String what, String measured, String target, boolean met) {
  }

  final List<Figure> figures = new ArrayList<>();
  final List<Check> checks = new ArrayList<>();

  void check(String what, String measured, String target, boolean met) {
    checks.add(new Check(what, measured, target, met));
  }

  String checksTable() {
    StringBuilder sb = new StringBuilder("| what | measured | target | verdict |\n|---|---|---|---|\n");
    for (Check c : checks) {
      sb.append("| ").append(c.what()).append(" | ").append(c.measured()).append(" | ").append(c.target())
          .append(" | ").append(c.met() ? "met" : "**missed**").append(" |\n");
    }
    return sb.toString();
  }

  final StringBuilder details = new StringBuilder();

  void figure(Figure f) {
    figures.add(f);
  }

  void section(String markdown) {
    details.append(markdown).append('\n');
  }

  static String fmt(double v, int digits) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    if (v != 0 && Math.abs(v) < 0.05 && digits < 4) {
      digits = 4; // e.g. per-row autocommit vs the loader: 0.0045, not 0.00
    }
    return String.format(Locale.ROOT, "%." + digits + "f", v);
  }

  String markdownTable() {
    StringBuilder sb = new StringBuilder();
    sb.append("| figure | ratio (median) | IQR | range | n | target | verdict | definition |\n");
    sb.append("|---|---:|---|---|---:|---|---|---|\n");
    for (Figure f : figures) {
      sb.append("| ").append(f.label).append(" | **").append(fmt(f.ratio.median(), 2)).append("** | ")
          .append(fmt(f.ratio.p25(), 2)).append("–").append(fmt(f.ratio.p75(), 2)).append(" | ")
          .append(fmt(f.ratio.min(), 2)).append("–").append(fmt(f.ratio.max(), 2)).append(" | ")
          .append(f.ratio.n()).append(" | ").append(f.targetText()).append(" | ").append(f.verdict()).append(" | ")
          .append(f.definition).append(f.note == null ? "" : "; " + f.note).append(" |\n");
    }
    return sb.toString();
  }

  String consoleTable() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%-44s %8s %13s %13s %4s %7s %7s%n", "figure", "median", "IQR", "range", "n",
        "target", "verdict"));
    for (Figure f : figures) {
      sb.append(String.format(Locale.ROOT, "%-44s %8s %13s %13s %4d %7s %7s%n", f.label, fmt(f.ratio.median(), 3),
          fmt(f.ratio.p25(), 2) + "-" + fmt(f.ratio.p75(), 2), fmt(f.ratio.min(), 2) + "-" + fmt(f.ratio.max(), 2),
          f.ratio.n(), f.targetText().replace("≤", "<=").replace("≥", ">="), f.verdict().replace("*", "")));
    }
    for (Check c : checks) {
      sb.append(String.format(Locale.ROOT, "%-60s %-30s target %-18s %s%n", c.what(), c.measured(), c.target(),
          c.met() ? "met" : "MISSED"));
    }
    return sb.toString();
  }

  /** Horizontal box plot of every ratio: box = IQR, whisker = range, tick = median, dashed line = target. */
  String svg() {
    int rowH = 46;
    int left = 330;
    int plotW = 520;
    int top = 50;
    int h = top + rowH * figures.size() + 50;
    int w = left + plotW + 30;
    double max = 2.0;
    for (Figure f : figures) {
      if (!Double.isNaN(f.ratio.max())) {
        max = Math.max(max, Math.min(f.ratio.max(), 6.0));
      }
    }
    max = Math.ceil(max * 2) / 2;
    StringBuilder s = new StringBuilder();
    s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w).append("\" height=\"").append(h)
        .append("\" font-family=\"sans-serif\" font-size=\"12\">\n");
    s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    s.append("<text x=\"10\" y=\"20\" font-size=\"15\" font-weight=\"bold\">calcite-d1 vs the wire: side-by-side "
        + "ratios (median, IQR box, range whisker; dashed = target)</text>\n");
    s.append("<text x=\"10\" y=\"38\" fill=\"#555\">ratio = calcite-d1 / baseline as defined per row; green = target "
        + "met, red = missed, grey = no target</text>\n");
    for (double x = 0; x <= max + 1e-9; x += 0.5) {
      double px = left + x / max * plotW;
      s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\"/>%n", px,
          top - 5, px, top + rowH * figures.size(), x == 1.0 ? "#000" : "#ddd"));
      s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.1f</text>%n", px,
          top + rowH * figures.size() + 16, x));
    }
    for (int i = 0; i < figures.size(); i++) {
      Figure f = figures.get(i);
      int y = top + i * rowH;
      int cy = y + rowH / 2;
      String color = !f.hasTarget() ? "#888" : f.met() ? "#2a9d4a" : "#d0453a";
      s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n", left - 10,
          cy + 4, esc(f.label)));
      if (Double.isNaN(f.ratio.median())) {
        continue;
      }
      double x0 = left + clamp(f.ratio.min(), max) / max * plotW;
      double x1 = left + clamp(f.ratio.max(), max) / max * plotW;
      double q1 = left + clamp(f.ratio.p25(), max) / max * plotW;
      double q3 = left + clamp(f.ratio.p75(), max) / max * plotW;
      double med = left + clamp(f.ratio.median(), max) / max * plotW;
      s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\"/>%n", x0,
          cy, x1, cy, color));
      s.append(String.format(Locale.ROOT,
          "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" fill-opacity=\"0.35\" stroke=\"%s\"/>%n",
          q1, cy - 10, Math.max(1.5, q3 - q1), 20, color, color));
      s.append(String.format(Locale.ROOT,
          "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>%n", med, cy - 12, med,
          cy + 12, color));
      s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"%s\">%s</text>%n", med + 4, cy - 13,
          color, fmt(f.ratio.median(), 2)));
      if (f.hasTarget()) {
        double tx = left + clamp(f.target, max) / max * plotW;
        s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333\" "
            + "stroke-dasharray=\"4,3\"/>%n", tx, y + 4, tx, y + rowH - 4));
      }
    }
    s.append("</svg>\n");
    return s.toString();
  }

  private static double clamp(double v, double max) {
    return Math.max(0, Math.min(v, max));
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
