package io.github.calcited1.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The API token never appears in a message, a stack trace, a toString() or a log line. */
class TokenSecrecyTest {
  private static final String TOKEN = MockD1.TOKEN;
  private final MockD1 d1 = new MockD1(Duration.ofMillis(300));

  @AfterEach
  void close() {
    d1.close();
  }

  private static void assertClean(Throwable t) {
    StringWriter trace = new StringWriter();
    t.printStackTrace(new PrintWriter(trace));
    assertFalse(trace.toString().contains(TOKEN), trace.toString());
    assertFalse(String.valueOf(t).contains(TOKEN));
    if (t instanceof D1Exception) {
      assertFalse(String.valueOf(((D1Exception) t).d1Message()).contains(TOKEN));
    }
  }

  @Test
  void configClientAndBuilderHideTheToken() {
    D1ClientConfig config = d1.config().build();
    assertFalse(config.toString().contains(TOKEN), config.toString());
    assertTrue(config.toString().contains("apiToken=<redacted>"));
    assertFalse(d1.config().toString().contains(TOKEN));
    assertFalse(d1.client.toString().contains(TOKEN));
    assertFalse(config.toBuilder().toString().contains(TOKEN));
  }

  @Test
  void badTokenIsRefusedWithoutQuotingIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> d1.config().apiToken(TOKEN + "\n").build());
    assertFalse(e.getMessage().contains(TOKEN), e.getMessage());
  }

  /** Every failure path, including a server that echoes the token back. */
  @Test
  void noFailureMentionsTheToken() throws Exception {
    List<Throwable> failures = new ArrayList<>();
    String echo = "Invalid token " + TOKEN;
    d1.answer(401, MockD1.errorEnvelope(10000, echo));
    d1.answer(400, MockD1.errorEnvelope(7500, "no such column: " + TOKEN + " at offset 7: SQLITE_ERROR"));
    d1.answer(429, MockD1.errorEnvelope(971, echo));
    d1.answer(500, "<html>" + TOKEN + "</html>");
    d1.answer(200, "{\"result\":[{\"results\":{\"columns\":[\"" + TOKEN + "\"],\"rows\":[[1,");
    d1.answer(200, "{\"result\":null,\"success\":false,\"errors\":[{\"code\":7500,\"message\":\"" + echo + "\"}]}");
    d1.answer(new MockResponse.Builder().code(200).body(MockD1.localEnvelope("[]", "[]"))
        .headersDelay(2, TimeUnit.SECONDS).build());
    for (int i = 0; i < 7; i++) {
      failures.add(assertThrows(D1Exception.class, () -> d1.client.execute(MockD1.DB, D1Statement.of("SELECT 1"))));
    }
    d1.answer(404, MockD1.errorEnvelope(7404, echo));
    failures.add(assertThrows(D1Exception.class, () -> d1.client.resolveDatabaseId("shop")));
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    D1Client refused = new D1Client(d1.config().baseUrl("http://127.0.0.1:" + port + "/client/v4").build());
    failures.add(assertThrows(D1Exception.class, () -> refused.execute(MockD1.DB, D1Statement.of("SELECT 1"))));
    assertEquals(9, failures.size());
    for (Throwable t : failures) {
      assertClean(t);
    }
    String first = failures.get(0).getMessage();
    assertTrue(first.startsWith("Invalid token <redacted> (HTTP 401"), first);
  }

  /** OkHttp's or the JDK's exceptions could quote a header; the scrubber rewrites the whole chain. */
  @Test
  void wrappedIoExceptionsAreScrubbed() {
    IOException root = new ConnectException("Authorization: Bearer " + TOKEN);
    IOException middle = new IOException("while calling with " + TOKEN, root);
    middle.addSuppressed(new IOException("route failed: " + TOKEN));
    D1ClientConfig config = d1.config().build();
    ErrorMapper mapper = new ErrorMapper(config, new TokenScrubber(TOKEN), new JsonFactory());
    D1Exception e = mapper.fromIo(middle, 0);
    assertClean(e);
    assertTrue(e.getCause().getMessage().startsWith("java.io.IOException: while calling with <redacted>"),
        e.getCause().getMessage());
    assertTrue(e.getCause().getCause().getMessage().startsWith("java.net.ConnectException: Authorization: Bearer"),
        e.getCause().getCause().getMessage());
    assertEquals(1, e.getCause().getSuppressed().length);
    D1Exception clean = mapper.fromIo(new ConnectException("Connection refused"), 0);
    assertTrue(clean.getCause() instanceof ConnectException, "clean causes are kept as they are");
  }

  /** With every client logger at TRACE, a run of calls and failures logs nothing containing the token. */
  @Test
  void logsNeverMentionTheToken() throws Exception {
    List<Logger> loggers = List.of(LoggerFactory.getLogger(D1Client.class), LoggerFactory.getLogger(RawCursor.class));
    List<Integer> levels = new ArrayList<>();
    for (Logger l : loggers) {
      levels.add(setLevel(l, 0));
    }
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      d1.answer(200, MockD1.localEnvelope("[\"x\"]", "[[1]]"));
      d1.answer(200, "{\"result\":[{\"results\":{\"columns\":[\"a\"],\"rows\":[[1]]},\"success\":true,\"meta\":{}},"
          + "{\"results\":{\"columns\":[\"b\"],\"rows\":[[2]]},\"success\":true,\"meta\":{}}],"
          + "\"success\":true,\"errors\":[],\"messages\":[]}");
      d1.answer(401, MockD1.errorEnvelope(10000, "Authentication error " + TOKEN));
      d1.client.execute(MockD1.DB, D1Statement.of("SELECT 1 AS x"));
      d1.client.execute(MockD1.DB, D1Statement.of("SELECT 1 AS a; SELECT 2 AS b"));
      assertThrows(D1Exception.class, () -> d1.client.execute(MockD1.DB, D1Statement.of("SELECT 1")));
    } finally {
      System.setErr(err);
      for (int i = 0; i < loggers.size(); i++) {
        setLevel(loggers.get(i), levels.get(i));
      }
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertTrue(log.contains("D1 statement answered HTTP 200"), log);
    assertTrue(log.contains("returning the first"), log);
    assertTrue(log.contains("Authentication error <redacted>"), log);
    assertFalse(log.contains(TOKEN), log);
  }

  /** slf4j-simple fixes a logger's level when it is made; tests set it directly so their order does not matter. */
  private static int setLevel(Logger logger, int level) throws ReflectiveOperationException {
    Field f = logger.getClass().getDeclaredField("currentLogLevel");
    f.setAccessible(true);
    int old = f.getInt(logger);
    f.setInt(logger, level);
    return old;
  }
}
