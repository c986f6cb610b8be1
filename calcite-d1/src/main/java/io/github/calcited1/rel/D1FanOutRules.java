package io.github.calcited1.rel;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.enumerable.EnumerableMergeUnion;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.volcano.RelSubset;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.convert.Converter;
import org.apache.calcite.rel.convert.ConverterRule;
import org.apache.calcite.rel.core.Union;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.logical.LogicalUnion;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.rules.AggregateUnionTransposeRule;
import org.apache.calcite.rex.RexTableInputRef;

/**
 * Rules for a UNION ALL over tables of several D1 databases, such as a
 * {@link io.github.calcited1.rel.D1FanOutTable}.
 * Calcite's own rules move work into each input, so that it becomes part of that database's one statement: filters
 * ({@code FilterSetOpTransposeRule}, registered by {@link D1Convention}), projections (the field trimmer), top-N
 * ({@code SortUnionTransposeRule}) and, added here, partial aggregates ({@link AggregateUnionTransposeRule}: COUNT,
 * SUM, MIN, MAX per database, merged in Calcite; AVG arrives as SUM and COUNT). {@link D1FanOutUnion} then sends the
 * inputs' requests at the same time.
 *
 * <p>Both apply only to unions whose inputs read tables of at least two D1 schemas and nothing else, so a union
 * inside one database stays one statement, planned as before.
 */
public final class D1FanOutRules {
  private D1FanOutRules() {}

  public static final RelOptRule AGGREGATE_UNION_TRANSPOSE = AggregateUnionTransposeRule.Config.DEFAULT
      .withDescription("D1FanOutAggregateUnionTransposeRule")
      .withOperandSupplier(b0 -> b0.operand(LogicalAggregate.class)
          .oneInput(b1 -> b1.operand(LogicalUnion.class).predicate(D1FanOutRules::spansDatabases).anyInputs()))
      .as(AggregateUnionTransposeRule.Config.class)
      .toRule();

  public static final RelOptRule UNION = ConverterRule.Config.INSTANCE
      .withConversion(LogicalUnion.class, D1FanOutRules::spansDatabases, Convention.NONE,
          EnumerableConvention.INSTANCE, "D1FanOutUnionRule")
      .withRuleFactory(UnionRule::new)
      .toRule(UnionRule.class);

  /** Calcite's sorted union (top-N: each input sorted and limited), replaced by one that opens its inputs at once. */
  public static final RelOptRule MERGE_UNION = new MergeUnionRule();

  public static void register(RelOptPlanner planner) {
    planner.addRule(AGGREGATE_UNION_TRANSPOSE);
    planner.addRule(UNION);
    planner.addRule(MERGE_UNION);
  }

  /** A UNION ALL whose inputs read only D1 tables, of at least two D1 schemas. */
  static boolean spansDatabases(Union union) {
    if (!union.all) {
      return false;
    }
    Set<List<String>> schemas = new HashSet<>();
    for (RelNode input : union.getInputs()) {
      Set<RexTableInputRef.RelTableRef> tables = tables(input, union.getCluster().getMetadataQuery(), 0);
      if (tables == null) {
        return false;
      }
      for (RexTableInputRef.RelTableRef table : tables) {
        D1Table d1 = table.getTable().unwrap(D1Table.class);
        if (d1 == null) {
          return false;
        }
        schemas.add(d1.schema().path());
      }
    }
    return schemas.size() > 1;
  }

  /** Whether an input of {@code rel} reads a table that is not one of {@code schema}'s, as far as Calcite can tell. */
  static boolean readsOtherDatabase(RelNode rel, D1Schema schema) {
    for (RelNode input : rel.getInputs()) {
      Set<RexTableInputRef.RelTableRef> tables = tables(input, rel.getCluster().getMetadataQuery(), 0);
      if (tables != null) {
        for (RexTableInputRef.RelTableRef table : tables) {
          D1Table d1 = table.getTable().unwrap(D1Table.class);
          if (d1 == null || d1.schema() != schema) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * The tables a rel reads, or null if unknown. Calcite's metadata knows no converter, and while planning an input
   * may be a subset whose cheapest rel is {@link D1ToEnumerableConverter}: look through converters, and through a
   * subset's rels (to a bounded depth: subsets of one set can hold converters of each other).
   */
  private static Set<RexTableInputRef.RelTableRef> tables(RelNode rel, RelMetadataQuery mq, int depth) {
    if (depth > 4) {
      return null;
    }
    if (rel instanceof RelSubset subset) {
      for (RelNode r : subset.getRelList()) {
        Set<RexTableInputRef.RelTableRef> tables = tables(r, mq, depth + 1);
        if (tables != null) {
          return tables;
        }
      }
      return null;
    }
    return rel instanceof Converter c ? tables(c.getInput(), mq, depth + 1) : mq.getTableReferences(rel);
  }

  /** Converts such a UNION ALL into a {@link D1FanOutUnion}. */
  public static final class UnionRule extends ConverterRule {
    UnionRule(Config config) {
      super(config);
    }

    @Override public RelNode convert(RelNode rel) {
      Union union = (Union) rel;
      return new D1FanOutUnion(union.getCluster(), union.getTraitSet().replace(EnumerableConvention.INSTANCE),
          convertList(union.getInputs(), EnumerableConvention.INSTANCE));
    }
  }

  /** Replaces an {@link EnumerableMergeUnion} of several D1 databases' statements by a {@link D1FanOutMergeUnion}. */
  public static final class MergeUnionRule extends RelOptRule {
    MergeUnionRule() {
      super(operandJ(EnumerableMergeUnion.class, null,
          u -> !(u instanceof D1FanOutMergeUnion) && spansDatabases(u), any()), "D1FanOutMergeUnionRule");
    }

    @Override public void onMatch(RelOptRuleCall call) {
      EnumerableMergeUnion union = call.rel(0);
      call.transformTo(new D1FanOutMergeUnion(union.getCluster(), union.getTraitSet(), union.getInputs(), union.all));
    }
  }
}
