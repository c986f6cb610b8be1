package io.github.calcited1.ddl;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The column list of {@code d1_query}: {@code name type, name type, ...}, each type a SQLite declaration as in a
 * CREATE TABLE ({@code INTEGER}, {@code TEXT}, {@code REAL}, {@code DECIMAL(10, 2)}, {@code DATE}, or none), mapped
 * to a Calcite type as a table column's is (docs/type-mapping.md). A name may be double-quoted.
 */
final class D1QueryColumns {
  /** One declared column; {@code declaredType} is empty for "any type". */
  record Column(String name, String declaredType) {
  }

  private D1QueryColumns() {
  }

  static List<Column> parse(String list) {
    List<Column> columns = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String item : splitTopLevel(list)) {
      String s = item.strip();
      String name;
      String type;
      if (s.startsWith("\"")) {
        int end = 1;
        StringBuilder sb = new StringBuilder();
        while (true) {
          int q = s.indexOf('"', end);
          if (q < 0) {
            throw bad(list, "an unterminated quoted name");
          }
          sb.append(s, end, q);
          if (q + 1 < s.length() && s.charAt(q + 1) == '"') {
            sb.append('"');
            end = q + 2;
            continue;
          }
          end = q + 1;
          break;
        }
        name = sb.toString();
        type = s.substring(end).strip();
      } else {
        String[] parts = s.split("\\s+", 2);
        name = parts[0];
        type = parts.length > 1 ? parts[1].strip() : "";
      }
      if (name.isEmpty()) {
        throw bad(list, "an empty column");
      }
      if (!seen.add(name.toLowerCase(Locale.ROOT))) {
        throw bad(list, "the column " + name + " twice");
      }
      columns.add(new Column(name, type));
    }
    return columns;
  }

  /** Splits at commas outside parentheses ({@code DECIMAL(10, 2)}) and quotes. */
  private static List<String> splitTopLevel(String list) {
    List<String> items = new ArrayList<>();
    int depth = 0;
    boolean quoted = false;
    int start = 0;
    for (int i = 0; i < list.length(); i++) {
      char c = list.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && c == '(') {
        depth++;
      } else if (!quoted && c == ')') {
        depth--;
      } else if (!quoted && depth == 0 && c == ',') {
        items.add(list.substring(start, i));
        start = i + 1;
      }
    }
    items.add(list.substring(start));
    return items;
  }

  private static IllegalArgumentException bad(String list, String problem) {
    return new IllegalArgumentException("d1_query: the column list '" + list + "' has " + problem
        + "; write it as 'name TYPE, name TYPE', e.g. 'id INTEGER, title TEXT, rank REAL'");
  }
}
