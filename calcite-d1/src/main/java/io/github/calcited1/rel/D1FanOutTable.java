package io.github.calcited1.rel;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.calcite.adapter.java.AbstractQueryableTable;
import org.apache.calcite.linq4j.QueryProvider;
import org.apache.calcite.linq4j.Queryable;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptSchema;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.prepare.Prepare;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.TableModify;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.schema.ModifiableTable;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.TranslatableTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.tools.RelBuilder;

/**
 * One table name of a {@link D1FanOutSchema}: the UNION ALL of the same-named table of each of its databases, with a
 * first column ({@code _database}, operand {@code databaseColumn}) holding the database's name. Its columns are the
 * union of the databases' columns, by name, in the order first seen; a database without one of them gives NULL for
 * it. A column must have the same type in every database that has it, and the table must exist in every database:
 * otherwise a query of it fails naming the databases (SQLState 42804, 42S02), rather than silently leaving some out.
 *
 * <p>Calcite's rules push filters, projections, partial aggregates and top-N through the union into each database's
 * statement ({@link io.github.calcited1.rel.D1FanOutRules}); a filter on the database column leaves out the databases
 * it excludes while planning.
 */
public final class D1FanOutTable extends AbstractQueryableTable implements TranslatableTable, ModifiableTable {
  private final D1FanOutSchema schema;
  private final String name;

  D1FanOutTable(D1FanOutSchema schema, String name) {
    super(Object[].class);
    this.schema = schema;
    this.name = name;
  }

  @Override public RelDataType getRowType(RelDataTypeFactory typeFactory) {
    String databaseColumn = schema.config().databaseColumn();
    Map<String, RelDataType> columns = new LinkedHashMap<>();
    Map<String, String> firstSeenIn = new LinkedHashMap<>();
    Map<String, D1Table> tables = tables();
    for (Map.Entry<String, D1Table> db : tables.entrySet()) {
      for (RelDataTypeField field : db.getValue().getRowType(typeFactory).getFieldList()) {
        String column = field.getName();
        if (column.equalsIgnoreCase(databaseColumn)) {
          throw failure("Table '" + name + "' of D1 database '" + db.getKey() + "' has a column named '" + column
              + "', the name schema '" + String.join(".", schema.path()) + "' gives the column naming the database."
              + " Set operand 'databaseColumn' to another name.", "42000");
        }
        RelDataType seen = columns.get(column);
        if (seen == null) {
          columns.put(column, field.getType());
          firstSeenIn.put(column, db.getKey());
        } else if (!SqlTypeUtil.equalSansNullability(typeFactory, seen, field.getType())) {
          throw failure("Column '" + column + "' of table '" + name + "' is " + seen.getFullTypeString()
              + " in D1 database '" + firstSeenIn.get(column) + "' but " + field.getType().getFullTypeString()
              + " in '" + db.getKey() + "', so schema '" + String.join(".", schema.path()) + "' cannot present them"
              + " as one column. Give the column the same declared type in every database.", "42804");
        } else if (field.getType().isNullable()) {
          columns.put(column, field.getType());
        }
      }
    }
    RelDataTypeFactory.Builder b = typeFactory.builder();
    b.add(databaseColumn, typeFactory.createSqlType(SqlTypeName.VARCHAR));
    columns.forEach((column, type) -> {
      boolean everywhere = tables.values().stream()
          .allMatch(t -> t.getRowType(typeFactory).getField(column, true, false) != null);
      b.add(column, everywhere ? type : typeFactory.createTypeWithNullability(type, true));
    });
    return b.build();
  }

  @Override public RelNode toRel(RelOptTable.ToRelContext context, RelOptTable relOptTable) {
    List<String> missing = new ArrayList<>(schema.databases().keySet());
    missing.removeAll(tables().keySet());
    if (!missing.isEmpty()) {
      throw failure("Table '" + name + "' is missing in D1 database" + (missing.size() == 1 ? " " : "s ")
          + String.join(", ", missing.stream().map(m -> "'" + m + "'").toList()) + " of schema '"
          + String.join(".", schema.path()) + "'. Create it there, or leave those databases out of operand"
          + " 'databases'/'databasePattern'; a single database's table is at " + String.join(".", schema.path())
          + ".<database>." + name + ".", "42S02");
    }
    RelDataType rowType = relOptTable.getRowType();
    RelOptSchema relOptSchema = relOptTable.getRelOptSchema();
    RelBuilder builder = RelFactories.LOGICAL_BUILDER.create(context.getCluster(), relOptSchema);
    RexBuilder rex = builder.getRexBuilder();
    for (Map.Entry<String, D1Table> db : tables().entrySet()) {
      List<String> path = new ArrayList<>(db.getValue().schema().path());
      path.add(name);
      RelOptTable table = relOptSchema.getTableForMember(path);
      builder.push(table.toRel(context));
      List<RexNode> values = new ArrayList<>();
      for (RelDataTypeField field : rowType.getFieldList()) {
        RexNode value = field.getIndex() == 0 ? rex.makeLiteral(db.getKey(), field.getType(), false)
            : builder.peek().getRowType().getField(field.getName(), true, false) == null
                ? rex.makeNullLiteral(field.getType())
                : builder.field(field.getName());
        values.add(rex.ensureType(field.getType(), value, false));
      }
      builder.project(values, rowType.getFieldNames(), true);
    }
    return builder.union(true, schema.databases().size()).build();
  }

  /** Not used: as a {@link TranslatableTable} this table is always planned through {@link #toRel}. */
  @Override public <T> Queryable<T> asQueryable(QueryProvider queryProvider, SchemaPlus schema, String tableName) {
    throw new UnsupportedOperationException("D1 fan-out table " + tableName + " is read through its databases");
  }

  /** Not used: a write is refused by {@link #toModificationRel}. */
  @Override public Collection<?> getModifiableCollection() {
    return null;
  }

  /** Refuses a write: which database a new row belongs to is the writer's choice, made by naming its table. */
  @Override public TableModify toModificationRel(RelOptCluster cluster, RelOptTable table,
      Prepare.CatalogReader catalogReader, RelNode child, TableModify.Operation operation,
      List<String> updateColumnList, List<RexNode> sourceExpressionList, boolean flattened) {
    String path = String.join(".", schema.path());
    throw failure("Table '" + name + "' of schema '" + path + "' is the union of " + schema.databases().size()
        + " D1 databases and cannot be written; write to one database's table, such as " + path + "."
        + schema.databases().keySet().iterator().next() + "." + name + ".", "25006");
  }

  /** This table in each database that has it, by database name, in the schema's order. */
  private Map<String, D1Table> tables() {
    Map<String, D1Table> tables = new LinkedHashMap<>();
    schema.databases().forEach((db, d1) -> {
      if (d1.getTable(name) instanceof D1Table t) {
        tables.put(db, t);
      }
    });
    return tables;
  }

  private static D1SchemaException failure(String message, String sqlState) {
    return new D1SchemaException(message, new SQLException(message, sqlState));
  }

  @Override public String toString() {
    return "D1FanOutTable{" + String.join(".", schema.path()) + "." + name + "}";
  }
}
