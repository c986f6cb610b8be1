package io.github.calcited1.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar d1-local.jar --port N --data DIR --token T [--database NAME]... [--database NAME=PATH]}.
 * The token may come from the environment variable {@code D1_LOCAL_TOKEN} instead; it is never
 * printed.
 */
public final class D1LocalMain {
  static final String USAGE = String.join("\n",
      "usage: java -jar d1-local.jar --port N --data DIR --token T --database NAME [--database NAME=PATH]...",
      "  --port N                 port on 127.0.0.1 (0 picks a free one)",
      "  --data DIR               directory for NAME.sqlite files (created if missing)",
      "  --token T                bearer token clients must send (or set D1_LOCAL_TOKEN)",
      "  --database NAME          serve DIR/NAME.sqlite, created if missing (repeatable)",
      "  --database NAME=PATH     serve an existing SQLite file, e.g. from .wrangler/state/v3/d1/");

  private D1LocalMain() {}

  public static void main(String[] args) throws InterruptedException {
    D1LocalServer server;
    try {
      server = parse(args, System.getenv("D1_LOCAL_TOKEN")).build().start();
    } catch (UsageException e) {
      System.err.println("d1-local: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    } catch (RuntimeException e) {
      System.err.println("d1-local: " + e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "d1-local-shutdown"));
    System.out.println("d1-local listening on " + server.baseUrl());
    System.out.flush();
    stopped.await();
  }

  /** A command line that cannot be run; the message says what to change. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  static D1LocalServer.Builder parse(String[] args, String tokenFromEnvironment) throws UsageException {
    Integer port = null;
    Path data = null;
    String token = null;
    List<String> databases = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String option = args[i];
      if (option.equals("--help") || option.equals("-h")) {
        throw new UsageException("help requested");
      }
      if (!List.of("--port", "--data", "--token", "--database").contains(option)) {
        throw new UsageException("unknown option '" + option + "'");
      }
      if (i + 1 >= args.length) {
        throw new UsageException(option + " needs a value");
      }
      String value = args[++i];
      switch (option) {
        case "--port":
          try {
            port = Integer.parseInt(value);
          } catch (NumberFormatException e) {
            throw new UsageException("--port needs a number 0..65535, got '" + value + "'");
          }
          break;
        case "--data":
          data = Path.of(value);
          break;
        case "--token":
          token = value;
          break;
        default:
          databases.add(value);
      }
    }
    if (port == null) {
      throw new UsageException("--port is required (0 picks a free port)");
    }
    if (token == null) {
      token = tokenFromEnvironment;
    }
    if (token == null || token.isBlank()) {
      throw new UsageException("a token is required: --token T or the environment variable D1_LOCAL_TOKEN");
    }
    if (databases.isEmpty()) {
      throw new UsageException("no database to serve: add --database NAME");
    }
    D1LocalServer.Builder builder = D1LocalServer.builder().token(token);
    try {
      builder.port(port);
      if (data != null) {
        builder.dataDir(data);
      }
      for (String database : databases) {
        int equals = database.indexOf('=');
        if (equals < 0) {
          if (data == null) {
            throw new UsageException(
                "--database " + database + " needs --data DIR to create " + database + ".sqlite in");
          }
          builder.database(database);
        } else {
          builder.database(database.substring(0, equals), Path.of(database.substring(equals + 1)));
        }
      }
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    return builder;
  }
}
