package io.github.calcited1.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.MediaType;
import io.github.calcited1.client.NoDelaySocketFactory;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * A loopback reverse proxy in front of d1-local that (1) counts requests, response bytes and the rows of every
 * {@code /raw} response it passes on ("rows transferred"), (2) when caching is on, answers a {@code /raw} request it
 * has seen before from memory, byte for byte, and (3) when given a delay, holds every request that long before
 * passing it on: a simulated network round trip. The cache takes d1-local's SQLite work out of the scan comparison,
 * so that both sides (calcite-d1 and the hand-written parser) read the very same response bytes with almost no server
 * cost.
 */
final class CachingProxy implements AutoCloseable {
  private static final class Cached {
    final byte[] body;
    final long rows;

    Cached(byte[] body, long rows) {
      this.body = body;
      this.rows = rows;
    }
  }

  private final String upstream;
  private final OkHttpClient http = new OkHttpClient.Builder().readTimeout(120, TimeUnit.SECONDS)
      .socketFactory(NoDelaySocketFactory.INSTANCE).build(); // a proxy adds no delayed-ACK wait of its own
  private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong rows = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();
  private final AtomicLong responseBytes = new AtomicLong();
  private final HttpServer server;
  private final ExecutorService executor;
  private volatile boolean caching;
  private volatile long delayMillis;

  /** {@code upstreamOrigin} is {@code http://127.0.0.1:PORT}. */
  CachingProxy(String upstreamOrigin) throws IOException {
    this(upstreamOrigin, 4);
  }

  /** A proxy that handles up to {@code threads} requests at the same time (each waits its delay on its thread). */
  CachingProxy(String upstreamOrigin, int threads) throws IOException {
    this.upstream = upstreamOrigin;
    this.executor = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "bench-proxy");
      t.setDaemon(true);
      return t;
    });
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The proxy's base URL in the form d1-local gives ({@code http://127.0.0.1:PORT/client/v4}). */
  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/client/v4";
  }

  void caching(boolean on) {
    caching = on;
  }

  /** Every request waits this long before it is passed on (a round trip of a simulated network). */
  void delay(long millis) {
    delayMillis = millis;
  }

  /** Bytes of the response bodies passed back so far. */
  long responseBytes() {
    return responseBytes.get();
  }

  long requests() {
    return requests.get();
  }

  long rows() {
    return rows.get();
  }

  long misses() {
    return misses.get();
  }

  long cachedBytes() {
    return cache.values().stream().mapToLong(c -> c.body.length).sum();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String path = exchange.getRequestURI().toString();
      String method = exchange.getRequestMethod();
      requests.incrementAndGet();
      if (delayMillis > 0) {
        try {
          Thread.sleep(delayMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while delaying a request", e);
        }
      }
      boolean raw = method.equals("POST") && path.endsWith("/raw");
      String key = raw ? path + "\n" + new String(body, StandardCharsets.UTF_8) : null;
      Cached hit = raw && caching ? cache.get(key) : null;
      int code = 200;
      byte[] answer;
      if (hit != null) {
        answer = hit.body;
        rows.addAndGet(hit.rows);
      } else {
        misses.incrementAndGet();
        Request.Builder rb = new Request.Builder().url(upstream + path);
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        if (auth != null) {
          rb.header("Authorization", auth);
        }
        if (method.equals("POST")) {
          rb.post(RequestBody.create(body, MediaType.get("application/json; charset=utf-8")));
        } else {
          rb.method(method, null);
        }
        try (Response r = http.newCall(rb.build()).execute()) {
          code = r.code();
          answer = r.body().bytes();
        }
        if (raw && code == 200) {
          long n;
          try {
            n = Wire.parseRows(answer, Wire.DISCARD);
          } catch (IOException e) {
            n = 0;
          }
          rows.addAndGet(n);
          if (caching) {
            cache.put(key, new Cached(answer, n));
          }
        }
      }
      responseBytes.addAndGet(answer.length);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(code, answer.length == 0 ? -1 : answer.length);
      if (answer.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(answer);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
