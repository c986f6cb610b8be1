package io.github.calcited1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.calcited1.jdbc.D1Driver;
import io.github.calcited1.local.D1LocalServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The main packages depend on each other one way (docs/architecture.md, "Packages"): no package cycle. Read from the
 * compiled classes by the JDK's {@code jdeps}, so that every reference counts (imports, fully qualified names, method
 * descriptors) and comments do not; no dependency (ArchUnit) for what the JDK does.
 *
 * <p>The classes calcite-d1 must place in Calcite's {@code org.apache.calcite.jdbc} (they use package-private
 * members there) are each their own node: {@code D1MetaBridge} uses Calcite and {@code client} only and
 * sits just above {@code client}, {@code D1JdbcFactory} builds the connection and sits with {@code jdbc}.
 */
class PackageCycleTest {
  private static final Pattern REFERENCE =
      Pattern.compile("(io\\.github\\.calcited1\\.[a-z.]+)\\.[A-Z]|(org\\.apache\\.calcite\\.jdbc\\.D1[A-Za-z$]+)");
  /** A line of {@code jdeps -verbose:class}: {@code   from.Class   -> to.Class   archive}. */
  private static final Pattern DEPENDENCY = Pattern.compile("\\s+(\\S+)\\s+->\\s+(\\S+)\\s+.*");

  @Test void mainPackagesHaveNoCycle() throws Exception {
    Map<String, Map<String, String>> graph = dependencies(classesDirectory());
    assertTrue(graph.keySet().containsAll(List.of("client", "catalog", "config", "write", "rel", "ddl", "schema",
        "jdbc", "server")), "packages read: " + graph.keySet());
    List<String> cycle = cycle(graph);
    assertEquals(List.of(), cycle, () -> "package cycle " + String.join(" -> ", cycle) + "; the edges: "
        + edges(graph, cycle));
  }

  /** d1-local's packages (the server, its HTTP layer, JSON, SQL, faults) likewise. */
  @Test void d1LocalPackagesHaveNoCycle() throws Exception {
    Map<String, Map<String, String>> graph = dependencies(
        Path.of(D1LocalServer.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
    assertTrue(graph.keySet().containsAll(List.of("local", "local.http", "local.json", "local.sql", "local.fault")),
        "packages read: " + graph.keySet());
    List<String> cycle = cycle(graph);
    assertEquals(List.of(), cycle, () -> "package cycle " + String.join(" -> ", cycle) + "; the edges: "
        + edges(graph, cycle));
  }

  /** The test checks what it says: a cycle, through any number of packages, is found. */
  @Test void findsACycle() {
    Map<String, Map<String, String>> graph = new TreeMap<>();
    graph.put("a", Map.of("b", "A1 -> B1"));
    graph.put("b", Map.of("c", "B1 -> C1"));
    graph.put("c", Map.of("a", "C1 -> A1"));
    graph.put("d", Map.of("a", "D1 -> A1"));
    assertEquals(List.of("a", "b", "c", "a"), cycle(graph));
    graph.put("c", Map.of());
    assertEquals(List.of(), cycle(graph));
  }

  private static Path classesDirectory() throws Exception {
    return Path.of(D1Driver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  /**
   * For each package (or bridge class), the packages it references, each with one example reference: the JDK's
   * {@code jdeps} reads the compiled classes (it leaves out references inside one package).
   */
  private static Map<String, Map<String, String>> dependencies(Path classes) {
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(
        () -> new AssertionError("this test needs the JDK's jdeps (module jdk.jdeps): run it on a JDK"));
    StringWriter out = new StringWriter();
    int status = jdeps.run(new PrintWriter(out), new PrintWriter(out), "-verbose:class", "-e",
        "io\\.github\\.calcited1\\..*|org\\.apache\\.calcite\\.jdbc\\.D1.*", classes.toString());
    assertEquals(0, status, out::toString);
    Map<String, Map<String, String>> graph = new TreeMap<>();
    for (String line : out.toString().split("\\R")) {
      Matcher m = DEPENDENCY.matcher(line);
      if (!m.matches()) {
        continue;
      }
      String from = node(m.group(1));
      String to = node(m.group(2));
      if (from != null && to != null) {
        graph.computeIfAbsent(to, k -> new TreeMap<>()); // a package that references none of the others counts too
        if (!to.equals(from)) {
          graph.computeIfAbsent(from, k -> new TreeMap<>()).putIfAbsent(to, m.group(1) + " -> " + m.group(2));
        }
      }
    }
    return graph;
  }

  /**
   * The package name under io.github.calcited1 ({@code rel}, {@code local.http}), or the bridge class's name; null
   * for anything else.
   */
  private static String node(String className) {
    Matcher m = REFERENCE.matcher(className);
    if (!m.lookingAt()) {
      return null;
    }
    if (m.group(1) != null) {
      return m.group(1).substring("io.github.calcited1.".length());
    }
    String bridge = m.group(2).substring("org.apache.calcite.jdbc.".length());
    int nested = bridge.indexOf('$');
    return "bridge." + (nested < 0 ? bridge : bridge.substring(0, nested));
  }

  /** A cycle as the list of its nodes, first repeated at the end; empty if there is none. */
  static List<String> cycle(Map<String, Map<String, String>> graph) {
    Set<String> done = new TreeSet<>();
    for (String start : graph.keySet()) {
      List<String> found = cycleFrom(start, graph, done, new ArrayDeque<>());
      if (!found.isEmpty()) {
        return found;
      }
    }
    return List.of();
  }

  private static List<String> cycleFrom(String node, Map<String, Map<String, String>> graph, Set<String> done,
      Deque<String> path) {
    if (path.contains(node)) {
      List<String> cycle = new ArrayList<>(path);
      Collections.reverse(cycle);
      cycle = new ArrayList<>(cycle.subList(cycle.indexOf(node), cycle.size()));
      cycle.add(node);
      return cycle;
    }
    if (!done.add(node)) {
      return List.of();
    }
    path.push(node);
    for (String next : graph.getOrDefault(node, Map.of()).keySet()) {
      List<String> found = cycleFrom(next, graph, done, path);
      if (!found.isEmpty()) {
        return found;
      }
    }
    path.pop();
    return List.of();
  }

  private static String edges(Map<String, Map<String, String>> graph, List<String> cycle) {
    List<String> edges = new ArrayList<>();
    for (int i = 0; i + 1 < cycle.size(); i++) {
      edges.add(graph.get(cycle.get(i)).get(cycle.get(i + 1)));
    }
    return String.join("; ", edges);
  }
}
