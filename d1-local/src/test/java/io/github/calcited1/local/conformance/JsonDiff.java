package io.github.calcited1.local.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Compares two JSON responses. Numbers compare by value ({@code 1} equals {@code 1.0}; {@code 9223372036854775807}
 * differs from {@code 9223372036854776000}). Object key order is ignored except in result rows (objects inside a
 * {@code results} array), where it is what a client sees as column order. Inside {@code meta}, the timing fields
 * {@code duration} and {@code timings} and {@code served_by} are ignored; nothing else is.
 */
final class JsonDiff {
  static final Set<String> IGNORED_META_KEYS = Set.of("duration", "timings", "served_by");
  private static final int MAX_DIFFS = 25;

  /** One difference: a JSON path ({@code $.result[0].meta.changes}, or {@code status}), expected and actual. */
  record Diff(String path, String expected, String actual) {
    @Override
    public String toString() {
      return path + ": expected " + expected + ", actual " + actual;
    }
  }

  private JsonDiff() {
  }

  static List<Diff> compare(JsonNode expected, JsonNode actual) {
    List<Diff> out = new ArrayList<>();
    compare(expected, actual, "$", null, false, out);
    return out;
  }

  private static void compare(JsonNode e, JsonNode a, String path, String key, boolean row, List<Diff> out) {
    if (out.size() >= MAX_DIFFS) {
      return;
    }
    if (e.isNumber() && a.isNumber()) {
      if (e.decimalValue().compareTo(a.decimalValue()) != 0) {
        out.add(new Diff(path, show(e), show(a)));
      }
      return;
    }
    if (e.getNodeType() != a.getNodeType()) {
      out.add(new Diff(path, show(e), show(a)));
      return;
    }
    if (e.isObject()) {
      boolean meta = "meta".equals(key);
      List<String> ek = keys(e, meta);
      List<String> ak = keys(a, meta);
      for (String k : ek) {
        if (!a.has(k)) {
          out.add(new Diff(path + "." + k, show(e.get(k)), "(missing)"));
        }
      }
      for (String k : ak) {
        if (!e.has(k)) {
          out.add(new Diff(path + "." + k, "(absent)", show(a.get(k))));
        }
      }
      for (String k : ek) {
        if (a.has(k)) {
          compare(e.get(k), a.get(k), path + "." + k, k, false, out);
        }
      }
      if (row && ek.size() == ak.size() && ek.containsAll(ak) && !ek.equals(ak)) {
        out.add(new Diff(path + " (key order)", ek.toString(), ak.toString()));
      }
      return;
    }
    if (e.isArray()) {
      if (e.size() != a.size()) {
        out.add(new Diff(path + " (length)", e.size() + " elements", a.size() + " elements"));
      }
      boolean rows = "results".equals(key);
      for (int i = 0; i < Math.min(e.size(), a.size()); i++) {
        compare(e.get(i), a.get(i), path + "[" + i + "]", null, rows, out);
      }
      return;
    }
    if (!e.equals(a)) {
      out.add(new Diff(path, show(e), show(a)));
    }
  }

  private static List<String> keys(JsonNode o, boolean meta) {
    List<String> ks = new ArrayList<>();
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!(meta && IGNORED_META_KEYS.contains(k))) {
        ks.add(k);
      }
    }
    return ks;
  }

  static String show(JsonNode n) {
    return ConformanceTest.abbreviate(n.toString(), 300);
  }
}
