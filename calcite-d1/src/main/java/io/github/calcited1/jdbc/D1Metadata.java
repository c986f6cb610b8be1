package io.github.calcited1.jdbc;

import io.github.calcited1.catalog.D1Catalog;
import io.github.calcited1.catalog.D1Types;
import io.github.calcited1.rel.D1Table;
import org.apache.calcite.avatica.MetaImpl;
import org.apache.calcite.jdbc.CalciteMetaColumnFactory;
import org.apache.calcite.jdbc.CalciteMetaColumnFactoryImpl;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.Table;

import java.sql.DatabaseMetaData;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * What {@code DatabaseMetaData} tells a tool about D1 tables beyond Calcite's own answers, from the D1 catalog
 * ({@link D1Catalog}: {@code PRAGMA table_xinfo}, {@code index_list}, {@code index_xinfo}, {@code foreign_key_list}):
 * primary keys, foreign keys (imported, exported, cross reference), indexes, and the columns' SQLite type names,
 * sizes, defaults and auto-increment. Tables of other schemas (files, other JDBC sources) have none of these here.
 */
final class D1Metadata {
  /** A D1 string or blob holds at most 2,000,000 bytes (D1's documented limit), so no text is longer. */
  static final int MAX_VALUE_LENGTH = 2_000_000;


  private final SchemaPlus rootSchema;

  D1Metadata(SchemaPlus rootSchema) {
    this.rootSchema = rootSchema;
  }

  /** A row of {@code getPrimaryKeys} (Avatica's own row class has no public constructor). */
  public static final class PrimaryKey {
    public final String tableCat;
    public final String tableSchem;
    public final String tableName;
    public final String columnName;
    public final short keySeq;
    public final String pkName;

    PrimaryKey(String tableSchem, String tableName, String columnName, short keySeq) {
      this.tableCat = null;
      this.tableSchem = tableSchem;
      this.tableName = tableName;
      this.columnName = columnName;
      this.keySeq = keySeq;
      this.pkName = null;
    }
  }

  /**
   * A row of {@code getImportedKeys}, {@code getExportedKeys} and {@code getCrossReference} (Avatica's row class
   * spells the last column's field {@code deferability}, so it cannot serve the JDBC column DEFERRABILITY).
   */
  public static final class ForeignKeyColumn {
    public final String pktableCat = null;
    public final String pktableSchem;
    public final String pktableName;
    public final String pkcolumnName;
    public final String fktableCat = null;
    public final String fktableSchem;
    public final String fktableName;
    public final String fkcolumnName;
    public final short keySeq;
    public final short updateRule;
    public final short deleteRule;
    public final String fkName = null;
    public final String pkName = null;
    public final short deferrability = DatabaseMetaData.importedKeyNotDeferrable;
    /** SQLite's id of the constraint within its table, to keep a composite key's columns together. */
    final int constraint;

    ForeignKeyColumn(String schema, String pktableName, String pkcolumnName, String fktableName,
        String fkcolumnName, short keySeq, short updateRule, short deleteRule, int constraint) {
      this.pktableSchem = schema;
      this.pktableName = pktableName;
      this.pkcolumnName = pkcolumnName;
      this.fktableSchem = schema;
      this.fktableName = fktableName;
      this.fkcolumnName = fkcolumnName;
      this.keySeq = keySeq;
      this.updateRule = updateRule;
      this.deleteRule = deleteRule;
      this.constraint = constraint;
    }
  }

  static final List<String> PRIMARY_KEY_COLUMNS = List.of("TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "COLUMN_NAME",
      "KEY_SEQ", "PK_NAME");
  static final List<String> FOREIGN_KEY_COLUMNS = List.of("PKTABLE_CAT", "PKTABLE_SCHEM", "PKTABLE_NAME",
      "PKCOLUMN_NAME", "FKTABLE_CAT", "FKTABLE_SCHEM", "FKTABLE_NAME", "FKCOLUMN_NAME", "KEY_SEQ", "UPDATE_RULE",
      "DELETE_RULE", "FK_NAME", "PK_NAME", "DEFERRABILITY");
  static final List<String> INDEX_INFO_COLUMNS = List.of("TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "NON_UNIQUE",
      "INDEX_QUALIFIER", "INDEX_NAME", "TYPE", "ORDINAL_POSITION", "COLUMN_NAME", "ASC_OR_DESC", "CARDINALITY",
      "PAGES", "FILTER_CONDITION");

  /** A D1 table of the connection, with the schema it was found in. */
  private record Found(String schema, D1Catalog.Table table) {}

