package io.github.calcited1.rel;

import com.google.common.collect.ImmutableSet;
import java.util.List;
import java.util.Set;
import org.apache.calcite.adapter.jdbc.JdbcImplementor;
import org.apache.calcite.adapter.jdbc.JdbcRel;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.SingleRel;
import org.apache.calcite.rel.core.CorrelationId;
import org.apache.calcite.rel.metadata.RelMdUtil;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;

/**
 * A filter by {@code EXISTS} / {@code NOT EXISTS} sub-queries that D1 answers as written, correlated: each one
 * probe of an index per row of the input ({@link D1CorrelatedExists} says which sub-queries qualify, and why).
 * Made in convention NONE over logical rels; {@link D1Rules.D1ExistsFilterRule} puts it, with its input, in its
 * database's convention, and {@link D1Implementor} writes it as a WHERE with the sub-queries.
 *
 * <p>It is not a {@code Filter}: Calcite's sub-query removal, which would decorrelate the sub-queries, and its
 * filter rules, which would move them where no rule can push them, match filters only.
 */
public final class D1ExistsFilter extends SingleRel implements JdbcRel {
  private final RexNode condition;
  private final ImmutableSet<CorrelationId> variablesSet;
  private final D1Convention database;

  D1ExistsFilter(RelOptCluster cluster, RelTraitSet traits, RelNode input, RexNode condition,
      Set<CorrelationId> variablesSet, D1Convention database) {
    super(cluster, traits, input);
    this.condition = condition;
    this.variablesSet = ImmutableSet.copyOf(variablesSet);
    this.database = database;
  }

  /** The conjunction of the sub-queries, each {@code EXISTS} or {@code NOT EXISTS}. */
  public RexNode condition() {
    return condition;
  }

  /** The convention of the database every table of the input and of the sub-queries is in. */
  public D1Convention database() {
    return database;
  }

  /** The correlation variables through which the sub-queries read the input's row. */
  @Override public Set<CorrelationId> getVariablesSet() {
    return variablesSet;
  }

  @Override public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new D1ExistsFilter(getCluster(), traitSet, sole(inputs), condition, variablesSet, database);
  }

  @Override public RelNode accept(RexShuttle shuttle) {
    RexNode c = shuttle.apply(condition);
    return c == condition ? this
        : new D1ExistsFilter(getCluster(), getTraitSet(), getInput(), c, variablesSet, database);
  }

  @Override public RelWriter explainTerms(RelWriter pw) {
    return super.explainTerms(pw).item("condition", condition);
  }

  @Override public double estimateRowCount(RelMetadataQuery mq) {
    return RelMdUtil.estimateFilteredRows(getInput(), condition, mq);
  }

  @Override public JdbcImplementor.Result implement(JdbcImplementor implementor) {
    return implementor.implement(this);
  }
}
