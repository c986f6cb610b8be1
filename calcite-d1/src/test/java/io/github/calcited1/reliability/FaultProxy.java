package io.github.calcited1.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * A MockWebServer in front of d1-local that forwards every request (so writes really land in the SQLite file) and
 * can spoil the answer in ways d1-local cannot: a 200 whose body is not JSON, or whose JSON is cut short inside a
 * complete HTTP response. It can also start late, on a port chosen up front, to play "connection refused, then up".
 */
public final class FaultProxy implements AutoCloseable {
  /** What to do to the answer of one request. */
  public enum Spoil {
    /** HTTP 200 with a body that is not D1's JSON (after forwarding: the request ran). */
    MALFORMED_JSON,
    /** HTTP 200, complete framing, the JSON cut in the middle (after forwarding: the request ran). */
    TRUNCATED_JSON,
    /** HTTP 200 with D1's error envelope ({@code "success": false}) instead of results (after forwarding). */
    ERROR_ENVELOPE,
    /** Forwards with another API token, so d1-local itself answers 401 (the request does not run). */
    WRONG_TOKEN
  }

  private final String target;
  private final MockWebServer server = new MockWebServer();
  private final OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(30))
      .retryOnConnectionFailure(false).build();
  private final Deque<Spoil> spoils = new ArrayDeque<>();
  final AtomicInteger forwarded = new AtomicInteger();
  private final boolean closeConnections;

  /**
   * @param target d1-local's base URL, e.g. {@code http://127.0.0.1:1234/client/v4}
   * @param closeConnections answer with {@code Connection: close}, so that no client keeps a connection to this
   *     proxy (when it stops, a client then meets a refused connection, not a stale pooled one)
   */
  public FaultProxy(String target, boolean closeConnections) {
    this.target = target.replaceAll("/client/v4$", "");
    this.closeConnections = closeConnections;
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return forward(request);
      }
    });
  }

  public void start() {
    start(0);
  }

  void start(int port) {
    try {
      server.start(InetAddress.getLoopbackAddress(), port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getPort() + "/client/v4";
  }

  /** Spoils queued and not yet played. */
  public synchronized int pending() {
    return spoils.size();
  }

  public synchronized void next(Spoil spoil) {
    spoils.add(spoil);
  }

  private synchronized Spoil take() {
    return spoils.poll();
  }

  private MockResponse forward(RecordedRequest in) {
    forwarded.incrementAndGet();
    Request.Builder out = new Request.Builder().url(target + in.getTarget());
    Spoil spoil = take();
    String auth = spoil == Spoil.WRONG_TOKEN ? "Bearer revoked-token" : in.getHeaders().get("Authorization");
    if (auth != null) {
      out.header("Authorization", auth);
    }
    if (in.getMethod().equals("POST")) {
      out.post(RequestBody.create(in.getBody() == null ? new byte[0] : in.getBody().toByteArray(),
          MediaType.get("application/json")));
    }
    String body;
    int code;
    try (Response r = http.newCall(out.build()).execute()) {
      code = r.code();
      body = r.body().string();
    } catch (IOException e) {
      return new MockResponse.Builder().code(502).body("proxy: " + e).build();
    }
    if (spoil == Spoil.ERROR_ENVELOPE) {
      body = "{\"result\":[],\"success\":false,\"errors\":[{\"code\":7500,\"message\":\"internal error\"}],"
          + "\"messages\":[]}";
    } else if (spoil == Spoil.MALFORMED_JSON) {
      body = "<html><body>502 Bad Gateway</body></html>";
    } else if (spoil == Spoil.TRUNCATED_JSON) {
      body = body.substring(0, body.length() / 2);
    }
    MockResponse.Builder answer = new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json")
        .body(body);
    if (closeConnections) {
      answer.addHeader("Connection", "close");
    }
    return answer.build();
  }

  @Override
  public void close() {
    server.close();
  }
}