  /** The D1 tables named {@code table} in {@code schema} (null: every schema), as {@code getTables} lists them. */
  private List<Found> tables(String schema, String table) {
    List<Found> found = new ArrayList<>();
    for (String schemaName : rootSchema.getSubSchemaNames()) {
      if (schema != null && !schema.equals(schemaName)) {
        continue;
      }
      SchemaPlus s = rootSchema.getSubSchema(schemaName);
      for (String name : s == null ? List.<String>of() : s.getTableNames()) {
        if (table == null || table.equals(name)) {
          Table t = s.getTable(name);
          if (t instanceof D1Table d1) {
            found.add(new Found(schemaName, d1.table()));
          }
        }
      }
    }
    return found;
  }

  /** The primary key columns; a table without a declared PRIMARY KEY has none (its rowid is not a column). */
  List<PrimaryKey> primaryKeys(String schema, String table) {
    List<PrimaryKey> rows = new ArrayList<>();
    for (Found f : tables(schema, table)) {
      for (D1Catalog.Column c : f.table().columns()) {
        if (c.isPrimaryKey()) {
          rows.add(new PrimaryKey(f.schema(), f.table().name(), c.name(), (short) c.primaryKeyPosition()));
        }
      }
    }
    rows.sort(Comparator.comparing((PrimaryKey k) -> k.tableSchem).thenComparing(k -> k.tableName)
        .thenComparing(k -> k.columnName));
    return rows;
  }

  /** The foreign keys of {@code foreignTable} (null: any) that reference {@code parentTable} (null: any). */
  List<ForeignKeyColumn> foreignKeys(String schema, String parentTable, String foreignTable) {
    List<ForeignKeyColumn> rows = new ArrayList<>();
    for (Found f : tables(schema, foreignTable)) {
      for (D1Catalog.ForeignKey fk : f.table().foreignKeys()) {
        D1Catalog.Table parent = find(f.schema(), fk.referencedTable());
        String parentName = parent == null ? fk.referencedTable() : parent.name();
        if (parentTable != null && !parentTable.equals(parentName)) {
          continue;
        }
        List<String> parentColumns = referencedColumns(fk, parent);
        for (int i = 0; i < fk.columns().size(); i++) {
          rows.add(new ForeignKeyColumn(f.schema(), parentName, parentColumns.get(i), f.table().name(),
              fk.columns().get(i), (short) (i + 1), rule(fk.onUpdate()), rule(fk.onDelete()), fk.id()));
        }
      }
    }
    return rows;
  }

  /** The table named {@code name} in {@code schema}, as SQLite resolves a REFERENCES clause (any case), or null. */
  private D1Catalog.Table find(String schema, String name) {
    for (Found f : tables(schema, null)) {
      if (f.table().name().equalsIgnoreCase(name)) {
        return f.table();
      }
    }
    return null;
  }

  /** The referenced columns, with the parent's primary key where the constraint names none (null if unknown). */
  private static List<String> referencedColumns(D1Catalog.ForeignKey fk, D1Catalog.Table parent) {
    List<String> pk = parent == null ? List.of() : parent.columns().stream().filter(D1Catalog.Column::isPrimaryKey)
        .sorted(Comparator.comparingInt(D1Catalog.Column::primaryKeyPosition)).map(D1Catalog.Column::name).toList();
    List<String> out = new ArrayList<>();
    for (int i = 0; i < fk.referencedColumns().size(); i++) {
      String c = fk.referencedColumns().get(i);
      out.add(c != null ? c : i < pk.size() ? pk.get(i) : null);
    }
    return out;
  }

  private static short rule(String action) {
    switch (action.toUpperCase(Locale.ROOT)) {
      case "CASCADE":
        return DatabaseMetaData.importedKeyCascade;
      case "SET NULL":
        return DatabaseMetaData.importedKeySetNull;
      case "SET DEFAULT":
        return DatabaseMetaData.importedKeySetDefault;
      case "RESTRICT":
        return DatabaseMetaData.importedKeyRestrict;
      default:
        return DatabaseMetaData.importedKeyNoAction;
    }
  }

  /**
   * One row per key column of each index (SQLite's {@code sqlite_autoindex_*} of UNIQUE and non-rowid PRIMARY KEY
   * constraints included; an INTEGER PRIMARY KEY is the rowid itself and has no index), in JDBC's order. An
   * expression's column name is null; cardinality and pages are unknown (0).
   */
  List<MetaImpl.MetaIndexInfo> indexInfo(String schema, String table, boolean unique) {
    List<MetaImpl.MetaIndexInfo> rows = new ArrayList<>();
    for (Found f : tables(schema, table)) {
      for (D1Catalog.Index index : f.table().indexes()) {
        if (unique && !index.unique()) {
          continue;
        }
        for (int i = 0; i < index.columns().size(); i++) {
          D1Catalog.IndexColumn c = index.columns().get(i);
          rows.add(new MetaImpl.MetaIndexInfo(null, f.schema(), f.table().name(), !index.unique(), null,
              index.name(), DatabaseMetaData.tableIndexOther, (short) (i + 1), c.name(), c.descending() ? "D" : "A",
              0, 0, null));
        }
      }
    }
    rows.sort(Comparator.comparing((MetaImpl.MetaIndexInfo r) -> r.nonUnique).thenComparing(r -> r.indexName)
        .thenComparing(r -> r.ordinalPosition));
    return rows;
  }

