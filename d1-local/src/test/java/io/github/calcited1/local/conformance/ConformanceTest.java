package io.github.calcited1.local.conformance;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * d1-local conformance: every request of {@code d1-local/conformance/corpus/*.json} is sent to the reference D1
 * server (Cloudflare's own D1 code run offline by Miniflare, see {@code conformance/launch.mjs}) and to a
 * {@code D1LocalServer}; HTTP status and body must agree as JSON (see {@link JsonDiff} for what is ignored),
 * unless the difference is listed in {@code conformance/allowed-differences.json}.
 *
 * <p>Isolation: each corpus file gets a brand-new database on both sides: its own D1 database ({@code ref-N}, a
 * separate Durable Object) on the reference, and a new {@code D1LocalServer} with an empty data directory.
 * Steps of one file run in order on that database.
 *
 * <p>Corpus file: {@code {"name", "why", "steps": [step...]}}; a step is {@code {"endpoint": "query"|"raw"|other
 * path suffix (default query), "method": "POST" (default), "auth": "token"|"none"|"wrong" (default token),
 * "body": JSON | "bodyText": "raw text", "why": optional}}. In any string of body/bodyText,
 * {@code {{repeat:N:TEXT}}} expands to TEXT repeated N times.
 *
 * <p>The full transcript (every request, both answers where they differ) goes to
 * {@code target/conformance/report.txt}. Run alone: {@code mvn -B -pl d1-local test -Dtest=ConformanceTest}.
 */
class ConformanceTest {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration TOTAL_BUDGET = Duration.ofMinutes(4);
  private static final Pattern REPEAT = Pattern.compile("\\{\\{repeat:(\\d+):(.*?)}}", Pattern.DOTALL);

  static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(JsonParser.Feature.ALLOW_COMMENTS)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
      .build();

  private static Path moduleDir;
  private static Path conformanceDir;
  private static Path workDir;
  private static List<Path> corpus;
  private static AllowList allowList;
  private static ReferenceServer reference;
  private static Throwable referenceFailure;
  private static HttpClient http;
  private static long startNanos;
  private static final StringBuilder report = new StringBuilder();
  private static final Map<String, int[]> counts = new java.util.TreeMap<>();
  private static final List<String> failures = new ArrayList<>();
  /** One line per failing request, for the top of the report. */
  private static final List<String> digest = new ArrayList<>();

  @BeforeAll
  static void startReference() throws Exception {
    startNanos = System.nanoTime();
    moduleDir = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
    conformanceDir = moduleDir.resolve("conformance");
    if (!Files.isDirectory(conformanceDir)) {
      throw new IllegalStateException("no conformance directory at " + conformanceDir);
    }
    workDir = moduleDir.resolve("target/conformance");
    Files.createDirectories(workDir);
    try (Stream<Path> s = Files.list(conformanceDir.resolve("corpus"))) {
      corpus = s.filter(p -> p.toString().endsWith(".json")).sorted(Comparator.comparing(Path::toString))
          .collect(Collectors.toList());
    }
    allowList = AllowList.load(conformanceDir.resolve("allowed-differences.json"), MAPPER);
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
        .build();
    counts.put("steps", new int[1]);
    counts.put("identical", new int[1]);
    counts.put("allowed", new int[1]);
    counts.put("failing", new int[1]);
    try {
      reference = ReferenceServer.start(conformanceDir, corpus.size());
    } catch (Throwable t) {
      referenceFailure = t;
    }
  }

  @AfterAll
  static void stopReference() throws IOException {
    try {
      if (reference != null) {
        reference.close();
      }
    } finally {
      long ms = (System.nanoTime() - startNanos) / 1_000_000;
      StringBuilder summary = new StringBuilder();
      summary.append(String.format("d1-local conformance: %d files, %d requests: %d identical, %d allow-listed,"
              + " %d failing (%.1f s)%n", corpus == null ? 0 : corpus.size(), counts.get("steps")[0],
          counts.get("identical")[0], counts.get("allowed")[0], counts.get("failing")[0], ms / 1000.0));
      if (referenceFailure != null) {
        summary.append("  the reference D1 server could not be started: ").append(referenceFailure.getMessage())
            .append('\n');
      }
      if (allowList != null) {
        for (AllowList.Entry e : allowList.unused()) {
          summary.append("  allow-list entry no longer needed: ").append(e).append('\n');
        }
      }
      if (workDir != null) {
        String lines;
        synchronized (digest) {
          lines = digest.isEmpty() ? "" : "Failing requests (file#step endpoint body: differences):\n  "
              + String.join("\n  ", digest) + "\n";
        }
        Files.writeString(workDir.resolve("report.txt"), summary + "\n" + lines + "\n" + report,
            StandardCharsets.UTF_8);
      }
      System.out.print(summary);
      System.err.print(summary);
    }
  }

  @TestFactory
  Stream<DynamicTest> corpus() {
    return corpus.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), p.toUri(),
        () -> runFile(p, corpus.indexOf(p))));
  }

  private static void runFile(Path file, int index) throws Exception {
    if (referenceFailure != null) {
      fail("the reference D1 server could not be started: " + referenceFailure.getMessage(), referenceFailure);
    }
    if (Duration.ofNanos(System.nanoTime() - startNanos).compareTo(TOTAL_BUDGET) > 0) {
      fail("the conformance run exceeded its time budget of " + TOTAL_BUDGET.toSeconds() + " s");
    }
    String name = file.getFileName().toString();
    JsonNode spec = MAPPER.readTree(file.toFile());
    JsonNode steps = spec.path("steps");
    if (!spec.hasNonNull("name") || !spec.hasNonNull("why") || !steps.isArray() || steps.isEmpty()) {
      fail(name + ": a corpus file needs \"name\", \"why\" and a non-empty \"steps\" array");
    }
    StringBuilder fileReport = new StringBuilder();
    fileReport.append("=== ").append(name).append(": ").append(spec.get("why").asText()).append('\n');
    List<String> problems = new ArrayList<>();
    Path dataDir = Files.createTempDirectory(workDir, "data-");
    LocalServer local = null;
    Exception localFailure = null;
    try {
      local = LocalServer.start(dataDir, ReferenceServer.TOKEN);
    } catch (Exception e) {
      // Still run the reference side, so that the report shows what d1-local should answer.
      localFailure = e;
      problems.add("d1-local could not be started: " + e);
    }
    try {
      String refDb = reference.baseUrl() + "/accounts/acc/d1/database/" + ReferenceServer.databaseId(index);
      String localDb = local == null ? null : local.baseUrl() + "/accounts/acc/d1/database/" + local.databaseId();
      for (int i = 0; i < steps.size(); i++) {
        JsonNode step = steps.get(i);
        Request req = Request.of(step);
        Answer ref = send(refDb, req);
        Answer loc = local == null ? new Answer(-1, "(d1-local not started: " + localFailure + ")")
            : send(localDb, req);
        List<JsonDiff.Diff> diffs = compare(ref, loc);
        List<String> notAllowed = new ArrayList<>();
        List<String> allowedDiffs = new ArrayList<>();
        for (JsonDiff.Diff d : diffs) {
          String reason = allowList.allowed(name, i, d.path());
          if (reason == null) {
            notAllowed.add(d.toString());
          } else {
            allowedDiffs.add(d + "  [allowed: " + reason + "]");
          }
        }
        synchronized (counts) {
          counts.get("steps")[0]++;
          counts.get(diffs.isEmpty() ? "identical" : notAllowed.isEmpty() ? "allowed" : "failing")[0]++;
        }
        fileReport.append(String.format("--- step %d: %s %s %s%n", i, req.method, req.endpoint,
            abbreviate(req.describe(), 300)));
        fileReport.append("    reference: ").append(ref.status).append(' ').append(abbreviate(ref.body, 1500))
            .append('\n');
        if (!diffs.isEmpty()) {
          fileReport.append("    d1-local:  ").append(loc.status).append(' ').append(abbreviate(loc.body, 1500))
              .append('\n');
          for (String d : allowedDiffs) {
            fileReport.append("    ALLOWED ").append(d).append('\n');
          }
          for (String d : notAllowed) {
            fileReport.append("    DIFF    ").append(d).append('\n');
          }
        }
        if (!notAllowed.isEmpty()) {
          synchronized (digest) {
            digest.add(String.format("%s#%d %s %s: %s", name, i, req.endpoint, abbreviate(req.describe(), 80),
                abbreviate(String.join(" | ", notAllowed), 400)));
          }
        }
        if (!notAllowed.isEmpty() && local != null) {
          problems.add(String.format("step %d (%s %s %s):%n      %s", i, req.method, req.endpoint,
              abbreviate(req.describe(), 160), String.join("\n      ", notAllowed)));
        }
      }
    } finally {
      if (local != null) {
        local.close();
      }
      synchronized (report) {
        report.append(fileReport);
      }
      deleteTree(dataDir);
    }
    if (!problems.isEmpty()) {
      synchronized (failures) {
        failures.add(name);
      }
      fail(name + " (" + spec.get("name").asText() + "): d1-local differs from real D1:\n  "
          + String.join("\n  ", problems));
    }
  }

  private static List<JsonDiff.Diff> compare(Answer ref, Answer loc) {
    List<JsonDiff.Diff> diffs = new ArrayList<>();
    if (ref.status != loc.status) {
      diffs.add(new JsonDiff.Diff("status", Integer.toString(ref.status), Integer.toString(loc.status)));
    }
    JsonNode e = parse(ref.body);
    JsonNode a = parse(loc.body);
    if (e == null || a == null) {
      if (!ref.body.equals(loc.body)) {
        diffs.add(new JsonDiff.Diff("body (not JSON)", abbreviate(ref.body, 300), abbreviate(loc.body, 300)));
      }
    } else {
      diffs.addAll(JsonDiff.compare(e, a));
    }
    return diffs;
  }

  private static JsonNode parse(String body) {
    try {
      return MAPPER.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  private static Answer send(String databaseUrl, Request req) throws InterruptedException {
    String url = req.endpoint.isEmpty() ? databaseUrl : databaseUrl + "/" + req.endpoint;
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT);
    if (req.auth.equals("token")) {
      b.header("Authorization", "Bearer " + ReferenceServer.TOKEN);
    } else if (req.auth.equals("wrong")) {
      b.header("Authorization", "Bearer wrong-token");
    } else if (!req.auth.equals("none")) {
      throw new IllegalArgumentException("auth must be token, wrong or none: " + req.auth);
    }
    if (req.body != null) {
      b.header("Content-Type", "application/json");
      b.method(req.method, HttpRequest.BodyPublishers.ofByteArray(req.body.getBytes(StandardCharsets.UTF_8)));
    } else {
      b.method(req.method, HttpRequest.BodyPublishers.noBody());
    }
    HttpRequest request = b.build();
    try {
      return answer(http.send(request, HttpResponse.BodyHandlers.ofByteArray()));
    } catch (IOException e) {
      if (!String.valueOf(e.getMessage()).contains("received no bytes")) {
        return new Answer(-1, "(no answer: " + e + ")");
      }
      // A pooled connection the server had already closed: the request never reached it, so send it again once.
      try {
        return answer(http.send(request, HttpResponse.BodyHandlers.ofByteArray()));
      } catch (IOException again) {
        return new Answer(-1, "(no answer: " + again + ")");
      }
    }
  }

  private static Answer answer(HttpResponse<byte[]> r) {
    return new Answer(r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
  }

  record Answer(int status, String body) {
  }

  /** One step of a corpus file, macros expanded. */
  static final class Request {
    String endpoint;
    String method;
    String auth;
    String body;

    static Request of(JsonNode step) throws IOException {
      Request r = new Request();
      r.endpoint = step.path("endpoint").asText("query");
      r.method = step.path("method").asText("POST");
      r.auth = step.path("auth").asText("token");
      if (step.has("bodyText")) {
        r.body = expand(step.get("bodyText").asText());
      } else if (step.has("body")) {
        r.body = MAPPER.writeValueAsString(expand(step.get("body").deepCopy()));
      }
      return r;
    }

    String describe() {
      return body == null ? "(no body)" : body;
    }
  }

  static JsonNode expand(JsonNode n) {
    if (n.isTextual()) {
      return TextNode.valueOf(expand(n.asText()));
    }
    if (n.isObject()) {
      ObjectNode o = (ObjectNode) n;
      List<String> names = new ArrayList<>();
      o.fieldNames().forEachRemaining(names::add);
      for (String k : names) {
        o.set(k, expand(o.get(k)));
      }
    } else if (n.isArray()) {
      ArrayNode a = (ArrayNode) n;
      for (int i = 0; i < a.size(); i++) {
        a.set(i, expand(a.get(i)));
      }
    }
    return n;
  }

  static String expand(String s) {
    Matcher m = REPEAT.matcher(s);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(m.group(2).repeat(Integer.parseInt(m.group(1)))));
    }
    m.appendTail(out);
    return out.toString();
  }

  static String abbreviate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...(" + s.length() + " chars)";
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort
    }
  }
}
