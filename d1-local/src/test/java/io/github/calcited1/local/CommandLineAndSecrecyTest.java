package io.github.calcited1.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import io.github.calcited1.local.fault.Fault;

/** The command line, and that the token never shows in any output. */
class CommandLineAndSecrecyTest extends D1LocalTestBase {
  private static final String SECRET = "cli-secret-9a7b";

  @Test
  void usageErrorsSayWhatIsMissing() {
    assertEquals("--port is required (0 picks a free port)",
        assertThrows(D1LocalMain.UsageException.class, () -> D1LocalMain.parse(new String[] {"--token", SECRET}, null))
            .getMessage());
    assertEquals("a token is required: --token T or the environment variable D1_LOCAL_TOKEN",
        assertThrows(D1LocalMain.UsageException.class, () -> D1LocalMain.parse(new String[] {"--port", "0"}, null))
            .getMessage());
    assertEquals("unknown option '--prot'", assertThrows(D1LocalMain.UsageException.class,
        () -> D1LocalMain.parse(new String[] {"--prot", "1"}, SECRET)).getMessage());
    assertEquals("no database to serve: add --database NAME", assertThrows(D1LocalMain.UsageException.class,
        () -> D1LocalMain.parse(new String[] {"--port", "0", "--token", SECRET}, null)).getMessage());
    String badName = assertThrows(D1LocalMain.UsageException.class, () -> D1LocalMain.parse(
        new String[] {"--port", "0", "--data", "x", "--database", "no/slash", "--token", SECRET}, null)).getMessage();
    assertTrue(badName.startsWith("a database name is"), badName);
    assertFalse(badName.contains(SECRET));
  }

  @Test
  void tokenMayComeFromTheEnvironment() throws Exception {
    try (D1LocalServer server = D1LocalMain.parse(
        new String[] {"--port", "0", "--data", dataDir.toString(), "--database", "x"}, SECRET).build().start()) {
      String url = server.baseUrl() + "/accounts/a/d1/database/" + server.databaseId("x") + "/query";
      java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"sql\":\"SELECT 1\"}"));
      assertEquals(200, send(request.copy().header("Authorization", "Bearer " + SECRET).build()).status());
      assertEquals(401, send(request.copy().header("Authorization", "Bearer nope").build()).status());
    }
  }

  @Test
  void mainPrintsTheListeningLineAndNeverTheToken() throws Exception {
    Path stderr = dataDir.resolve("stderr.txt");
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), D1LocalMain.class.getName(),
        "--port", "0", "--data", dataDir.resolve("cli").toString(), "--token", SECRET, "--database", "shop")
        .redirectError(stderr.toFile()).start();
    try {
      BufferedReader stdout =
          new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String line = stdout.readLine();
      assertFalse(line.contains(SECRET), line);
      Matcher listening = Pattern.compile("d1-local listening on (http://127\\.0\\.0\\.1:(\\d+)/client/v4)").matcher(line);
      assertTrue(listening.matches(), line);
      String id = java.util.UUID.nameUUIDFromBytes("d1-local:shop".getBytes(StandardCharsets.UTF_8)).toString();
      Answer wrong = send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(listening.group(1)
          + "/accounts/a/d1/database/" + id + "/query")).header("Authorization", "Bearer nope")
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"sql\":\"SELECT 1\"}")).build());
      assertEquals(401, wrong.status());
      assertFalse(wrong.body().contains(SECRET));
      Answer right = send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(listening.group(1)
          + "/accounts/a/d1/database/" + id + "/query")).header("Authorization", "Bearer " + SECRET)
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"sql\":\"SELEC 1\"}")).build());
      assertEquals(400, right.status());
      assertFalse(right.body().contains(SECRET));
    } finally {
      process.destroy();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    String errors = Files.readString(stderr);
    assertFalse(errors.contains(SECRET), errors);
  }

  @Test
  void tokenIsNeitherRecordedNorInToStringNorInAnswers() {
    server.faults().next(Fault.serverError(500));
    List<Answer> answers = List.of(query("{\"sql\":\"SELECT 1\"}"), query("{\"sql\":\"SELEC\"}"), query("{"),
        post(server.baseUrl() + "/nowhere", "{}"));
    for (Answer answer : answers) {
      assertFalse(answer.body().contains(TOKEN), answer.body());
      assertFalse(answer.raw().headers().toString().contains(TOKEN));
    }
    assertFalse(server.recordedRequests().toString().contains(TOKEN));
    assertFalse(server.toString().contains(TOKEN));
    assertFalse(D1LocalServer.builder().token(TOKEN).toString().contains(TOKEN));
  }
}