  /**
   * Calcite's {@code getColumns} rows, with what D1 says about its own tables' columns: TYPE_NAME is the declared
   * SQLite type without its size ({@code VARCHAR}, {@code INTEGER}, as sqlite-jdbc says; Calcite's would be
   * {@code BIGINT NOT NULL}), COLUMN_SIZE the declared size or the type's, COLUMN_DEF the DEFAULT as SQLite keeps it
   * ({@code CURRENT_TIMESTAMP}, {@code 'x'}), IS_AUTOINCREMENT YES for the rowid alias (an INTEGER PRIMARY KEY gets a
   * new rowid when the INSERT omits it, AUTOINCREMENT or not), IS_GENERATEDCOLUMN YES for generated columns.
   */
  static final CalciteMetaColumnFactory COLUMNS = new CalciteMetaColumnFactory() {
    @Override
    public MetaImpl.MetaColumn createColumn(Table table, String tableCat, String tableSchem, String tableName,
        String columnName, int dataType, String typeName, Integer columnSize, Integer decimalDigits, int numPrecRadix,
        int nullable, Integer charOctetLength, int ordinalPosition, String isNullable) {
      D1Catalog.Column c = table instanceof D1Table d1 ? d1.table().columns().stream()
          .filter(x -> x.name().equals(columnName)).findFirst().orElse(null) : null;
      if (c == null) {
        return CalciteMetaColumnFactoryImpl.INSTANCE.createColumn(table, tableCat, tableSchem, tableName, columnName,
            dataType, typeName, columnSize, decimalDigits, numPrecRadix, nullable, charOctetLength, ordinalPosition,
            isNullable);
      }
      D1Catalog.Table t = ((D1Table) table).table();
      Integer size = size(c.declaredType(), dataType);
      boolean text = isText(dataType);
      return new D1Column(tableCat, tableSchem, tableName, columnName, dataType,
          D1Types.withoutSize(c.declaredType()), size,
          decimalDigits == null || decimalDigits < 0 ? null : decimalDigits, numPrecRadix, nullable,
          text ? size : null, ordinalPosition, isNullable,
          columnName.equals(t.rowidAlias().orElse(null)) ? "YES" : "NO", c.generated() ? "YES" : "NO",
          c.defaultValue());
    }

    @Override
    public Class<? extends MetaImpl.MetaColumn> getMetaColumnClass() {
      return D1Column.class;
    }
  };

  /** A {@code getColumns} row with COLUMN_DEF (which Avatica's row class always leaves null). */
  public static final class D1Column extends MetaImpl.MetaColumn {
    /** Hides the superclass's field of the same name: the result set reads fields by name from this class. */
    public final String columnDef;

    D1Column(String tableCat, String tableSchem, String tableName, String columnName, int dataType, String typeName,
        Integer columnSize, Integer decimalDigits, int numPrecRadix, int nullable, Integer charOctetLength,
        int ordinalPosition, String isNullable, String isAutoincrement, String isGeneratedcolumn, String columnDef) {
      super(tableCat, tableSchem, tableName, columnName, dataType, typeName, columnSize, decimalDigits, numPrecRadix,
          nullable, charOctetLength, ordinalPosition, isNullable, isAutoincrement, isGeneratedcolumn);
      this.columnDef = columnDef;
    }
  }

  /**
   * COLUMN_SIZE: the size the declaration gives ({@code VARCHAR(80)}: 80, {@code DECIMAL(10,2)}: 10, not enforced
   * by SQLite), else the type's: digits of a number, characters of a date or timestamp text, and D1's value limit for
   * text and blobs.
   */
  static Integer size(String declaredType, int dataType) {
    Integer declared = D1Types.declaredSize(declaredType);
    if (declared != null) {
      return declared;
    }
    switch (dataType) {
      case java.sql.Types.BIGINT:
        return 19;
      case java.sql.Types.DOUBLE:
        return 15;
      case java.sql.Types.BOOLEAN:
        return 1;
      case java.sql.Types.DATE:
        return 10;
      case java.sql.Types.TIMESTAMP:
        return 23;
      default:
        return isText(dataType) || dataType == java.sql.Types.VARBINARY || dataType == java.sql.Types.JAVA_OBJECT
            ? MAX_VALUE_LENGTH : null;
    }
  }

  private static boolean isText(int dataType) {
    return dataType == java.sql.Types.VARCHAR || dataType == java.sql.Types.CHAR;
  }
}
