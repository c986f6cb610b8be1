package io.github.calcited1.write;

import static io.github.calcited1.catalog.D1Names.quote;

import io.github.calcited1.catalog.D1Catalog;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The generated keys a JDBC statement asked for ({@code RETURN_GENERATED_KEYS}, column names or column indexes) and,
 * once its INSERT ran, the values: D1 sends the INSERT with a {@code RETURNING} clause, in the same request, so the
 * keys are exactly those of the inserted rows (also for a multi-row INSERT, where {@code last_row_id} would name only
 * the last). Only an INSERT sent at once (autocommit) has keys: a buffered one gets its rowids at COMMIT.
 *
 * <p>{@code RETURN_GENERATED_KEYS} returns the table's PRIMARY KEY columns, or its rowid (as {@code rowid}) if it
 * declares none. Integer columns travel as text (D1's JSON would round them past 2^53) and are read back as Long.
 */
public final class D1GeneratedKeys {
  private final List<String> names;
  private final int[] indexes;
  private List<String> columns;
  private List<Boolean> integer;
  private final List<Object[]> rows = new ArrayList<>();

  private D1GeneratedKeys(List<String> names, int[] indexes) {
    this.names = names;
    this.indexes = indexes;
  }

  /** The table's key: its PRIMARY KEY columns, else its rowid. */
  public static D1GeneratedKeys ofKey() {
    return new D1GeneratedKeys(null, null);
  }

  /** The named columns. */
  public static D1GeneratedKeys ofNames(String[] names) {
    return new D1GeneratedKeys(List.of(names), null);
  }

  /** The columns at these 1-based positions of the table. */
  public static D1GeneratedKeys ofIndexes(int[] indexes) {
    return new D1GeneratedKeys(null, indexes.clone());
  }

  /** The RETURNING clause (without the keyword) for an INSERT into {@code table}; fixes the result's columns. */
  String returning(D1Catalog.Table table) throws SQLException {
    List<String> cols = new ArrayList<>();
    List<Boolean> ints = new ArrayList<>();
    if (names != null) {
      for (String n : names) {
        D1Catalog.Column c = table.columns().stream().filter(x -> x.name().equalsIgnoreCase(n)).findFirst()
            .orElseThrow(() -> new SQLException("Generated key column '" + n + "' is not a column of D1 table '"
                + table.name() + "' " + columnNames(table) + "; name one of its columns", "42S22"));
        cols.add(c.name());
        ints.add(isInteger(c));
      }
    } else if (indexes != null) {
      for (int i : indexes) {
        if (i < 1 || i > table.columns().size()) {
          throw new SQLException("Generated key column index " + i + " is out of range: D1 table '" + table.name()
              + "' has " + table.columns().size() + " columns " + columnNames(table), "42S22");
        }
        D1Catalog.Column c = table.columns().get(i - 1);
        cols.add(c.name());
        ints.add(isInteger(c));
      }
    } else {
      table.columns().stream().filter(D1Catalog.Column::isPrimaryKey)
          .sorted(java.util.Comparator.comparingInt(D1Catalog.Column::primaryKeyPosition))
          .forEach(c -> {
            cols.add(c.name());
            ints.add(isInteger(c));
          });
      if (cols.isEmpty()) {
        cols.add(table.rowidName().orElseThrow(() -> new SQLException("D1 table '" + table.name() + "' has neither"
            + " a PRIMARY KEY nor a rowid, so it has no generated key; name the columns to return instead", "0A000")));
        ints.add(true);
      }
    }
    if (columns != null && !columns.equals(cols)) {
      throw new SQLException("Generated keys were asked for an INSERT that writes several tables; ask for them"
          + " one INSERT at a time", "0A000");
    }
    columns = cols;
    integer = ints;
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cols.size(); i++) {
      String q = quote(cols.get(i));
      sb.append(i > 0 ? ", " : "").append(ints.get(i) ? "CAST(" + q + " AS TEXT) AS " + q : q);
    }
    return sb.toString();
  }

  private static String columnNames(D1Catalog.Table table) {
    return table.columns().stream().map(D1Catalog.Column::name).toList().toString();
  }

  /** INTEGER affinity (SQLite's rule 1: the declared type contains INT). */
  private static boolean isInteger(D1Catalog.Column c) {
    return c.declaredType().toUpperCase(Locale.ROOT).contains("INT");
  }

  /** Adds the rows D1 returned for one statement. */
  void add(List<Object[]> returned) {
    for (Object[] r : returned) {
      Object[] row = r.clone();
      for (int i = 0; i < row.length && i < integer.size(); i++) {
        if (integer.get(i) && row[i] instanceof String s) {
          try {
            row[i] = Long.parseLong(s);
          } catch (NumberFormatException e) {
            // SQLite is dynamically typed: a non-integer value in an INTEGER column stays as it is
          }
        }
      }
      rows.add(row);
    }
  }

  /** The result's column names; empty when no INSERT ran with keys (buffered, or no row). */
  public List<String> columns() {
    return columns == null ? List.of() : columns;
  }

  /** The key rows, in the order D1 returned them. */
  public List<Object[]> rows() {
    return Collections.unmodifiableList(rows);
  }
}
