package io.github.calcited1.local.conformance;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;

/**
 * A d1-local server under test, one per corpus file (fresh data directory, so every file starts from an empty
 * database, like the reference side).
 *
 * <p>Uses {@code D1LocalServer.builder().port(0).dataDir(dir).token(t).database("conf").build().start()},
 * {@code baseUrl()}, {@code databaseId("conf")} and {@code close()}. They are called reflectively so that this
 * test keeps compiling while d1-local's API is still being written; a missing class or method fails the test
 * with a clear message instead of breaking the module's compilation.
 */
final class LocalServer implements AutoCloseable {
  static final String CLASS_NAME = "io.github.calcited1.local.D1LocalServer";
  static final String DATABASE = "conf";

  private final Object server;
  private final String baseUrl;
  private final String databaseId;

  private LocalServer(Object server, String baseUrl, String databaseId) {
    this.server = server;
    this.baseUrl = baseUrl;
    this.databaseId = databaseId;
  }

  static LocalServer start(Path dataDir, String token) throws Exception {
    Class<?> cls;
    try {
      cls = Class.forName(CLASS_NAME);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(CLASS_NAME + " does not exist (yet): d1-local has no server to compare", e);
    }
    try {
      Object b = cls.getMethod("builder").invoke(null);
      b = call(b, "port", 0);
      b = call(b, "dataDir", dataDir);
      b = call(b, "token", token);
      b = call(b, "database", DATABASE);
      Object built = call(b, "build");
      Object started = call(built, "start");
      Object server = started != null && cls.isInstance(started) ? started : built;
      String base = String.valueOf(call(server, "baseUrl"));
      String id = String.valueOf(call(server, "databaseId", DATABASE));
      return new LocalServer(server, base, id);
    } catch (InvocationTargetException e) {
      Throwable t = e.getCause();
      if (t instanceof Exception) {
        throw (Exception) t;
      }
      throw e;
    }
  }

  /** Calls the one-argument (or no-argument) public method {@code name}, adapting Path/File and int/long. */
  private static Object call(Object target, String name, Object... args) throws Exception {
    for (Method m : target.getClass().getMethods()) {
      if (!m.getName().equals(name) || m.getParameterCount() != args.length) {
        continue;
      }
      Object[] actual = new Object[args.length];
      boolean ok = true;
      for (int i = 0; i < args.length && ok; i++) {
        Class<?> p = m.getParameterTypes()[i];
        Object a = args[i];
        if (a instanceof Path && p == File.class) {
          actual[i] = ((Path) a).toFile();
        } else if (a instanceof Path && p == String.class) {
          actual[i] = a.toString();
        } else if (a instanceof Integer && (p == long.class || p == Long.class)) {
          actual[i] = ((Integer) a).longValue();
        } else if (a instanceof Integer && (p == int.class || p == Integer.class)) {
          actual[i] = a;
        } else if (p.isInstance(a)) {
          actual[i] = a;
        } else {
          ok = false;
        }
      }
      if (ok) {
        m.setAccessible(true);
        return m.invoke(target, actual);
      }
    }
    throw new IllegalStateException(target.getClass().getName() + " has no usable public method " + name + "("
        + args.length + " args) for the conformance test");
  }

  String baseUrl() {
    return baseUrl;
  }

  String databaseId() {
    return databaseId;
  }

  @Override
  public void close() {
    try {
      call(server, "close");
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("D1LocalServer.close() failed", e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException("D1LocalServer.close() failed", e);
    }
  }
}
