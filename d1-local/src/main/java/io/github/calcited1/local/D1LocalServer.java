package io.github.calcited1.local;

import com.sun.net.httpserver.HttpServer;
import io.github.calcited1.local.http.D1ApiHandler;
import io.github.calcited1.local.sql.D1Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import io.github.calcited1.local.fault.FaultHooks;

/**
 * d1-local: Cloudflare D1's REST API over local SQLite files, on 127.0.0.1.
 *
 * <pre>{@code
 * try (D1LocalServer server = D1LocalServer.builder()
 *     .dataDir(dir).token("secret").database("shop").build().start()) {
 *   String url = server.baseUrl() + "/accounts/any/d1/database/" + server.databaseId("shop") + "/query";
 * }
 * }</pre>
 */
public final class D1LocalServer implements AutoCloseable {
  private static final int RECORDED_REQUESTS_KEPT = 1000;
  private static final int WORKER_THREADS = 16;

  private final int requestedPort;
  private final String token;
  private final Map<String, D1Database> databases;
  private final FaultHooks faults = new FaultHooks();
  private final AtomicLong requestCount = new AtomicLong();
  private final Deque<RecordedRequest> recorded = new ArrayDeque<>();
  private HttpServer http;
  private ExecutorService workers;

  private D1LocalServer(int requestedPort, String token, Map<String, D1Database> databases) {
    this.requestedPort = requestedPort;
    this.token = token;
    this.databases = databases;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Binds 127.0.0.1 and starts answering; returns this server. */
  public synchronized D1LocalServer start() {
    if (http != null) {
      throw new IllegalStateException("d1-local is already started on " + baseUrl());
    }
    AtomicInteger threadNumber = new AtomicInteger();
    workers = new ThreadPoolExecutor(WORKER_THREADS, WORKER_THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        task -> {
          Thread thread = new Thread(task, "d1-local-" + threadNumber.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    // The JDK's HttpServer leaves Nagle's algorithm on, and it writes a response's headers and body separately: the
    // body then waits for the client's delayed ACK, about 40 ms per request on Linux loopback (measured by
    // benchmarks/: a point query took 45 ms instead of 1 ms). The property is read once per JVM, when the first
    // HttpServer is created; an explicit setting by the application wins.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    try {
      http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), requestedPort), 128);
    } catch (IOException e) {
      workers.shutdownNow();
      throw new UncheckedIOException("d1-local cannot listen on 127.0.0.1:" + requestedPort
          + " (is the port in use? use port 0 for a free one)", e);
    }
    http.setExecutor(workers);
    http.createContext("/", new D1ApiHandler(token, new ArrayList<>(databases.values()), faults, this::received));
    http.start();
    return this;
  }

  private void received(String method, String pathAndQuery, byte[] body) {
    requestCount.incrementAndGet();
    synchronized (recorded) {
      if (recorded.size() == RECORDED_REQUESTS_KEPT) {
        recorded.removeFirst();
      }
      recorded.addLast(new RecordedRequest(method, pathAndQuery, new String(body, StandardCharsets.UTF_8)));
    }
  }

  /** {@code http://127.0.0.1:PORT/client/v4}, the base URL a D1 client is given. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port() + D1ApiHandler.BASE_PATH;
  }

  /** The port listened on (the chosen one when built with port 0). */
  public int port() {
    if (http == null) {
      throw new IllegalStateException("d1-local is not started: call start() first");
    }
    return http.getAddress().getPort();
  }

  /** The UUID that stands for the named database in URLs. */
  public String databaseId(String name) {
    return database(name).id().toString();
  }

  /** The SQLite file behind the named database. */
  public Path databaseFile(String name) {
    return database(name).file();
  }

  private D1Database database(String name) {
    D1Database database = databases.get(name);
    if (database == null) {
      throw new IllegalArgumentException("d1-local serves no database named '" + name + "'; it serves "
          + databases.keySet());
    }
    return database;
  }

  /** Requests received so far, all routes and outcomes (401s and faults included). */
  public long requestCount() {
    return requestCount.get();
  }

  /** The most recent requests (up to 1000), oldest first. */
  public List<RecordedRequest> recordedRequests() {
    synchronized (recorded) {
      return List.copyOf(recorded);
    }
  }

