package io.github.calcited1.rel;

import org.apache.calcite.plan.Convention;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.prepare.Prepare;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.core.TableModify;
import org.apache.calcite.rex.RexNode;

import java.util.List;

/**
 * The logical INSERT into a D1 table, as {@code D1Table.toModificationRel} returns it, in the private convention
 * {@link #D1_LOGICAL}. Calcite's stock modify rules (EnumerableTableModifyRule, and every JDBC schema's
 * JdbcTableModificationRule, which never checks the target's convention) match only {@code Convention.NONE}, so none
 * of them can claim an insert into D1 any more: before this, {@code INSERT INTO d1.t SELECT ... FROM other_jdbc.x} was
 * planned as a JdbcTableModify of the other database and sent there. Only {@link D1WriteRules} convert it.
 */
public final class D1LogicalTableModify extends TableModify {
  /** The private convention of D1 modifications before planning. */
  public static final Convention D1_LOGICAL = new Convention.Impl("D1_LOGICAL", RelNode.class);

  private final boolean pushable;
  private final D1ColumnDefaults.InsertColumns insertColumns;

  D1LogicalTableModify(RelOptCluster cluster, RelTraitSet traitSet, RelOptTable table,
      Prepare.CatalogReader catalogReader, RelNode input, Operation operation, List<String> updateColumnList,
      List<RexNode> sourceExpressionList, boolean flattened, boolean pushable,
      D1ColumnDefaults.InsertColumns insertColumns) {
    super(cluster, traitSet, table, catalogReader, input, operation, updateColumnList, sourceExpressionList,
        flattened);
    this.pushable = pushable;
    this.insertColumns = insertColumns;
  }

  /**
   * What {@code D1Table.toModificationRel} returns. The modification can become one statement inside D1 only when
   * every table its input reads is in the target's D1 database. An INSERT's input loses the columns left to D1's
   * defaults ({@link D1ColumnDefaults#omitDefaults}).
   */
  public static D1LogicalTableModify create(D1Table target, RelOptCluster cluster, RelOptTable table,
      Prepare.CatalogReader catalogReader, RelNode child, Operation operation, List<String> updateColumnList,
      List<RexNode> sourceExpressionList, boolean flattened) {
    D1ColumnDefaults.InsertColumns insertColumns =
        D1ColumnDefaults.InsertColumns.all(table.getRowType().getFieldCount());
    if (operation == Operation.INSERT) {
      D1ColumnDefaults.Omitted omitted = D1ColumnDefaults.omitDefaults(child);
      child = omitted.input();
      insertColumns = omitted.columns();
    }
    boolean pushable = false;
    List<RelOptTable> tables = RelOptUtil.findAllTables(child);
    if (!tables.isEmpty()) {
      pushable = true;
      for (RelOptTable t : tables) {
        D1Table d = t.unwrap(D1Table.class);
        if (d == null || d.schema().convention() != target.schema().convention()) {
          pushable = false;
        }
      }
    }
    return new D1LogicalTableModify(cluster, cluster.traitSetOf(D1_LOGICAL), table, catalogReader, child,
        operation, updateColumnList, sourceExpressionList, flattened, pushable, insertColumns);
  }

  /** Whether the input reads only tables of the target's D1 database (and at least one). */
  public boolean pushable() {
    return pushable;
  }

  /** The table columns the input gives (all of them unless an INSERT leaves some to D1's defaults). */
  public D1ColumnDefaults.InsertColumns insertColumns() {
    return insertColumns;
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new D1LogicalTableModify(getCluster(), traitSet, getTable(), getCatalogReader(), sole(inputs),
        getOperation(), getUpdateColumnList(), getSourceExpressionList(), isFlattened(), pushable, insertColumns);
  }

  @Override
  public RelWriter explainTerms(RelWriter pw) {
    return D1ColumnDefaults.explain(super.explainTerms(pw), insertColumns, getTable());
  }

  /** Planners call this once for the class: the D1 modify rules arrive with the first D1 modification. */
  @Override
  public void register(RelOptPlanner planner) {
    D1WriteRules.register(planner);
  }
}
