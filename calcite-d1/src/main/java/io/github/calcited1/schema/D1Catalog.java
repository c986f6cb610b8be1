package io.github.calcited1.schema;

import io.github.calcited1.client.D1Client;
import io.github.calcited1.client.D1Exception;
import io.github.calcited1.client.D1Result;
import io.github.calcited1.client.D1Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The tables and views of one D1 database, with their columns, as D1's introspection PRAGMAs describe them.
 *
 * <p>D1 refuses {@code pragma_table_xinfo(name)} joins, so a catalog cannot come from one statement. A cold load
 * costs two requests: {@code PRAGMA table_list}, then one batch with a {@code PRAGMA table_xinfo} per table.
 * A reload (TTL expiry or {@link D1Schema#refreshCatalog()}) guesses that the tables are the ones it knew and sends
 * the list and those descriptions in <em>one</em> batch; only when the list has changed does it need a second,
 * for the new descriptions.
 *
 * <p>Internal tables are hidden: {@code _cf_*} (D1's own, unreadable) and {@code sqlite_*}.
 */
public final class D1Catalog {
  /** A column as {@code PRAGMA table_xinfo} reports it. */
  public record Column(String name, String declaredType, boolean notNull, int primaryKeyPosition,
      boolean generated, String defaultValue, String collation) {
    /** A column of the default collation, BINARY. */
    public Column(String name, String declaredType, boolean notNull, int primaryKeyPosition, boolean generated,
        String defaultValue) {
      this(name, declaredType, notNull, primaryKeyPosition, generated, defaultValue, BINARY);
    }

    /** Whether this column is part of the primary key. */
    public boolean isPrimaryKey() {
      return primaryKeyPosition > 0;
    }

    /**
     * Whether SQLite compares this column's text as Calcite does (byte order, exact equality): its declared
     * collation is BINARY. Columns of views are never known to be (a view's column takes the collation of the
     * column it selects), so {@link #UNKNOWN} is not BINARY.
     */
    public boolean isBinary() {
      return BINARY.equalsIgnoreCase(collation);
    }
  }

  /** SQLite's default collation. */
  public static final String BINARY = "BINARY";
  /** The collation of a column whose definition could not be read (view columns). */
  public static final String UNKNOWN = "?";

  /**
   * A table or view. {@code kind} is {@code table}, {@code view} or {@code virtual}; {@code descendingPrimaryKey}:
   * a column is declared {@code PRIMARY KEY DESC} (see {@link #rowidAlias()}).
   */
  public record Table(String name, String kind, boolean withoutRowid, List<Column> columns,
      boolean descendingPrimaryKey) {
    public boolean isView() {
      return "view".equals(kind);
    }

    /** Whether some column is not known to have the BINARY collation (NOCASE, RTRIM, or a view's column). */
    public boolean hasNonBinaryColumn() {
      return columns.stream().anyMatch(c -> !c.isBinary());
    }

    /**
     * The name under which SQLite exposes this table's rowid, usable for keyset paging; empty for views,
     * virtual and WITHOUT ROWID tables, or when real columns shadow all three of SQLite's rowid names.
     */
    public Optional<String> rowidName() {
      if (!"table".equals(kind) || withoutRowid) {
        return Optional.empty();
      }
      for (String candidate : List.of("rowid", "_rowid_", "oid")) {
        if (columns.stream().noneMatch(c -> c.name().equalsIgnoreCase(candidate))) {
          return Optional.of(candidate);
        }
      }
      // All three names are real columns; an INTEGER PRIMARY KEY is still an alias of the rowid.
      return rowidAlias();
    }

    /**
     * The column that is another name for the rowid: the {@code INTEGER PRIMARY KEY} of a rowid table (declared type
     * exactly INTEGER, the whole primary key, not {@code PRIMARY KEY DESC} in its definition).
     */
    public Optional<String> rowidAlias() {
      if (!"table".equals(kind) || withoutRowid || descendingPrimaryKey) {
        return Optional.empty();
      }
      List<Column> pk = columns.stream().filter(Column::isPrimaryKey).toList();
      if (pk.size() == 1 && pk.get(0).declaredType().equalsIgnoreCase("INTEGER")) {
        return Optional.of(pk.get(0).name());
      }
      return Optional.empty();
    }
  }

  private final Map<String, Table> tables;

  private D1Catalog(Map<String, Table> tables) {
    this.tables = Collections.unmodifiableMap(tables);
  }

  /** Tables and views by name, in D1's order. */
  public Map<String, Table> tables() {
    return tables;
  }

  /**
   * Reads the catalog of a database.
   *
   * @param previous the catalog read last time, whose table list is tried first; null on a cold load
   */
  public static D1Catalog load(D1Client client, String databaseId, D1Catalog previous) throws D1Exception {
    Map<String, String> listed;
    if (previous != null) {
      List<String> guess = new ArrayList<>(previous.tables.keySet());
      List<D1Statement> batch = new ArrayList<>();
      batch.add(D1Statement.of("PRAGMA table_list"));
      guess.forEach(name -> batch.add(describe(name)));
      batch.add(D1Statement.of(DEFINITIONS));
      List<D1Result> results = client.batch(databaseId, batch);
      listed = visibleTables(results.get(0));
      if (new ArrayList<>(listed.keySet()).equals(guess)) {
        return build(listed, results.subList(1, results.size()));
      }
    } else {
      listed = visibleTables(client.execute(databaseId, D1Statement.of("PRAGMA table_list")));
    }
    if (listed.isEmpty()) {
      return new D1Catalog(new LinkedHashMap<>());
    }
    List<D1Statement> batch = new ArrayList<>();
    listed.keySet().forEach(name -> batch.add(describe(name)));
    batch.add(D1Statement.of(DEFINITIONS));
    return build(listed, client.batch(databaseId, batch));
  }

  /**
   * The CREATE statements of the tables, sent as the last statement of the descriptions' batch (no extra request):
   * {@code PRAGMA table_xinfo} does not report a column's collation.
   */
  static final String DEFINITIONS = "SELECT name, sql FROM sqlite_master WHERE type = 'table'";

  private static D1Statement describe(String table) {
    return D1Statement.of("PRAGMA table_xinfo(\"" + table.replace("\"", "\"\"") + "\")");
  }

  /** Visible tables of the main schema, name to "kind/wr" (wr: 1 for WITHOUT ROWID). */
  private static Map<String, String> visibleTables(D1Result tableList) {
    Map<String, String> tables = new LinkedHashMap<>();
    Rows rows = new Rows(tableList);
    for (Object[] row : tableList.rows()) {
      String name = rows.string(row, "name");
      String kind = rows.string(row, "type");
      String lower = name.toLowerCase(Locale.ROOT);
      if (!"main".equals(rows.string(row, "schema")) || lower.startsWith("_cf_") || lower.startsWith("sqlite_")
          || !(kind.equals("table") || kind.equals("view") || kind.equals("virtual"))) {
        continue;
      }
      tables.put(name, kind + "/" + rows.number(row, "wr"));
    }
    return tables;
  }

  private static D1Catalog build(Map<String, String> listed, List<D1Result> descriptions) {
    Map<String, Table> tables = new LinkedHashMap<>();
    D1Result definitions = descriptions.get(descriptions.size() - 1);
    Rows defRows = new Rows(definitions);
    Map<String, String> sqlByTable = new java.util.HashMap<>();
    for (Object[] row : definitions.rows()) {
      sqlByTable.put(defRows.string(row, "name"), defRows.string(row, "sql"));
    }
    int i = 0;
    for (Map.Entry<String, String> e : listed.entrySet()) {
      D1Result xinfo = descriptions.get(i++);
      Rows rows = new Rows(xinfo);
      List<Column> columns = new ArrayList<>();
      String[] kindAndWr = e.getValue().split("/");
      D1TableDefinition definition = D1TableDefinition.parse(sqlByTable.getOrDefault(e.getKey(), ""));
      Map<String, String> collations = "table".equals(kindAndWr[0]) ? definition.collations() : null;
      for (Object[] row : xinfo.rows()) {
        long hidden = rows.number(row, "hidden");
        if (hidden == 1) {
          continue; // hidden columns of virtual tables
        }
        Object dflt = row[rows.index("dflt_value")];
        String name = rows.string(row, "name");
        String collation = collations == null ? UNKNOWN
            : collations.getOrDefault(name.toLowerCase(Locale.ROOT), BINARY);
        columns.add(new Column(name, rows.string(row, "type"),
            rows.number(row, "notnull") != 0, (int) rows.number(row, "pk"), hidden >= 2,
            dflt == null ? null : dflt.toString(), collation));
      }
      tables.put(e.getKey(), new Table(e.getKey(), kindAndWr[0], "1".equals(kindAndWr[1]), List.copyOf(columns),
          definition.descendingPrimaryKey()));
    }
    return new D1Catalog(tables);
  }

  /** Reads PRAGMA result rows by column name, so that extra columns in future SQLite versions do no harm. */
  private static final class Rows {
    private final List<String> columns;

    Rows(D1Result result) {
      this.columns = result.columns();
    }

    int index(String column) {
      int i = columns.indexOf(column);
      if (i < 0) {
        throw new IllegalStateException("D1 introspection result has no column '" + column + "': " + columns);
      }
      return i;
    }

    String string(Object[] row, String column) {
      Object v = row[index(column)];
      return v == null ? "" : v.toString();
    }

    long number(Object[] row, String column) {
      Object v = row[index(column)];
      return v instanceof Number n ? n.longValue() : 0L;
    }
  }
}
