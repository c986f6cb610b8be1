package io.github.calcited1.catalog;

import java.util.Collection;
import java.util.Locale;

/** Names calcite-d1 writes into SQL: the user's table and column names, quoted, and its own aliases next to them. */
public final class D1Names {
  private D1Names() {}

  /**
   * {@code wanted}, or {@code wanted} with the smallest number appended that is not in {@code taken} (lower-cased
   * names, to which the result is added): a generated alias or column never hides one of the user's.
   */
  public static String freeName(String wanted, Collection<String> taken) {
    String name = wanted;
    for (int n = 1; taken.contains(name.toLowerCase(Locale.ROOT)); n++) {
      name = wanted + n;
    }
    taken.add(name.toLowerCase(Locale.ROOT));
    return name;
  }

  /** {@code name} as an SQLite identifier: in double quotes, a double quote inside doubled. */
  public static String quote(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }
}
