package io.github.calcited1.local.conformance;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The reference D1 server: {@code d1-local/conformance/launch.mjs}, i.e. Cloudflare's own D1 code (Miniflare,
 * workerd, the D1 Worker binding) behind an imitation of D1's REST envelope, on a loopback port.
 *
 * <p>Installs the npm packages with {@code npm ci} when {@code node_modules} is missing. Fails (never skips) when
 * {@code node} or {@code npm} cannot be run.
 */
final class ReferenceServer implements AutoCloseable {
  static final String TOKEN = "t";
  private static final long START_TIMEOUT_SECONDS = 90;
  private static final long NPM_CI_TIMEOUT_SECONDS = 600;

  private final Process process;
  private final String baseUrl;
  private final StringBuffer log = new StringBuffer();

  private ReferenceServer(Process process, String baseUrl) {
    this.process = process;
    this.baseUrl = baseUrl;
  }

  /** Base URL, {@code http://127.0.0.1:PORT/client/v4}. */
  String baseUrl() {
    return baseUrl;
  }

  /** Id of the i-th independent database (a fresh D1 database, never shared with another corpus file). */
  static String databaseId(int i) {
    return "ref-" + i;
  }

  static ReferenceServer start(Path conformanceDir, int databases) throws IOException, InterruptedException {
    String node = version("node");
    String npm = version("npm");
    if (!Files.isDirectory(conformanceDir.resolve("node_modules/miniflare"))) {
      runNpmCi(conformanceDir);
    }
    int port = freePort();
    ProcessBuilder pb = new ProcessBuilder("node", "launch.mjs", "--port", Integer.toString(port),
        "--token", TOKEN, "--databases", Integer.toString(databases))
        .directory(conformanceDir.toFile())
        .redirectErrorStream(true);
    Process p = pb.start();
    StringBuffer log = new StringBuffer();
    CompletableFuture<String> ready = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
          StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.startsWith("D1REF READY ")) {
            ready.complete(line.split(" ")[2]);
          } else if (log.length() < 200_000) {
            log.append(line).append('\n');
          }
        }
      } catch (IOException e) {
        // process ended
      } finally {
        ready.completeExceptionally(new IOException("reference server exited before it was ready"));
      }
    }, "d1-reference-output");
    reader.setDaemon(true);
    reader.start();
    String base;
    try {
      base = ready.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      stop(p);
      throw new IllegalStateException("The reference D1 server (node launch.mjs, " + node + ", npm " + npm
          + ") did not start within " + START_TIMEOUT_SECONDS + " s: " + e.getMessage() + "\n--- its output ---\n"
          + log, e);
    }
    ReferenceServer s = new ReferenceServer(p, base);
    s.log.append(log);
    return s;
  }

  private static String version(String tool) throws InterruptedException {
    try {
      Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(tool + " --version failed: " + out);
      }
      return tool + " " + out.lines().reduce((a, b) -> b).orElse("");
    } catch (IOException e) {
      throw new IllegalStateException("The d1-local conformance test needs Node.js (node) and npm on the PATH to run"
          + " Cloudflare's own D1 code (Miniflare) as the reference; '" + tool + "' could not be started: "
          + e.getMessage(), e);
    }
  }

  private static void runNpmCi(Path dir) throws IOException, InterruptedException {
    Path logFile = Files.createTempFile("d1-conformance-npm-ci", ".log");
    Process p = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(logFile.toFile())
        .start();
    p.getOutputStream().close();
    boolean done = p.waitFor(NPM_CI_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (!done) {
      stop(p);
    }
    if (!done || p.exitValue() != 0) {
      throw new IllegalStateException("'npm ci' in " + dir + " failed (" + (done ? "exit " + p.exitValue()
          : "timed out") + "):\n" + Files.readString(logFile));
    }
    Files.deleteIfExists(logFile);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  String log() {
    return log.toString();
  }

  @Override
  public void close() {
    stop(process);
  }

  /** Stops node and its workerd child: stdin EOF and SIGTERM first (launch.mjs disposes workerd), then SIGKILL. */
  private static void stop(Process p) {
    List<ProcessHandle> children = new ArrayList<>();
    p.descendants().forEach(children::add);
    try {
      p.getOutputStream().close();
    } catch (IOException e) {
      // ignore
    }
    p.destroy();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    for (ProcessHandle c : children) {
      if (c.isAlive()) {
        c.destroyForcibly();
      }
    }
    closeQuietly(p.getInputStream());
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // ignore
    }
  }
}
