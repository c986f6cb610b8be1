package io.github.calcited1.testing;

import static io.github.calcited1.catalog.D1Names.quote;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.calcite.DataContext;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.schema.ScannableTable;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The corpus's oracle: the same SQLite tables as plain {@link ScannableTable}s, so that a query over them is
 * evaluated entirely by Calcite (filters, projections, aggregates, sorts, joins), never by SQLite. Each scan reads
 * the whole table with sqlite-jdbc (only {@code SELECT "col", … FROM "table"}: no expression of the question ever
 * reaches SQLite), with the row types calcite-d1 itself gives the tables (asked of calcite-d1's own tables, so the
 * types cannot drift), and each value converted as calcite-d1 converts what D1 returns (the converter passed in is
 * {@code rel.D1Values::toCalcite}).
 *
 * <p>What it cannot catch: a wrong row type or value conversion in calcite-d1 (both sides share them), and views,
 * whose rows SQLite computes for both sides.
 */
public final class CalciteReferenceSchema extends AbstractSchema {
  /** Converts a value as read from SQLite (Long, Double, String, byte[]) to Calcite's Java value of a type. */
  @FunctionalInterface
  public interface ValueConverter {
    Object toCalcite(Object raw, SqlTypeName type, int scale, String label);
  }

  private final Connection sqlite;
  private final Map<String, Table> typesFrom;
  private final ValueConverter converter;

  /**
   * @param sqlite the database file, read with sqlite-jdbc
   * @param typesFrom calcite-d1's tables by name: the tables served, and where their row types come from
   * @param converter calcite-d1's value conversion
   */
  public CalciteReferenceSchema(Connection sqlite, Map<String, Table> typesFrom, ValueConverter converter) {
    this.sqlite = sqlite;
    this.typesFrom = typesFrom;
    this.converter = converter;
  }

  /**
   * A Calcite connection whose default schema {@code schemaName} serves, as reference tables, the tables of the
   * calcite-d1 schema of that name in {@code calcite}, read from {@code sqlite}.
   */
  public static Connection connect(Connection calcite, String schemaName, Connection sqlite,
      ValueConverter converter) throws SQLException {
    SchemaPlus d1 = calcite.unwrap(CalciteConnection.class).getRootSchema().getSubSchema(schemaName);
    Map<String, Table> tables = new LinkedHashMap<>();
    for (String name : d1.getTableNames()) {
      tables.put(name, d1.getTable(name));
    }
    Properties info = new Properties();
    info.put("lex", "JAVA");
    CalciteConnection reference = DriverManager.getConnection("jdbc:calcite:", info).unwrap(CalciteConnection.class);
    reference.getRootSchema().add(schemaName, new CalciteReferenceSchema(sqlite, tables, converter));
    reference.setSchema(schemaName);
    return reference;
  }

  @Override protected Map<String, Table> getTableMap() {
    Map<String, Table> tables = new LinkedHashMap<>();
    typesFrom.forEach((name, d1Table) -> tables.put(name, new ReferenceTable(name, d1Table)));
    return tables;
  }

  private final class ReferenceTable extends AbstractTable implements ScannableTable {
    private final String name;
    private final Table d1Table;

    ReferenceTable(String name, Table d1Table) {
      this.name = name;
      this.d1Table = d1Table;
    }

    @Override public RelDataType getRowType(RelDataTypeFactory typeFactory) {
      return d1Table.getRowType(typeFactory);
    }

    @Override public Enumerable<Object[]> scan(DataContext root) {
      List<RelDataTypeField> fields = getRowType(root.getTypeFactory()).getFieldList();
      String sql = "SELECT " + fields.stream().map(f -> quote(f.getName())).collect(Collectors.joining(", "))
          + " FROM " + quote(name);
      List<Object[]> rows = new ArrayList<>();
      try (Statement st = sqlite.createStatement(); ResultSet rs = st.executeQuery(sql)) {
        while (rs.next()) {
          Object[] row = new Object[fields.size()];
          for (int i = 0; i < row.length; i++) {
            Object raw = rs.getObject(i + 1);
            if (raw instanceof Integer n) {
              raw = n.longValue(); // D1's JSON numbers arrive as Long or Double
            } else if (raw instanceof Float f) {
              raw = f.doubleValue();
            }
            RelDataType type = fields.get(i).getType();
            row[i] = converter.toCalcite(raw, type.getSqlTypeName(),
                type.getSqlTypeName().allowsScale() ? type.getScale() : 0, name + "." + fields.get(i).getName());
          }
          rows.add(row);
        }
      } catch (SQLException e) {
        throw new IllegalStateException("reading " + name + " for the Calcite reference: " + e.getMessage(), e);
      }
      return Linq4j.asEnumerable(rows);
    }
  }

}
