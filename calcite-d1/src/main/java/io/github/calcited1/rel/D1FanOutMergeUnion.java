package io.github.calcited1.rel;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableMergeUnion;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.util.BuiltInMethod;
import org.apache.calcite.util.Pair;
import org.apache.calcite.util.Util;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A sorted UNION ALL (top-N over several databases: each database sends its own first N rows, sorted) whose D1
 * inputs send their requests at the same time; Calcite's {@link EnumerableMergeUnion} opens its inputs one after
 * another. The merge itself is Calcite's ({@code EnumerableDefaults.mergeUnion}).
 */
public final class D1FanOutMergeUnion extends EnumerableMergeUnion {
  D1FanOutMergeUnion(RelOptCluster cluster, RelTraitSet traits, List<RelNode> inputs, boolean all) {
    super(cluster, traits, inputs, all);
  }

  @Override public D1FanOutMergeUnion copy(RelTraitSet traitSet, List<RelNode> inputs, boolean all) {
    return new D1FanOutMergeUnion(getCluster(), traitSet, inputs, all);
  }

  /** Cheaper than the {@link EnumerableMergeUnion} it replaces, so the planner keeps it. */
  @Override public @Nullable RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
    RelOptCost cost = super.computeSelfCost(planner, mq);
    return cost == null ? null : cost.multiplyBy(0.5);
  }

  @Override public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
    PhysType physType = PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(), JavaRowFormat.ARRAY);
    BlockBuilder builder = new BlockBuilder();
    List<Expression> arguments = new ArrayList<>(D1FanOutUnion.inputs(this, implementor, builder, physType));
    Pair<Expression, Expression> key = physType.generateCollationKey(getTraitSet().getCollation().getFieldCollations());
    arguments.add(key.left);
    arguments.add(key.right);
    arguments.add(Expressions.constant(all));
    arguments.add(Util.first(physType.comparer(), Expressions.call(BuiltInMethod.IDENTITY_COMPARER.method)));
    builder.add(Expressions.call(D1Method.FAN_OUT_MERGE_UNION.method, arguments));
    return implementor.result(physType, builder.toBlock());
  }
}
