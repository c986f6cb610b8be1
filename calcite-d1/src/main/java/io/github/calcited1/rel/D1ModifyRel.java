package io.github.calcited1.rel;

import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.prepare.Prepare;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.core.TableModify;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rex.RexNode;

import java.util.List;

/**
 * What the two physical modifications of a D1 table share ({@link D1TableModify}: one statement inside D1;
 * {@link D1EnumerableModify}: rows computed by Calcite): the target table, the columns an INSERT gives, and a cost
 * that is a fixed fraction of Calcite's, so that the planner prefers them to its own EnumerableTableModify (and the
 * pushed statement to computed rows).
 */
abstract class D1ModifyRel extends TableModify implements EnumerableRel {
  final D1Table target;
  final D1ColumnDefaults.InsertColumns insertColumns;
  private final double costFactor;

  D1ModifyRel(RelOptCluster cluster, RelTraitSet traitSet, RelOptTable table, Prepare.CatalogReader catalogReader,
      RelNode input, Operation operation, List<String> updateColumnList, List<RexNode> sourceExpressionList,
      boolean flattened, D1Table target, D1ColumnDefaults.InsertColumns insertColumns, double costFactor) {
    super(cluster, traitSet, table, catalogReader, input, operation, updateColumnList, sourceExpressionList,
        flattened);
    this.target = target;
    this.insertColumns = insertColumns;
    this.costFactor = costFactor;
  }

  @Override
  public RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
    RelOptCost cost = super.computeSelfCost(planner, mq);
    return cost == null ? null : cost.multiplyBy(costFactor);
  }

  @Override
  public RelWriter explainTerms(RelWriter pw) {
    return D1ColumnDefaults.explain(super.explainTerms(pw), insertColumns, getTable());
  }

  /** Names of the table columns the input gives, in input order. */
  String[] insertColumnNames() {
    List<String> names = getTable().getRowType().getFieldNames();
    return insertColumns.columns().stream().map(names::get).toArray(String[]::new);
  }
}
