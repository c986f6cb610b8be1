package io.github.calcited1.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import io.github.calcited1.local.fault.Fault;
import org.junit.jupiter.api.Test;

/** The test faults: each replaces or wraps exactly the next request. */
class FaultHooksTest extends D1LocalTestBase {
  @Test
  void rateLimitedAnswers429WithRetryAfterAndDoesNotExecute() {
    execute("CREATE TABLE t (x)");
    server.faults().next(Fault.rateLimited(Duration.ofMillis(1500)));
    Answer answer = query("{\"sql\":\"INSERT INTO t VALUES (1)\"}");
    assertEquals(429, answer.status());
    assertEquals("2", answer.raw().headers().firstValue("Retry-After").orElseThrow());
    assertEquals("{\"result\":null,\"success\":false,\"errors\":[{\"code\":971,\"message\":\"Please wait and consider "
        + "throttling your request speed\"}],\"messages\":[]}", answer.body());
    assertEquals("[{\"n\":0}]", firstResults(query("{\"sql\":\"SELECT count(*) AS n FROM t\"}")));
  }

  @Test
  void serverErrorAnswersTheStatusWithAnInternalErrorReference() {
    server.faults().next(2, Fault.serverError(503));
    for (int i = 0; i < 2; i++) {
      Answer answer = query("{\"sql\":\"SELECT 1\"}");
      assertEquals(503, answer.status());
      assertTrue(answer.body().matches("\\{\"result\":null,\"success\":false,\"errors\":\\[\\{\"code\":7500,"
          + "\"message\":\"internal error; reference = [0-9a-f]+\"}],\"messages\":\\[]}"), answer.body());
    }
    assertEquals(200, query("{\"sql\":\"SELECT 1\"}").status());
  }

  @Test
  void delayWaitsThenAnswers() {
    server.faults().next(Fault.delay(Duration.ofMillis(300)));
    long started = System.nanoTime();
    assertEquals(200, query("{\"sql\":\"SELECT 1\"}").status());
    assertTrue(System.nanoTime() - started >= 300_000_000L);
  }

  @Test
  void dropMidBodyCutsTheResponse() throws Exception {
    server.faults().next(Fault.dropMidBody());
    HttpRequest request = HttpRequest.newBuilder(URI.create(databaseUrl() + "/query"))
        .header("Authorization", "Bearer " + TOKEN)
        .POST(HttpRequest.BodyPublishers.ofString("{\"sql\":\"SELECT 1 AS a\"}")).build();
    assertThrows(IOException.class, () -> HTTP.send(request, HttpResponse.BodyHandlers.ofString()));
    assertEquals(200, query("{\"sql\":\"SELECT 1\"}").status());
  }

  @Test
  void dropAfterExecuteCommitsButNeverAnswers() {
    execute("CREATE TABLE t (x)");
    server.faults().next(Fault.dropAfterExecute());
    assertThrows(UncheckedIOException.class, () -> query("{\"sql\":\"INSERT INTO t VALUES (1)\"}"));
    assertEquals("[{\"n\":1}]", firstResults(query("{\"sql\":\"SELECT count(*) AS n FROM t\"}")));
  }

  @Test
  void clearForgetsQueuedFaults() {
    server.faults().next(3, Fault.serverError(500));
    assertEquals(3, server.faults().pending());
    server.faults().clear();
    assertEquals(200, query("{\"sql\":\"SELECT 1\"}").status());
  }

  @Test
  void faultsAreValidated() {
    assertThrows(IllegalArgumentException.class, () -> Fault.serverError(404));
    assertThrows(IllegalArgumentException.class, () -> server.faults().next(0, Fault.dropMidBody()));
  }
}
