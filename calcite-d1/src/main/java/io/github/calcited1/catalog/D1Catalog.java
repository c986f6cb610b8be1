package io.github.calcited1.catalog;

import static io.github.calcited1.catalog.D1Names.quote;

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
 * costs two requests: the lists ({@code PRAGMA table_list} and the names of the indexes from {@code sqlite_master}),
 * then one batch with, per table, {@code PRAGMA table_xinfo}, {@code index_list} and {@code foreign_key_list}, and per
 * index {@code PRAGMA index_xinfo}. A reload (TTL expiry or {@link D1Schema#refreshCatalog()}) guesses that the
 * tables and indexes are the ones it knew and sends the lists and those descriptions in <em>one</em> batch; only when
 * a list has changed does it need a second, for the new descriptions. A view with computed columns costs one more
 * request the first time it is used after a load, which types those columns by their values ({@link #typed}).
 *
 * <p>Internal tables are hidden: {@code _cf_*} (D1's own, unreadable) and {@code sqlite_*}.
 */
public final class D1Catalog {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(D1Catalog.class);

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

  /**
   * An index as {@code PRAGMA index_list} and {@code index_xinfo} report it. {@code origin}: {@code c} (CREATE INDEX),
   * {@code u} (a UNIQUE constraint) or {@code pk} (a PRIMARY KEY that is not the rowid); the last two are SQLite's
   * {@code sqlite_autoindex_*}. {@code columns}: the key columns in order, null for an expression.
   */
  public record Index(String name, boolean unique, String origin, boolean partial, List<IndexColumn> columns) {
    public Index {
      columns = List.copyOf(columns);
    }
  }

  /** A key column of an {@link Index}: its name (null for an expression) and whether it is sorted descending. */
  public record IndexColumn(String name, boolean descending) {}

  /**
   * A FOREIGN KEY of a table as {@code PRAGMA foreign_key_list} reports it: the columns of this table, the referenced
   * table and its columns (an entry is null where the constraint names none: the referenced table's primary key),
   * and the ON UPDATE / ON DELETE actions as SQLite spells them ({@code NO ACTION}, {@code CASCADE}, ...).
   */
  public record ForeignKey(int id, String referencedTable, List<String> columns, List<String> referencedColumns,
      String onUpdate, String onDelete) {
    public ForeignKey {
      columns = List.copyOf(columns);
      referencedColumns = java.util.Collections.unmodifiableList(new ArrayList<>(referencedColumns));
    }
  }

  /** SQLite's default collation. */
  public static final String BINARY = "BINARY";
  /** The collation of a column whose definition could not be read (view columns). */
  public static final String UNKNOWN = "?";

  /**
   * A table or view. {@code kind} is {@code table}, {@code view} or {@code virtual}; {@code descendingPrimaryKey}:
   * a column is declared {@code PRIMARY KEY DESC} (see {@link #rowidAlias()}); {@code autoincrement}: the table's
   * INTEGER PRIMARY KEY is declared AUTOINCREMENT; {@code indexes} and {@code foreignKeys} in SQLite's order.
   */
  public record Table(String name, String kind, boolean withoutRowid, List<Column> columns,
      boolean descendingPrimaryKey, boolean autoincrement, List<Index> indexes, List<ForeignKey> foreignKeys) {
    public Table {
      columns = List.copyOf(columns);
      indexes = List.copyOf(indexes);
      foreignKeys = List.copyOf(foreignKeys);
    }

    /** A table without indexes and foreign keys. */
    public Table(String name, String kind, boolean withoutRowid, List<Column> columns, boolean descendingPrimaryKey) {
      this(name, kind, withoutRowid, columns, descendingPrimaryKey, false, List.of(), List.of());
    }

    public boolean isView() {
      return "view".equals(kind);
    }

    /** Whether this is a view with computed columns, which SQLite declares no type for ({@link D1Catalog#typed}). */
    public boolean hasComputedColumns() {
      return isView() && columns.stream().anyMatch(c -> c.declaredType().isEmpty());
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
     * Whether SQLite can find this table's rows by {@code column} through an index: it leads the primary key (the
     * rowid, a WITHOUT ROWID table's key, a composite key's index) or a full index. ({@code PRAGMA index_list} names a
     * WITHOUT ROWID table's key, but {@link #indexes} are those of {@code sqlite_master}, which does not.)
     */
    public boolean canLookUp(String column) {
      boolean leadsKey = !isView()
          && columns.stream().anyMatch(c -> c.name().equals(column) && c.primaryKeyPosition() == 1);
      return leadsKey || indexes.stream().anyMatch(index -> !index.partial() && !index.columns().isEmpty()
          && column.equals(index.columns().get(0).name()));
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
    Lists lists;
    if (previous != null) {
      Lists guess = new Lists(previous);
      List<D1Statement> batch = new ArrayList<>(LISTS);
      batch.addAll(describe(guess));
      List<D1Result> results = client.batch(databaseId, batch);
      lists = new Lists(results.get(0), results.get(1));
      if (lists.equals(guess)) {
        return build(lists, results.subList(LISTS.size(), results.size()));
      }
    } else {
      List<D1Result> results = client.batch(databaseId, LISTS);
      lists = new Lists(results.get(0), results.get(1));
    }
    if (lists.tables().isEmpty()) {
      return new D1Catalog(new LinkedHashMap<>());
    }
    return build(lists, client.batch(databaseId, describe(lists)));
  }

  /** How many rows of a view {@link #typed} looks at. */
  static final int VIEW_TYPE_SAMPLE_ROWS = 1000;

  /** Views whose computed columns {@link #typed} has typed, by their catalog entry. */
  private final Map<Table, Table> typedViews = new java.util.HashMap<>();

  /**
   * {@code table} as queries see it: for a view with computed columns, those columns typed by their values.
   * SQLite declares a view's column only when it selects a table's column (or, in recent versions, a CAST); an
   * expression such as {@code price * qty} or {@code upper(name)} has no declared type, which would make it ANY, a
   * type no JDBC tool can read (Spark: {@code UNRECOGNIZED_SQL_TYPE}). The first time such a view is used, one
   * request asks for the storage classes ({@code typeof}) of those columns in its first
   * {@value #VIEW_TYPE_SAMPLE_ROWS} rows, and {@link #sampledType} names the type; every connection of the JVM
   * shares the answer until the next catalog load. Views never used cost nothing. Values read later are checked
   * against the type like any column's (a REAL in an INTEGER view column is an error saying so, never a rounded
   * number).
   */
  public synchronized Table typed(Table table, D1Client client, String databaseId) throws D1Exception {
    if (!table.hasComputedColumns()) {
      return table;
    }
    Table typed = typedViews.get(table);
    if (typed == null) {
      typed = sampleTypes(table, client, databaseId);
      typedViews.put(table, typed);
    }
    return typed;
  }

  private static Table sampleTypes(Table view, D1Client client, String databaseId) throws D1Exception {
    List<String> names = view.columns().stream().filter(c -> c.declaredType().isEmpty())
        .map(c -> quote(c.name())).toList();
    D1Statement sample = D1Statement.of("SELECT " + String.join(", ", names.stream()
        .map(n -> "group_concat(DISTINCT typeof(" + n + "))").toList()) + " FROM (SELECT " + String.join(", ", names)
        + " FROM " + quote(view.name()) + " LIMIT " + VIEW_TYPE_SAMPLE_ROWS + ")");
    Object[] classes;
    try {
      classes = client.execute(databaseId, sample).rows().get(0);
    } catch (D1Exception e) {
      if (e.httpStatus() != 400) {
        throw e;
      }
      // D1 refused to evaluate the view (an error raised by its rows, such as malformed JSON): its computed
      // columns stay ANY, as they were before they were typed.
      LOG.warn("D1 could not read the computed columns of view {} to type them, so they stay ANY: {}", view.name(),
          e.getMessage());
      return view;
    }
    int next = 0;
    List<Column> columns = new ArrayList<>();
    for (Column c : view.columns()) {
      columns.add(c.declaredType().isEmpty() ? new Column(c.name(), sampledType((String) classes[next++]),
          c.notNull(), c.primaryKeyPosition(), c.generated(), c.defaultValue(), c.collation()) : c);
    }
    return new Table(view.name(), view.kind(), view.withoutRowid(), columns, view.descendingPrimaryKey(),
        view.autoincrement(), view.indexes(), view.foreignKeys());
  }

  /**
   * The declared type for a computed view column whose sampled values have the storage classes {@code classes}
   * ({@code group_concat} of {@code typeof}, null when the sample is empty): only integers: INTEGER; reals, with
   * or without integers: REAL; only text: TEXT; only blobs: BLOB; no values (no rows, only NULLs): TEXT. Any other
   * mix stays undeclared (ANY: each value as stored), since no one type holds it.
   */
  static String sampledType(String classes) {
    java.util.Set<String> seen = new java.util.TreeSet<>(classes == null ? List.of() : List.of(classes.split(",")));
    seen.remove("null");
    if (seen.isEmpty() || seen.equals(java.util.Set.of("text"))) {
      return "TEXT";
    }
    if (seen.equals(java.util.Set.of("integer"))) {
      return "INTEGER";
    }
    if (seen.equals(java.util.Set.of("real")) || seen.equals(java.util.Set.of("integer", "real"))) {
      return "REAL";
    }
    if (seen.equals(java.util.Set.of("blob"))) {
      return "BLOB";
    }
    return "";
  }

  /** The visible tables (name to "kind/wr", wr: 1 for WITHOUT ROWID) and the indexes of each, in SQLite's order. */
  private record Lists(Map<String, String> tables, Map<String, List<String>> indexes) {
    Lists(D1Result tableList, D1Result indexList) {
      this(visibleTables(tableList), indexesOf(visibleTables(tableList), indexList));
    }

    Lists(D1Catalog catalog) {
      this(guessTables(catalog), guessIndexes(catalog));
    }

    private static Map<String, String> guessTables(D1Catalog catalog) {
      Map<String, String> tables = new LinkedHashMap<>();
      catalog.tables.values().forEach(t -> tables.put(t.name(), t.kind() + "/" + (t.withoutRowid() ? 1 : 0)));
      return tables;
    }

    private static Map<String, List<String>> guessIndexes(D1Catalog catalog) {
      Map<String, List<String>> indexes = new LinkedHashMap<>();
      catalog.tables.values().forEach(t -> indexes.put(t.name(), t.indexes().stream().map(Index::name).sorted()
          .toList()));
      return indexes;
    }

    /** Whether the lists name the same tables and indexes, in the same order (and so the same descriptions). */
    @Override public boolean equals(Object o) {
      return o instanceof Lists l && new ArrayList<>(tables.keySet()).equals(new ArrayList<>(l.tables.keySet()))
          && tables.equals(l.tables) && indexes.equals(l.indexes);
    }

    @Override public int hashCode() {
      return tables.hashCode();
    }
  }

  /** The first request of a cold load: the tables, and the indexes by table (names only). */
  private static final List<D1Statement> LISTS = List.of(D1Statement.of("PRAGMA table_list"),
      D1Statement.of("SELECT name, tbl_name FROM sqlite_master WHERE type = 'index'"));

  /**
   * The descriptions of {@code lists}, in this order: per table {@code table_xinfo}, {@code index_list} and
   * {@code foreign_key_list}; per index {@code index_xinfo}; then {@link #DEFINITIONS}.
   */
  private static List<D1Statement> describe(Lists lists) {
    List<D1Statement> batch = new ArrayList<>();
    for (String table : lists.tables().keySet()) {
      batch.add(pragma("table_xinfo", table));
      batch.add(pragma("index_list", table));
      batch.add(pragma("foreign_key_list", table));
    }
    lists.indexes().values().forEach(names -> names.forEach(index -> batch.add(pragma("index_xinfo", index))));
    batch.add(D1Statement.of(DEFINITIONS));
    return batch;
  }

  /**
   * The CREATE statements of the tables, sent as the last statement of the descriptions' batch (no extra request):
   * {@code PRAGMA table_xinfo} does not report a column's collation, nor AUTOINCREMENT.
   */
  static final String DEFINITIONS = "SELECT name, sql FROM sqlite_master WHERE type = 'table'";

  private static D1Statement pragma(String pragma, String name) {
    return D1Statement.of("PRAGMA " + pragma + "(" + quote(name) + ")");
  }

  /**
   * The index names of {@code indexList} (rows: name, tbl_name) by visible table, every visible table present, each
   * table's sorted (the order the reload's guess compares).
   */
  private static Map<String, List<String>> indexesOf(Map<String, String> tables, D1Result indexList) {
    Map<String, List<String>> indexes = new LinkedHashMap<>();
    tables.keySet().forEach(t -> indexes.put(t, new ArrayList<>()));
    Rows rows = new Rows(indexList);
    for (Object[] row : indexList.rows()) {
      List<String> names = indexes.get(rows.string(row, "tbl_name"));
      if (names != null) {
        names.add(rows.string(row, "name"));
      }
    }
    indexes.replaceAll((t, names) -> names.stream().sorted().toList());
    return indexes;
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

  private static D1Catalog build(Lists lists, List<D1Result> descriptions) {
    Map<String, Table> tables = new LinkedHashMap<>();
    D1Result definitions = descriptions.get(descriptions.size() - 1);
    Rows defRows = new Rows(definitions);
    Map<String, String> sqlByTable = new java.util.HashMap<>();
    for (Object[] row : definitions.rows()) {
      sqlByTable.put(defRows.string(row, "name"), defRows.string(row, "sql"));
    }
    Map<String, D1Result> indexColumns = new java.util.HashMap<>();
    int next = lists.tables().size() * 3;
    for (List<String> names : lists.indexes().values()) {
      for (String index : names) {
        indexColumns.put(index, descriptions.get(next++));
      }
    }
    int i = 0;
    for (Map.Entry<String, String> e : lists.tables().entrySet()) {
      D1Result xinfo = descriptions.get(i++);
      D1Result indexList = descriptions.get(i++);
      D1Result foreignKeyList = descriptions.get(i++);
      String[] kindAndWr = e.getValue().split("/");
      D1TableDefinition definition = D1TableDefinition.parse(sqlByTable.getOrDefault(e.getKey(), ""));
      Map<String, String> collations = "table".equals(kindAndWr[0]) ? definition.collations() : null;
      tables.put(e.getKey(), new Table(e.getKey(), kindAndWr[0], "1".equals(kindAndWr[1]),
          columns(xinfo, collations), definition.descendingPrimaryKey(), definition.autoincrement(),
          indexes(indexList, indexColumns), foreignKeys(foreignKeyList)));
    }
    return new D1Catalog(tables);
  }

  /** The visible columns of {@code PRAGMA table_xinfo}; {@code collations} null: unknown (views). */
  private static List<Column> columns(D1Result xinfo, Map<String, String> collations) {
    Rows rows = new Rows(xinfo);
    List<Column> columns = new ArrayList<>();
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
    return columns;
  }

  /**
   * The indexes of {@code PRAGMA index_list} (SQLite lists the newest first; returned in creation order), with their
   * key columns from {@code PRAGMA index_xinfo}. An index missing from {@code columnsByIndex} (created between the
   * two lists of a load) is left out until the next load.
   */
  private static List<Index> indexes(D1Result indexList, Map<String, D1Result> columnsByIndex) {
    Rows rows = new Rows(indexList);
    List<Index> indexes = new ArrayList<>();
    for (Object[] row : indexList.rows()) {
      String name = rows.string(row, "name");
      D1Result xinfo = columnsByIndex.get(name);
      if (xinfo == null) {
        continue;
      }
      Rows x = new Rows(xinfo);
      List<IndexColumn> columns = new ArrayList<>();
      for (Object[] c : xinfo.rows()) {
        if (x.number(c, "key") != 0) {
          Object column = c[x.index("name")];
          columns.add(new IndexColumn(column == null ? null : column.toString(), x.number(c, "desc") != 0));
        }
      }
      indexes.add(new Index(name, rows.number(row, "unique") != 0, rows.string(row, "origin"),
          rows.number(row, "partial") != 0, columns));
    }
    Collections.reverse(indexes);
    return indexes;
  }

  /** The foreign keys of {@code PRAGMA foreign_key_list}: one row per column, grouped by constraint id. */
  private static List<ForeignKey> foreignKeys(D1Result foreignKeyList) {
    Rows rows = new Rows(foreignKeyList);
    Map<Long, List<Object[]>> byId = new java.util.TreeMap<>();
    for (Object[] row : foreignKeyList.rows()) {
      byId.computeIfAbsent(rows.number(row, "id"), k -> new ArrayList<>()).add(row);
    }
    List<ForeignKey> keys = new ArrayList<>();
    for (Map.Entry<Long, List<Object[]>> e : byId.entrySet()) {
      List<Object[]> parts = new ArrayList<>(e.getValue());
      parts.sort(java.util.Comparator.comparingLong(r -> rows.number(r, "seq")));
      List<String> from = new ArrayList<>();
      List<String> to = new ArrayList<>();
      for (Object[] part : parts) {
        from.add(rows.string(part, "from"));
        Object target = part[rows.index("to")];
        to.add(target == null ? null : target.toString());
      }
      Object[] first = parts.get(0);
      keys.add(new ForeignKey(e.getKey().intValue(), rows.string(first, "table"), from, to,
          rows.string(first, "on_update"), rows.string(first, "on_delete")));
    }
    return keys;
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
