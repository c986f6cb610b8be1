package io.github.calcited1.examples;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Runs in a child JVM (so that the model's secrets really come from the environment): connects with
 * {@code args[0]} and runs each further argument as one statement. Prints {@code ROW a|b|c} per row,
 * {@code UPDATED n} per update, {@code ERROR message} for a failed statement (and continues), {@code END} at the end.
 */
public final class ModelRunner {
  private ModelRunner() {
  }

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    try (Connection c = DriverManager.getConnection(args[0])) {
      for (int i = 1; i < args.length; i++) {
        try (Statement s = c.createStatement()) {
          if (s.execute(args[i])) {
            try (ResultSet rs = s.getResultSet()) {
              ResultSetMetaData md = rs.getMetaData();
              while (rs.next()) {
                StringBuilder sb = new StringBuilder("ROW ");
                for (int k = 1; k <= md.getColumnCount(); k++) {
                  if (k > 1) {
                    sb.append('|');
                  }
                  Object v = rs.getObject(k);
                  sb.append(v == null ? "NULL" : v.toString());
                }
                out.println(sb);
              }
            }
          } else {
            out.println("UPDATED " + s.getUpdateCount());
          }
        } catch (SQLException | RuntimeException e) {
          out.println("ERROR " + String.valueOf(e.getMessage()).replace('\n', ' '));
        }
      }
    } catch (SQLException | RuntimeException e) {
      // Calcite reports a schema factory's failure while loading the model as a RuntimeException
      StringBuilder sb = new StringBuilder("ERROR connect:");
      for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
        sb.append(' ').append(String.valueOf(t.getMessage()).replace('\n', ' '));
      }
      out.println(sb);
    }
    out.println("END");
  }
}
