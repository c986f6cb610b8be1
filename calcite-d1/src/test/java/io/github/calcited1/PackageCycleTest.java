package io.github.calcited1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.calcited1.jdbc.D1Driver;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The main packages depend on each other one way (docs/architecture.md, "Packages"): no package cycle. Read from the
 * compiled classes' constant pools, so that every reference counts (imports, fully qualified names, method
 * descriptors) and comments do not. Plain Java rather than ArchUnit: a cycle check is a page of code, and ArchUnit
 * would bring a dependency (and its ASM copy) for it.
 *
 * <p>The classes calcite-d1 must place in Calcite's {@code org.apache.calcite.jdbc} (they use package-private
 * members there) are each their own node: {@code D1MetaBridge} uses Calcite and {@code client} only and
 * sits just above {@code client}, {@code D1JdbcFactory} builds the connection and sits with {@code jdbc}.
 */
class PackageCycleTest {
  private static final Pattern REFERENCE =
      Pattern.compile("(io/github/calcited1/[a-z]+)/|(org/apache/calcite/jdbc/D1[A-Za-z]+)");

  @Test void mainPackagesHaveNoCycle() throws Exception {
    Map<String, Map<String, String>> graph = dependencies(classesDirectory());
    assertTrue(graph.keySet().containsAll(List.of("client", "catalog", "config", "write", "rel", "ddl", "schema",
        "jdbc", "server")), "packages read: " + graph.keySet());
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

  /** For each package (or bridge class), the packages it references, each with one example reference. */
  private static Map<String, Map<String, String>> dependencies(Path classes) throws IOException {
    Map<String, Map<String, String>> graph = new TreeMap<>();
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
        String className = classes.relativize(file).toString().replace('\\', '/').replace(".class", "");
        String from = node(className);
        if (from == null) {
          continue;
        }
        Map<String, String> targets = graph.computeIfAbsent(from, k -> new TreeMap<>());
        for (String constant : utf8Constants(file)) {
          Matcher m = REFERENCE.matcher(constant);
          while (m.find()) {
            String to = node(m.group(0));
            if (to != null && !to.equals(from)) {
              targets.putIfAbsent(to, className + " -> " + constant);
            }
          }
        }
      }
    }
    return graph;
  }

  /** The package name under io.github.calcited1, or the bridge class's name; null for anything else. */
  private static String node(String className) {
    Matcher m = REFERENCE.matcher(className);
    if (!m.lookingAt()) {
      return null;
    }
    if (m.group(1) != null) {
      return m.group(1).substring("io/github/calcited1/".length());
    }
    String bridge = m.group(2).substring("org/apache/calcite/jdbc/".length());
    int nested = bridge.indexOf('$');
    return "bridge." + (nested < 0 ? bridge : bridge.substring(0, nested));
  }

  /** The UTF-8 entries of a class file's constant pool: every class name and descriptor it refers to. */
  private static List<String> utf8Constants(Path classFile) throws IOException {
    List<String> strings = new ArrayList<>();
    try (InputStream in = Files.newInputStream(classFile); DataInputStream data = new DataInputStream(in)) {
      data.readInt(); // magic
      data.readUnsignedShort(); // minor version
      data.readUnsignedShort(); // major version
      int count = data.readUnsignedShort();
      for (int i = 1; i < count; i++) {
        int tag = data.readUnsignedByte();
        switch (tag) {
          case 1 -> strings.add(data.readUTF());
          case 7, 8, 16, 19, 20 -> data.skipBytes(2);
          case 15 -> data.skipBytes(3);
          case 3, 4, 9, 10, 11, 12, 17, 18 -> data.skipBytes(4);
          case 5, 6 -> {
            data.skipBytes(8);
            i++; // a long or double takes two entries
          }
          default -> throw new IOException("unknown constant pool tag " + tag + " in " + classFile);
        }
      }
    }
    return strings;
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
