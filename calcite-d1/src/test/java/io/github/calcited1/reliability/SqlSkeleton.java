package io.github.calcited1.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.calcited1.local.RecordedRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads SQL the way SQLite's tokenizer does, to prove that no user value or identifier changed the SQL sent: every
 * string literal ({@code '...'} with {@code ''}), quoted identifier ({@code "..."}, {@code `...`}, {@code [...]}) is
 * replaced by a placeholder, and what is left (the skeleton) is what SQLite executes as code.
 *
 * <p>Deliberately independent of {@code client/ReadOnlySql.codeOnly}, the driver's own quote scanner: this is the
 * test's oracle for "no user text escaped quoting", so reusing the code under test would let a scanning bug in it hide
 * its own injection. It also differs on purpose: quoted parts become visible placeholders, and comments are kept (the
 * caller fails on any {@code --} or {@code /*} left outside quotes, which {@code codeOnly} would erase).
 */
final class SqlSkeleton {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SqlSkeleton() {}

  /** The SQL with literals replaced by {@code 'L'}, quoted identifiers by {@code "I"}. */
  static String of(String sql) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (c == '\'' || c == '"' || c == '`') {
        int j = i + 1;
        while (true) {
          if (j >= n) {
            throw new IllegalArgumentException("unterminated " + c + " at " + i + " in: " + sql);
          }
          if (sql.charAt(j) == c) {
            if (j + 1 < n && sql.charAt(j + 1) == c) {
              j += 2;
              continue;
            }
            break;
          }
          j++;
        }
        out.append(c == '\'' ? "'L'" : "\"I\"");
        i = j + 1;
      } else if (c == '[') {
        int j = sql.indexOf(']', i + 1);
        if (j < 0) {
          throw new IllegalArgumentException("unterminated [ at " + i + " in: " + sql);
        }
        out.append("\"I\"");
        i = j + 1;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  /** Every SQL text of the recorded {@code /raw} and {@code /query} requests (batch entries included). */
  static List<String> sqlOf(List<RecordedRequest> requests) throws Exception {
    List<String> sqls = new ArrayList<>();
    for (RecordedRequest r : requests) {
      if (!r.method().equals("POST") || r.body().isEmpty()) {
        continue;
      }
      JsonNode body = JSON.readTree(r.body());
      if (body.has("batch")) {
        for (JsonNode s : body.get("batch")) {
          sqls.add(s.get("sql").asText());
        }
      } else if (body.has("sql")) {
        sqls.add(body.get("sql").asText());
      }
    }
    return sqls;
  }
}
