package io.github.calcited1.rel;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Ord;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Union;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * UNION ALL whose D1 inputs run at the same time: Calcite's {@code EnumerableUnion} reads its inputs one after
 * another, so a union of fifty databases' statements would take fifty round trips. Here every input that is one D1
 * statement sends its request at once ({@link D1FanOutRuntime#concat}), at most {@code maxParallelRequests} (the
 * smallest of the inputs' schemas') at a time; the rows still come input after input.
 */
public final class D1FanOutUnion extends Union implements EnumerableRel {
  D1FanOutUnion(RelOptCluster cluster, RelTraitSet traits, List<RelNode> inputs) {
    super(cluster, traits, inputs, true);
  }

  @Override public D1FanOutUnion copy(RelTraitSet traitSet, List<RelNode> inputs, boolean all) {
    return new D1FanOutUnion(getCluster(), traitSet, inputs);
  }

  /** Cheaper than {@code EnumerableUnion}, which Calcite also offers for the same union, so the planner picks it. */
  @Override public @Nullable RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
    RelOptCost cost = super.computeSelfCost(planner, mq);
    return cost == null ? null : cost.multiplyBy(0.5);
  }

  @Override public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
    PhysType physType = PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(), JavaRowFormat.ARRAY);
    BlockBuilder builder = new BlockBuilder();
    List<Expression> arguments = inputs(this, implementor, builder, physType);
    builder.add(Expressions.call(D1Method.FAN_OUT_CONCAT.method, arguments));
    return implementor.result(physType, builder.toBlock());
  }

  /**
   * The arguments {@link D1FanOutRuntime} takes for a union's inputs: the parallelism (the
   * smallest {@code maxParallelRequests} of the inputs' D1 schemas), the inputs' enumerables in {@code physType}'s
   * format, and which of them are one D1 statement each.
   */
  static List<Expression> inputs(EnumerableRel union, EnumerableRelImplementor implementor, BlockBuilder builder,
      PhysType physType) {
    List<Expression> children = new ArrayList<>();
    List<Expression> remote = new ArrayList<>();
    int parallelism = Integer.MAX_VALUE;
    for (Ord<RelNode> input : Ord.zip(((Union) union).getInputs())) {
      Result result = implementor.visitChild(union, input.i, (EnumerableRel) input.e, Prefer.ARRAY);
      Expression child = builder.append("child" + input.i, result.block);
      children.add(result.physType.getFormat() == physType.getFormat() ? child
          : result.physType.convertTo(child, physType.getFormat()));
      remote.add(Expressions.constant(input.e instanceof D1ToEnumerableConverter));
      if (input.e instanceof D1ToEnumerableConverter d1) {
        parallelism = Math.min(parallelism, d1.convention().schema().config().maxParallelRequests());
      }
    }
    return List.of(Expressions.constant(parallelism == Integer.MAX_VALUE ? 1 : parallelism),
        Expressions.newArrayInit(Enumerable.class, children), Expressions.newArrayInit(boolean.class, remote));
  }
}
