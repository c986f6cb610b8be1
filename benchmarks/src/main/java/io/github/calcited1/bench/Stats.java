package io.github.calcited1.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** A sample of numbers (per-round ratios, latencies): median, quartiles, extremes. */
final class Stats {
  private final double[] sorted;

  Stats(List<Double> values) {
    this.sorted = values.stream().mapToDouble(Double::doubleValue).filter(d -> !Double.isNaN(d)).sorted().toArray();
  }

  static Stats of(double... values) {
    List<Double> list = new ArrayList<>();
    for (double v : values) {
      list.add(v);
    }
    return new Stats(list);
  }

  int n() {
    return sorted.length;
  }

  double quantile(double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = (int) Math.ceil(pos);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  }

  double median() {
    return quantile(0.5);
  }

  double p25() {
    return quantile(0.25);
  }

  double p75() {
    return quantile(0.75);
  }

  double min() {
    return sorted.length == 0 ? Double.NaN : sorted[0];
  }

  double max() {
    return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
  }

  /** "1.07 (IQR 1.03–1.12, min–max 0.98–1.30, n=20)". */
  String describe(int digits) {
    String f = "%." + digits + "f";
    return String.format(Locale.ROOT, f + " (IQR " + f + "–" + f + ", range " + f + "–" + f + ", n=%d)",
        median(), p25(), p75(), min(), max(), n());
  }

  @Override
  public String toString() {
    return describe(3) + " " + Arrays.toString(sorted);
  }
}
