package io.github.calcited1.rel;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.adapter.jdbc.JdbcRules;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.plan.volcano.RelSubset;
import org.apache.calcite.rel.InvalidRelException;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.convert.ConverterRule;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Intersect;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinInfo;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Minus;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.SetOp;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.Union;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * The planner rules of a {@link D1Convention}: Calcite's JDBC rules, each guarded by what D1 computes exactly
 * ({@link D1Expressions}), plus a rule that splits a filter so that its pushable conjuncts still reach D1, and the
 * converter to Enumerable. Not used from the JDBC set: its own converter (JDBC's needs a DataSource), table
 * modification (the write path's), and VALUES (constant rows are cheaper in Calcite than over HTTP).
 */
public final class D1Rules {
  /** SQLite's SQLITE_LIMIT_COMPOUND_SELECT on D1: at most 5 terms in a UNION/INTERSECT/EXCEPT. */
  public static final int MAX_COMPOUND_TERMS = 5;

  private D1Rules() {}

  /**
   * {@code canPush}, and no input reads a table of another database. Without this, each D1 schema's rules would
   * build a copy of every operator for its own convention (a rel of every convention over inputs that can never be
   * in it): with a 50-database fan-out, 50 copies of everything, and minutes of planning. Inputs whose tables
   * Calcite's metadata cannot tell are let through, as before.
   */
  static <R extends RelNode> java.util.function.Predicate<R> inDatabase(D1Convention out,
      java.util.function.Predicate<R> canPush) {
    return rel -> !D1FanOutRules.readsOtherDatabase(rel, out.schema()) && canPush.test(rel);
  }

  /** The rules for one convention. */
  public static List<RelOptRule> rules(D1Convention out) {
    List<RelOptRule> rules = new ArrayList<>();
    rules.add(D1ToEnumerableConverterRule.create(out));
    rules.add(D1JoinRule.create(out));
    rules.add(D1ProjectRule.create(out));
    rules.add(D1FilterRule.create(out));
    rules.add(D1AggregateRule.create(out));
    rules.add(D1SortRule.create(out));
    rules.add(D1UnionRule.create(out));
    rules.add(D1IntersectRule.create(out));
    rules.add(D1MinusRule.create(out));
    rules.add(D1ExistsFilterRule.create(out));
    rules.add(FilterSplitRule.INSTANCE);
    rules.add(LiteralAggRule.INSTANCE);
    return rules;
  }

  /** Join whose condition D1 evaluates exactly. */
  public static final class D1JoinRule extends JdbcRules.JdbcJoinRule {
    static D1JoinRule create(D1Convention out) {
      return Config.INSTANCE
          .withConversion(Join.class, inDatabase(out, (Join j) -> D1Expressions.canPush(j.getCondition())),
              Convention.NONE, out, "D1JoinRule")
          .withRuleFactory(D1JoinRule::new)
          .toRule(D1JoinRule.class);
    }

    D1JoinRule(Config config) {
      super(config);
    }

    /**
     * Also a SEMI join whose right side is unique on the condition's equi-join keys (a grouped aggregate on them, a
     * primary key), which Calcite's JDBC rule leaves out: it is the INNER join projected to the left columns (each
     * left row matches at most one right row, so no row repeats), and SQLite runs a join over a grouped sub-query
     * well. Calcite makes such joins of comparisons with a correlated scalar aggregate ({@code l_quantity < (SELECT
     * 0.2 * AVG(l_quantity) ... WHERE l_partkey = p_partkey)}, TPC-H's Q17). Other SEMI joins on one {@code =} key and
     * nothing else are pushed as they are ({@link #semiJoin}); the rest, and ANTI joins, stay in Calcite: as a
     * correlated {@code [NOT] EXISTS} SQLite re-ran the sub-query per outer row (TPC-H's Q21 took 17 s instead of
     * 1.6 s at 600,000 line items). The JDBC rule's own check of the condition (column = column) is not needed:
     * {@link D1Expressions} has vetted the whole condition.
     */
    @Override public RelNode convert(RelNode rel) {
      Join join = (Join) rel;
      if (join.getJoinType().projectsRight()) {
        return super.convert(rel);
      }
      if (join.getJoinType() != JoinRelType.SEMI || !isUniqueOnKeys(join)) {
        return isOneKeySemiJoin(join) && !D1SemiJoinReduction.isOneTable(join.getRight()) ? semiJoin(join) : null;
      }
      List<RelNode> inputs = convertedInputs(join);
      RelNode inner;
      try {
        inner = new JdbcRules.JdbcJoin(join.getCluster(), join.getTraitSet().replace(out), inputs.get(0),
            inputs.get(1), join.getCondition(), join.getVariablesSet(), JoinRelType.INNER);
      } catch (InvalidRelException e) {
        return null; // not a join JdbcJoin can represent: Calcite joins
      }
      RexBuilder rex = join.getCluster().getRexBuilder();
      List<RexNode> left = new ArrayList<>();
      for (int i = 0; i < join.getLeft().getRowType().getFieldCount(); i++) {
        left.add(rex.makeInputRef(inner, i));
      }
      return new D1Project(join.getCluster(), inner.getTraitSet(), inner, left, join.getRowType());
    }

    /**
     * A SEMI join as it is: {@link D1Implementor} writes it as {@code k IN (SELECT ...)}. Only where the right side
     * is more than one filtered table: over one table, Calcite's alternatives (the INNER join with the table, or with
     * its distinct keys) are pushed already, and the SEMI join won Volcano's costs there under a needless
     * {@code ORDER BY} of the 8-join input in D1PlanningTest (benchmarks).
     */
    private RelNode semiJoin(Join join) {
      List<RelNode> inputs = convertedInputs(join);
      try {
        return new JdbcRules.JdbcJoin(join.getCluster(), join.getTraitSet().replace(out), inputs.get(0),
            inputs.get(1), join.getCondition(), join.getVariablesSet(), JoinRelType.SEMI);
      } catch (InvalidRelException e) {
        return null; // not a join JdbcJoin can represent: Calcite joins
      }
    }

    private List<RelNode> convertedInputs(Join join) {
      return join.getInputs().stream().map(i -> convert(i, i.getTraitSet().replace(out))).toList();
    }

    /**
     * Whether this is a SEMI join whose condition is one {@code =} of a left and a right column and nothing else: the
     * form {@link D1Implementor} writes as {@code IN}. Not on TIMESTAMP keys, which compare through their timestamp
     * key ({@link D1ExactSql#TIMESTAMP_KEY}), not as the stored text {@code IN} would compare.
     */
    static boolean isOneKeySemiJoin(Join join) {
      if (join.getJoinType() != JoinRelType.SEMI) {
        return false;
      }
      JoinInfo info = JoinInfo.createWithStrictEquality(join.getLeft(), join.getRight(), join.getCondition());
      return info.isEqui() && info.leftKeys.size() == 1 && join.getLeft().getRowType().getFieldList()
          .get(info.leftKeys.get(0)).getType().getSqlTypeName() != SqlTypeName.TIMESTAMP;
    }

    /**
     * Whether the right side of the join has at most one row per value of the condition's {@code =} keys. Only
     * {@code =} counts ({@code IS NOT DISTINCT FROM} would match NULL keys, which may repeat), so NULL keys never
     * match and uniqueness among the other values suffices.
     */
    private static boolean isUniqueOnKeys(Join join) {
      JoinInfo info = JoinInfo.createWithStrictEquality(join.getLeft(), join.getRight(), join.getCondition());
      return !info.rightKeys.isEmpty() && Boolean.TRUE.equals(join.getCluster().getMetadataQuery()
          .areColumnsUnique(join.getRight(), ImmutableBitSet.of(info.rightKeys), true));
    }
  }

  /** Projection of expressions D1 evaluates exactly. */
  public static final class D1ProjectRule extends JdbcRules.JdbcProjectRule {
    static D1ProjectRule create(D1Convention out) {
      return Config.INSTANCE
          .withConversion(Project.class, inDatabase(out, (Project p) -> D1Expressions.canPush(guardedDivisions(p))),
              Convention.NONE, out, "D1ProjectRule")
          .withRuleFactory(D1ProjectRule::new)
          .toRule(D1ProjectRule.class);
    }

    D1ProjectRule(Config config) {
      super(config);
    }

    @Override public RelNode convert(RelNode rel) {
      Project project = (Project) rel;
      RelTraitSet traits = rel.getTraitSet().replace(out);
      return new D1Project(rel.getCluster(), traits,
          convert(project.getInput(), project.getInput().getTraitSet().replace(out)), guardedDivisions(project),
          project.getRowType());
    }

    /**
     * The projections, with each division by a count that cannot be 0 written as a division by zero that cannot
     * happen, {@code CASE WHEN c = 0 THEN NULL ELSE x END / c}, the form D1 is given ({@link D1Expressions}:
     * SQLite's {@code x / 0} is NULL, Calcite's an error). The count is {@code COUNT(*)} (or COUNT of a
     * non-nullable value) of an aggregate with GROUP BY: every group has a row. This is how an AVG of a
     * non-nullable value per group arrives ({@code $SUM0 / COUNT()}), e.g. the correlated {@code AVG} sub-query of
     * TPC-H's Q17 after decorrelation.
     */
    static List<RexNode> guardedDivisions(Project project) {
      List<Integer> counts = nonZeroCounts(project.getInput());
      if (counts.isEmpty()) {
        return project.getProjects();
      }
      RexBuilder rex = project.getCluster().getRexBuilder();
      RexShuttle guard = new RexShuttle() {
        @Override public RexNode visitCall(RexCall call) {
          RexCall visited = (RexCall) super.visitCall(call);
          if (visited.getKind() != SqlKind.DIVIDE || !(visited.getOperands().get(1) instanceof RexInputRef count)
              || !counts.contains(count.getIndex())
              || D1Expressions.isNullWhenZero(visited.getOperands().get(0), count)) {
            return visited;
          }
          RexNode dividend = visited.getOperands().get(0);
          RexNode guarded = rex.makeCall(SqlStdOperatorTable.CASE, rex.makeCall(SqlStdOperatorTable.EQUALS, count,
              rex.makeZeroLiteral(count.getType())), rex.makeNullLiteral(dividend.getType()), dividend);
          return visited.clone(visited.getType(), List.of(guarded, count));
        }
      };
      return project.getProjects().stream().map(e -> e.accept(guard)).toList();
    }

    /** The input's columns that are a COUNT never 0: see {@link #guardedDivisions}. */
    private static List<Integer> nonZeroCounts(RelNode input) {
      List<RelNode> rels = input instanceof RelSubset subset ? subset.getRelList() : List.of(input);
      List<Integer> counts = new ArrayList<>();
      for (RelNode rel : rels) {
        if (!(rel instanceof Aggregate aggregate) || aggregate.getGroupCount() == 0
            || aggregate.getGroupType() != Aggregate.Group.SIMPLE) {
          continue;
        }
        List<AggregateCall> calls = aggregate.getAggCallList();
        for (int i = 0; i < calls.size(); i++) {
          AggregateCall call = calls.get(i);
          if (call.getAggregation().getKind() == SqlKind.COUNT && !call.isDistinct() && call.filterArg < 0
              && call.getArgList().stream().noneMatch(
                  a -> aggregate.getInput().getRowType().getFieldList().get(a).getType().isNullable())) {
            counts.add(aggregate.getGroupCount() + i);
          }
        }
      }
      return counts;
    }
  }

  /**
   * A projection inside a D1 statement. One that only selects columns of a (filtered) table costs almost nothing:
   * SQLite does it while reading the rows, and what matters is what travels back, which {@link D1ToEnumerableConverter}
   * costs per row and per value. So such a projection (the field trimmer puts one over each table) is worth
   * pushing even below a filter that stays in Calcite: column pruning. Other projections cost as JDBC's do, which
   * keeps the plans Volcano finds for them (a cheaper projection over, say, a filter lost to sibling rels of its
   * set, whose row estimate the converter's cost then used).
   */
  public static final class D1Project extends JdbcRules.JdbcProject {
    /** Cost per row, in Calcite rows; well under {@link D1ToEnumerableConverter#VALUE_TRANSFER_COST}. */
    static final double ROW_COST = 0.001;

    D1Project(RelOptCluster cluster, RelTraitSet traits, RelNode input, List<? extends RexNode> projects,
        RelDataType rowType) {
      super(cluster, traits, input, projects, rowType);
    }

    @Override public D1Project copy(RelTraitSet traits, RelNode input, List<RexNode> projects,
        RelDataType rowType) {
      return new D1Project(getCluster(), traits, input, projects, rowType);
    }

    @Override public RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
      if (!getProjects().stream().allMatch(e -> e instanceof RexInputRef) || !isTableScan(getInput())) {
        // (Over a filter too: costing per row, the projection above the filter is cheaper than below it, and
        // the statement stays one plain, paged SELECT.)
        return super.computeSelfCost(planner, mq); // as JDBC's: keeps the plans Volcano found before
      }
      double rows = mq.getRowCount(this);
      return planner.getCostFactory().makeCost(rows * ROW_COST, rows * ROW_COST, 0);
    }

    /** Whether the input is a table, possibly filtered: what the keyset pages read as one plain SELECT. */
    private static boolean isTableScan(RelNode input) {
      return isTableScan(input, 0);
    }

    private static boolean isTableScan(RelNode input, int depth) {
      List<RelNode> rels = input instanceof RelSubset subset ? subset.getRelList() : List.of(input);
      for (RelNode rel : rels) {
        if (rel instanceof D1TableScan
            || depth < 2 && rel instanceof Filter f && isTableScan(f.getInput(), depth + 1)) {
          return true;
        }
      }
      return false;
    }
  }

  /** Filter whose whole condition D1 evaluates exactly; see {@link FilterSplitRule} for the rest. */
  public static final class D1FilterRule extends JdbcRules.JdbcFilterRule {
    static D1FilterRule create(D1Convention out) {
      return Config.INSTANCE
          .withConversion(Filter.class, inDatabase(out, (Filter f) -> D1Expressions.canPush(f.getCondition())),
              Convention.NONE, out, "D1FilterRule")
          .withRuleFactory(D1FilterRule::new)
          .toRule(D1FilterRule.class);
    }

    D1FilterRule(Config config) {
      super(config);
    }
  }

  /** {@link D1ExistsFilter} of this database, with its input, in its convention. */
  public static final class D1ExistsFilterRule extends ConverterRule {
    static D1ExistsFilterRule create(D1Convention out) {
      return Config.INSTANCE
          .withConversion(D1ExistsFilter.class, (D1ExistsFilter f) -> f.database() == out, Convention.NONE, out,
              "D1ExistsFilterRule")
          .withRuleFactory(D1ExistsFilterRule::new)
          .toRule(D1ExistsFilterRule.class);
    }

    D1ExistsFilterRule(Config config) {
      super(config);
    }

    @Override public RelNode convert(RelNode rel) {
      D1ExistsFilter filter = (D1ExistsFilter) rel;
      RelTraitSet traits = filter.getTraitSet().replace(getOutConvention());
      return filter.copy(traits, List.of(convert(filter.getInput(), filter.getInput().getTraitSet()
          .replace(getOutConvention()))));
    }
  }

  /**
   * Aggregate of COUNT, SUM, MIN and MAX (AVG arrives decomposed), grouped by orderable keys (TIMESTAMP through
   * its timestamp key). SUM of integers, doubles, and DECIMALs as scaled integers ({@link D1ExactSql#sum},
   * {@link #isExactDecimal}). An integer SUM that overflows 64 bits is an error in SQLite ("integer overflow"),
   * never a wrong number.
   */
  public static final class D1AggregateRule extends JdbcRules.JdbcAggregateRule {
    static D1AggregateRule create(D1Convention out) {
      return Config.INSTANCE
          .withConversion(Aggregate.class, inDatabase(out, D1AggregateRule::canPush),
              Convention.NONE, out, "D1AggregateRule")
          .withRuleFactory(D1AggregateRule::new)
          .toRule(D1AggregateRule.class);
    }

    D1AggregateRule(Config config) {
      super(config);
    }

    private static boolean canPush(Aggregate aggregate) {
      List<RelDataTypeField> input = aggregate.getInput().getRowType().getFieldList();
      if (!aggregate.getGroupSet().asList().stream().allMatch(i -> D1Expressions.isOrderable(input.get(i).getType()))) {
        return false;
      }
      for (AggregateCall call : aggregate.getAggCallList()) {
        if (call.isApproximate() || call.distinctKeys != null || !call.collation.getFieldCollations().isEmpty()) {
          return false;
        }
        List<RelDataType> args = call.getArgList().stream().map(i -> input.get(i).getType()).toList();
        switch (call.getAggregation().getKind()) {
          case COUNT:
            if (call.isDistinct() && !args.stream().allMatch(D1Expressions::isOrderable)) {
              return false;
            }
            break;
          case SUM:
          case SUM0:
            for (int arg : call.getArgList()) {
              RelDataType t = input.get(arg).getType();
              if (!(SqlTypeUtil.isIntType(t) || SqlTypeUtil.isApproximateNumeric(t)
                  || isExactDecimal(aggregate, arg) && call.filterArg < 0)) {
                return false;
              }
            }
            break;
          case MIN:
          case MAX:
            if (!args.stream().allMatch(D1Expressions::isOrderable)) {
              return false;
            }
            break;
          default:
            return false;
        }
      }
      return true;
    }

    /**
     * A DECIMAL that D1 sums exactly as scaled integers ({@link D1ExactSql#sum}): a stored column declared with at
     * most 15 digits, or a value computed in the query (DECIMAL arithmetic, a CASE, an aggregate of a sub-query:
     * its scale is then below 15 and every value is verified as it is summed). A stored column declared wider stays
     * in Calcite, which sums any 19-digit values exactly where SQLite's 64-bit sum could fail on the way. Not with
     * FILTER, which SQL puts right after the SUM that the scaled form wraps.
     */
    private static boolean isExactDecimal(Aggregate aggregate, int field) {
      RelDataType type = aggregate.getInput().getRowType().getFieldList().get(field).getType();
      if (type.getSqlTypeName() != SqlTypeName.DECIMAL
          || type.getScale() >= D1ExactSql.MAX_PRECISION) {
        return false;
      }
      if (type.getPrecision() <= D1ExactSql.MAX_PRECISION) {
        return true;
      }
      List<RelNode> rels = aggregate.getInput() instanceof RelSubset subset ? subset.getRelList()
          : List.of(aggregate.getInput());
      return rels.stream().anyMatch(rel -> rel instanceof Project project
          && !(project.getProjects().get(field) instanceof RexInputRef)
          || rel instanceof Aggregate inner && field >= inner.getGroupCount());
    }
  }

  /** ORDER BY / LIMIT / OFFSET on keys D1 orders as Calcite does. */
  public static final class D1SortRule extends JdbcRules.JdbcSortRule {
    static D1SortRule create(D1Convention out) {
      return Config.INSTANCE
          .withConversion(Sort.class, inDatabase(out, D1SortRule::canPush),
              Convention.NONE, out, "D1SortRule")
          .withRuleFactory(D1SortRule::new)
          .toRule(D1SortRule.class);
    }

    D1SortRule(Config config) {
      super(config);
    }

    private static boolean canPush(Sort sort) {
      List<RelDataTypeField> fields = sort.getInput().getRowType().getFieldList();
      for (RelFieldCollation c : sort.getCollation().getFieldCollations()) {
        if (!D1Expressions.isOrderable(fields.get(c.getFieldIndex()).getType())) {
          return false;
        }
      }
      return (sort.offset == null || D1Expressions.canPush(sort.offset))
          && (sort.fetch == null || D1Expressions.canPush(sort.fetch));
    }
  }

  /** Whether a set operation fits D1's compound limit and, unless ALL, compares rows as Calcite does. */
  static boolean canPushSetOp(SetOp setOp) {
    return setOp.getInputs().size() <= MAX_COMPOUND_TERMS
        && (setOp.all || setOp.getRowType().getFieldList().stream()
            .allMatch(f -> D1Expressions.isComparable(f.getType())));
  }

  /** UNION [ALL] of at most 5 terms. */
  public static final class D1UnionRule extends JdbcRules.JdbcUnionRule {
    static D1UnionRule create(D1Convention out) {
      return Config.INSTANCE
          .withConversion(Union.class, inDatabase(out, D1Rules::canPushSetOp),
              Convention.NONE, out, "D1UnionRule")
          .withRuleFactory(D1UnionRule::new)
          .toRule(D1UnionRule.class);
    }

    D1UnionRule(Config config) {
      super(config);
    }
  }

  /** INTERSECT of at most 5 terms. */
  public static final class D1IntersectRule extends JdbcRules.JdbcIntersectRule {
    static D1IntersectRule create(D1Convention out) {
      return Config.INSTANCE
          .withConversion(Intersect.class, inDatabase(out, D1Rules::canPushSetOp),
              Convention.NONE, out, "D1IntersectRule")
          .withRuleFactory(D1IntersectRule::new)
          .toRule(D1IntersectRule.class);
    }

    D1IntersectRule(Config config) {
      super(config);
    }
  }

  /** EXCEPT of at most 5 terms. */
  public static final class D1MinusRule extends JdbcRules.JdbcMinusRule {
    static D1MinusRule create(D1Convention out) {
      return Config.INSTANCE
          .withConversion(Minus.class, inDatabase(out, D1Rules::canPushSetOp),
              Convention.NONE, out, "D1MinusRule")
          .withRuleFactory(D1MinusRule::new)
          .toRule(D1MinusRule.class);
    }

    D1MinusRule(Config config) {
      super(config);
    }
  }

  /**
   * Splits {@code Filter(a AND b)}, where D1 can evaluate {@code a} but not {@code b}, into
   * {@code Filter(b)} over {@code Filter(a)}, so that D1 still filters by {@code a} and Calcite evaluates
   * {@code b} on the fewest rows.
   */
  public static final class FilterSplitRule extends RelOptRule {
    public static final FilterSplitRule INSTANCE = new FilterSplitRule();

    // RelRule's configs are generated by the Immutables processor, which this build does not run.
    @SuppressWarnings("deprecation")
    private FilterSplitRule() {
      super(operand(LogicalFilter.class, any()), "D1FilterSplitRule");
    }

    @Override public void onMatch(RelOptRuleCall call) {
      Filter filter = call.rel(0);
      List<RexNode> pushable = new ArrayList<>();
      List<RexNode> kept = new ArrayList<>();
      for (RexNode conjunct : RelOptUtil.conjunctions(filter.getCondition())) {
        (D1Expressions.canPush(conjunct) ? pushable : kept).add(conjunct);
      }
      if (pushable.isEmpty() || kept.isEmpty()) {
        return;
      }
      RexBuilder rex = filter.getCluster().getRexBuilder();
      RelNode inner = LogicalFilter.create(filter.getInput(), RexUtil.composeConjunction(rex, pushable));
      call.transformTo(LogicalFilter.create(inner, RexUtil.composeConjunction(rex, kept)));
    }
  }

  /**
   * Rewrites {@code Aggregate(keys, LITERAL_AGG(v), calls)} as {@code Project(keys, v, calls)} over
   * {@code Aggregate(keys, calls)}: the same rows (LITERAL_AGG gives its literal for every group, also the one group
   * of an empty input without keys), in a form D1 runs. Calcite builds LITERAL_AGG for {@code NOT IN} and some
   * decorrelated sub-queries; without this, such a query was read as paged scans joined in Calcite.
   */
  public static final class LiteralAggRule extends RelOptRule {
    public static final LiteralAggRule INSTANCE = new LiteralAggRule();

    @SuppressWarnings("deprecation") // as FilterSplitRule
    private LiteralAggRule() {
      super(operand(LogicalAggregate.class, any()), "D1LiteralAggRule");
    }

    @Override public boolean matches(RelOptRuleCall call) {
      Aggregate aggregate = call.rel(0);
      return aggregate.getGroupType() == Aggregate.Group.SIMPLE
          && aggregate.getAggCallList().stream().anyMatch(LiteralAggRule::isLiteralAgg);
    }

    private static boolean isLiteralAgg(AggregateCall call) {
      return call.getAggregation().getKind() == SqlKind.LITERAL_AGG && call.rexList.size() == 1;
    }

    @Override public void onMatch(RelOptRuleCall call) {
      Aggregate aggregate = call.rel(0);
      List<AggregateCall> kept = aggregate.getAggCallList().stream().filter(c -> !isLiteralAgg(c)).toList();
      RelNode inner = aggregate.copy(aggregate.getTraitSet(), aggregate.getInput(), aggregate.getGroupSet(), null,
          kept);
      RexBuilder rex = aggregate.getCluster().getRexBuilder();
      List<RexNode> outputs = new ArrayList<>();
      int keys = aggregate.getGroupCount();
      for (int i = 0; i < keys; i++) {
        outputs.add(rex.makeInputRef(inner, i));
      }
      int next = keys;
      for (AggregateCall c : aggregate.getAggCallList()) {
        outputs.add(isLiteralAgg(c) ? rex.makeCast(c.getType(), c.rexList.get(0), true, false)
            : rex.makeInputRef(inner, next++));
      }
      call.transformTo(LogicalProject.create(inner, List.of(), outputs, aggregate.getRowType()));
    }
  }
}
