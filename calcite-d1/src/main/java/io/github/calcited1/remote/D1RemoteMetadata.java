package io.github.calcited1.remote;

import com.fasterxml.jackson.core.JsonProcessingException;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Set;

/**
 * How a thin client asks {@code calcite-d1 serve} for the {@code DatabaseMetaData} result sets Avatica's protocol
 * has no request for (functions, keys, indexes): as a statement that is only a comment,
 * <pre>/*calcite-d1:metadata getPrimaryKeys [null,"shop","orders"]*&#47;</pre>
 * naming the method and its arguments (JSON, each {@code /} written {@code \/}); the server answers with the result
 * set of its own {@code jdbc:d1:} connection's method.
 */
public final class D1RemoteMetadata {
  static final String PREFIX = "/*calcite-d1:metadata ";
  /** The methods a client may call; all read the catalog only. */
  private static final Set<String> METHODS = Set.of("getFunctions", "getFunctionColumns", "getPrimaryKeys",
      "getImportedKeys", "getExportedKeys", "getCrossReference", "getIndexInfo");

  private final Method method;
  private final Object[] arguments;

  private D1RemoteMetadata(Method method, Object[] arguments) {
    this.method = method;
    this.arguments = arguments;
  }

  /** The statement that asks for {@code method(arguments)}. */
  static String request(String method, Object... arguments) throws SQLException {
    try {
      return PREFIX + method + " " + D1CommentJson.write(arguments) + D1CommentJson.END;
    } catch (JsonProcessingException e) {
      throw new SQLException("cannot write the arguments of " + method, e);
    }
  }

  /** The request {@code sql} is; null when it is none. */
  public static D1RemoteMetadata of(String sql) throws SQLException {
    String s = sql.strip();
    if (!s.startsWith(PREFIX)) {
      return null;
    }
    if (s.endsWith(D1CommentJson.END)) {
      String call = s.substring(PREFIX.length(), s.length() - D1CommentJson.END.length());
      int space = call.indexOf(' ');
      String name = space < 0 ? call : call.substring(0, space);
      try {
        Object[] arguments = space < 0 ? new Object[0] : D1CommentJson.read(call.substring(space + 1), Object[].class);
        if (METHODS.contains(name)) {
          for (Method m : DatabaseMetaData.class.getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == arguments.length) {
              return new D1RemoteMetadata(m, arguments);
            }
          }
        }
      } catch (java.io.IOException e) {
        // reported below
      }
    }
    throw new SQLException("Malformed metadata request: " + s + ". It is " + PREFIX + "METHOD [ARGUMENTS]"
        + D1CommentJson.END + ", METHOD one of " + METHODS + " with its arguments as a JSON array", "42000");
  }

  /** The answer of {@code metaData}. */
  public ResultSet call(DatabaseMetaData metaData) throws SQLException {
    try {
      return (ResultSet) method.invoke(metaData, arguments);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof SQLException sql) {
        throw sql;
      }
      throw new SQLException(method.getName() + " failed: " + e.getCause(), e.getCause());
    } catch (IllegalAccessException | IllegalArgumentException e) {
      throw new SQLException("Bad arguments for " + method.getName() + ": " + Arrays.toString(arguments)
          + "; it takes " + Arrays.toString(method.getParameterTypes()), "42000", e);
    }
  }
}