  public void clearRecordedRequests() {
    synchronized (recorded) {
      recorded.clear();
    }
  }

  /** The fault queue of this server; see {@link FaultHooks}. */
  public FaultHooks faults() {
    return faults;
  }

  /** Stops listening and closes the databases. */
  @Override
  public synchronized void close() {
    if (http != null) {
      http.stop(0);
      workers.shutdownNow();
    }
    for (D1Database database : databases.values()) {
      try {
        database.close();
      } catch (SQLException e) {
        System.err.println("d1-local: could not close database " + database.name() + ": " + e.getMessage());
      }
    }
  }

  @Override
  public String toString() {
    return "D1LocalServer[" + (http == null ? "not started" : baseUrl()) + ", databases=" + databases.keySet() + "]";
  }

  /** Configures a server. The token is required; databases named without a path need dataDir. */
  public static final class Builder {
    // D1's own rule for database names: letters, digits, dashes and underscores.
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private int port;
    private Path dataDir;
    private String token;
    private final Map<String, Path> existingFiles = new LinkedHashMap<>();

    private Builder() {}

    /** The port to listen on; 0 (the default) picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0..65535, got " + port);
      }
      this.port = port;
      return this;
    }

    /** The directory where {@code NAME.sqlite} files live (created if missing). */
    public Builder dataDir(Path dataDir) {
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
      return this;
    }

    /** The bearer token every request must carry. */
    public Builder token(String token) {
      if (token == null || token.isBlank()) {
        throw new IllegalArgumentException("the token must not be empty");
      }
      this.token = token;
      return this;
    }

    /** Serves {@code dataDir/NAME.sqlite}, creating it if missing. */
    public Builder database(String name) {
      return add(name, null);
    }

    /** Serves an existing SQLite file (e.g. one under wrangler's .wrangler/state/v3/d1/) as NAME. */
    public Builder database(String name, Path existingFile) {
      return add(name, Objects.requireNonNull(existingFile, "existingFile"));
    }

    private Builder add(String name, Path file) {
      if (name == null || !NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("a database name is 1-64 letters, digits, '-' or '_', got '" + name + "'");
      }
      if (existingFiles.containsKey(name)) {
        throw new IllegalArgumentException("database '" + name + "' is configured twice");
      }
      existingFiles.put(name, file);
      return this;
    }

    /** Opens (creating where needed) every database; call {@link D1LocalServer#start()} next. */
    public D1LocalServer build() {
      if (token == null) {
        throw new IllegalStateException("a token is required: call token(...)");
      }
      Map<String, D1Database> opened = new LinkedHashMap<>();
      try {
        for (Map.Entry<String, Path> entry : existingFiles.entrySet()) {
          Path file = entry.getValue() != null ? existingFile(entry.getValue()) : newFile(entry.getKey());
          UUID id = UUID.nameUUIDFromBytes(("d1-local:" + entry.getKey()).getBytes(StandardCharsets.UTF_8));
          opened.put(entry.getKey(), D1Database.open(entry.getKey(), id, file));
        }
      } catch (SQLException e) {
        closeAll(opened);
        throw new IllegalStateException("d1-local cannot open a database: " + e.getMessage(), e);
      } catch (RuntimeException e) {
        closeAll(opened);
        throw e;
      }
      return new D1LocalServer(port, token, opened);
    }

    private static Path existingFile(Path file) {
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("no SQLite file at " + file.toAbsolutePath()
            + "; use database(name) to create a new one in dataDir");
      }
      return file;
    }

    private Path newFile(String name) {
      if (dataDir == null) {
        throw new IllegalStateException("database '" + name + "' needs dataDir(...) to know where "
            + name + ".sqlite lives");
      }
      try {
        Files.createDirectories(dataDir);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the data directory " + dataDir.toAbsolutePath(), e);
      }
      return dataDir.resolve(name + ".sqlite");
    }

    private static void closeAll(Map<String, D1Database> opened) {
      for (D1Database database : opened.values()) {
        try {
          database.close();
        } catch (SQLException ignored) {
          // already failing; the first error is the one to report
        }
      }
    }

    @Override
    public String toString() {
      return "D1LocalServer.Builder[port=" + port + ", dataDir=" + dataDir + ", databases=" + existingFiles.keySet()
          + "]";
    }
  }
}
