package io.github.calcited1.rel;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.calcite.adapter.java.AbstractQueryableTable;
import org.apache.calcite.linq4j.QueryProvider;
import org.apache.calcite.linq4j.Queryable;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.prepare.Prepare;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.TableModify;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.schema.ModifiableTable;
import org.apache.calcite.schema.Schema;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.Statistic;
import org.apache.calcite.schema.Statistics;
import org.apache.calcite.schema.TranslatableTable;
import org.apache.calcite.sql2rel.InitializerExpressionFactory;
import org.apache.calcite.util.ImmutableBitSet;
import io.github.calcited1.catalog.D1Catalog;
import io.github.calcited1.catalog.D1Types;

/**
 * A D1 table or view. It is read only through {@link D1TableScan} in its schema's convention, so that everything
 * above it that D1 computes exactly becomes part of one SQLite statement.
 */
public class D1Table extends AbstractQueryableTable implements TranslatableTable, ModifiableTable {
  protected final D1Schema schema;
  protected final D1Catalog.Table table;
  /** {@link #table()}, once known. */
  private volatile D1Catalog.Table typed;

  public D1Table(D1Schema schema, D1Catalog.Table table) {
    super(Object[].class);
    this.schema = schema;
    this.table = table;
  }

  public D1Schema schema() {
    return schema;
  }

  /**
   * The catalog entry: name, kind and columns with their declared types, a view's computed columns typed by their
   * values ({@link D1Catalog#typed}: one request the first time the view is used after a catalog load).
   */
  public D1Catalog.Table table() {
    D1Catalog.Table t = typed;
    if (t == null) {
      t = table.hasComputedColumns() ? schema.typed(table) : table;
      typed = t;
    }
    return t;
  }

  /** The table's name in D1. */
  public String name() {
    return table.name();
  }

  @Override public RelDataType getRowType(RelDataTypeFactory typeFactory) {
    RelDataTypeFactory.Builder b = typeFactory.builder();
    D1Catalog.Table table = table();
    String rowidAlias = table.rowidAlias().orElse(null);
    for (D1Catalog.Column c : table.columns()) {
      // SQLite keeps NULL out of the rowid alias and of a WITHOUT ROWID table's key, whatever the declaration says;
      // other key columns of a rowid table (a composite key, PRIMARY KEY DESC) can hold NULL.
      boolean notNull = c.notNull() || c.name().equals(rowidAlias) || table.withoutRowid() && c.isPrimaryKey();
      b.add(c.name(), D1Types.columnType(typeFactory, c.declaredType(), !notNull));
    }
    return b.build();
  }

  @Override public Statistic getStatistic() {
    List<Integer> pk = new ArrayList<>();
    for (int i = 0; i < table.columns().size(); i++) {
      if (table.columns().get(i).isPrimaryKey()) {
        pk.add(i);
      }
    }
    return pk.isEmpty() ? Statistics.UNKNOWN : Statistics.of(null, List.of(ImmutableBitSet.of(pk)), null, null);
  }

  @Override public Schema.TableType getJdbcTableType() {
    return table.isView() ? Schema.TableType.VIEW : Schema.TableType.TABLE;
  }

  @Override public RelNode toRel(RelOptTable.ToRelContext context, RelOptTable relOptTable) {
    RelOptCluster cluster = context.getCluster();
    return new D1TableScan(cluster, context.getTableHints(), relOptTable, this, schema.convention());
  }

  /** Not used: as a {@link TranslatableTable} this table is always planned through {@link #toRel}. */
  @Override public <T> Queryable<T> asQueryable(QueryProvider queryProvider, SchemaPlus schema, String tableName) {
    throw new UnsupportedOperationException("D1 table " + tableName + " is read through the D1 convention");
  }

  /** Write path: D1 tables are not collections; writes are planned by {@link D1WriteRules}. */
  @Override public Collection<?> getModifiableCollection() {
    return null;
  }

  /**
   * Write path: an INSERT becomes a D1LogicalTableModify in the private D1_LOGICAL convention, which only
   * D1WriteRules convert (no other adapter's modify rule can claim a D1 table). Calcite calls this for INSERT only;
   * UPDATE, DELETE and MERGE arrive as its own LogicalTableModify, which D1WriteRules also convert.
   */
  @Override public TableModify toModificationRel(RelOptCluster cluster, RelOptTable table,
      Prepare.CatalogReader catalogReader, RelNode child, TableModify.Operation operation,
      List<String> updateColumnList, List<RexNode> sourceExpressionList, boolean flattened) {
    return D1LogicalTableModify.create(this, cluster, table, catalogReader, child,
        operation, updateColumnList, sourceExpressionList, flattened);
  }

  /** Write path: DEFAULT clauses, generated columns and the rowid alias ({@link D1ColumnDefaults}). */
  @Override public <C> C unwrap(Class<C> aClass) {
    if (aClass == InitializerExpressionFactory.class) {
      return aClass.cast(new D1ColumnDefaults(table));
    }
    return super.unwrap(aClass);
  }

  @Override public String toString() {
    return "D1Table{" + table.name() + "}";
  }
}
