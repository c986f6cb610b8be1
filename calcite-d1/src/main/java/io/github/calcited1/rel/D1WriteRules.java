package io.github.calcited1.rel;

import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.convert.ConverterRule;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.hep.HepRelVertex;
import org.apache.calcite.plan.volcano.RelSubset;
import org.apache.calcite.rel.core.Calc;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.TableModify;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.logical.LogicalTableModify;

import java.util.List;

/**
 * Planner rules of the D1 write path. For a modification of a D1 table (a {@link D1LogicalTableModify} for INSERT,
 * Calcite's {@link LogicalTableModify} for UPDATE/DELETE/MERGE) two alternatives are offered:
 * <ul>
 *   <li>{@link D1TableModify}: the whole statement runs inside D1 as one SQL statement, when the input can be
 *       computed in the table's D1 convention (UPDATE/DELETE whose WHERE and SET D1 computes exactly, and
 *       INSERT ... SELECT reading only the same database); cheapest;</li>
 *   <li>{@link D1EnumerableModify}: Calcite computes the rows (from VALUES, another database, a file, or an
 *       expression D1 cannot compute) and the rows travel as packed inserts, or as by-key updates/deletes.</li>
 * </ul>
 * Calcite's own EnumerableTableModify (which would fail with an NPE or AssertionError on a D1 table) is always more
 * expensive.
 */
public final class D1WriteRules {
  private D1WriteRules() {
  }

  public static final RelOptRule PUSHED_LOGICAL = PushedRule.create(LogicalTableModify.class, Convention.NONE,
      "D1PushedModifyRule(NONE)");
  public static final RelOptRule PUSHED_D1_LOGICAL = PushedRule.create(D1LogicalTableModify.class,
      D1LogicalTableModify.D1_LOGICAL, "D1PushedModifyRule(D1_LOGICAL)");
  public static final RelOptRule ROWS_LOGICAL = RowsRule.create(LogicalTableModify.class, Convention.NONE,
      "D1RowsModifyRule(NONE)");
  public static final RelOptRule ROWS_D1_LOGICAL = RowsRule.create(D1LogicalTableModify.class,
      D1LogicalTableModify.D1_LOGICAL, "D1RowsModifyRule(D1_LOGICAL)");

  public static final List<RelOptRule> RULES = List.of(PUSHED_LOGICAL, PUSHED_D1_LOGICAL, ROWS_LOGICAL,
      ROWS_D1_LOGICAL);

  /**
   * Adds the write rules to a planner (idempotent). Two rels call it, each for the statements the other misses:
   * {@link D1LogicalTableModify#register} for an INSERT (built by {@link D1Table#toModificationRel}, and its input,
   * e.g. VALUES, may hold no D1 rel), {@link D1Convention#register} for UPDATE, DELETE and MERGE (Calcite builds a
   * plain LogicalTableModify over a D1 scan).
   */
  public static void register(RelOptPlanner planner) {
    for (RelOptRule r : RULES) {
      planner.addRule(r);
    }
  }

  static D1Table d1Table(RelNode rel) {
    return rel instanceof TableModify ? ((TableModify) rel).getTable().unwrap(D1Table.class) : null;
  }

  /** The columns the modification's input gives (an INSERT may leave some to D1's defaults). */
  static D1ColumnDefaults.InsertColumns insertColumns(TableModify m) {
    return m instanceof D1LogicalTableModify ? ((D1LogicalTableModify) m).insertColumns()
        : D1ColumnDefaults.InsertColumns.all(m.getTable().getRowType().getFieldCount());
  }

  /** Converts a modification of a D1 table in convention {@code in} to the enumerable convention. */
  static ConverterRule.Config config(Class<? extends TableModify> clazz, Convention in, String name) {
    return ConverterRule.Config.INSTANCE
        .withConversion(clazz, (TableModify m) -> d1Table(m) != null, in, EnumerableConvention.INSTANCE, name);
  }

  /** To {@link D1TableModify}: one statement inside D1. */
  public static final class PushedRule extends ConverterRule {
    static RelOptRule create(Class<? extends TableModify> clazz, Convention in, String name) {
      return config(clazz, in, name).withRuleFactory(PushedRule::new).toRule(PushedRule.class);
    }

    PushedRule(Config config) {
      super(config);
    }

    @Override
    public RelNode convert(RelNode rel) {
      TableModify m = (TableModify) rel;
      D1Table target = d1Table(m);
      if (target == null || m.getOperation() == TableModify.Operation.MERGE) {
        return null;
      }
      if (m.getOperation() == TableModify.Operation.INSERT
          && !(m instanceof D1LogicalTableModify && ((D1LogicalTableModify) m).pushable()
              && insertColumns(m).perRowDefaults().isEmpty())) {
        return null;
      }
      RelNode input = m.getInput();
      if (m.getOperation() != TableModify.Operation.INSERT && !readsOnlyTarget(input, m.getTable())) {
        // UPDATE/DELETE ... WHERE id IN (SELECT ...) arrives as a join: one UPDATE statement has no FROM for it.
        return null;
      }
      RelNode d1Input = convert(input, input.getTraitSet().replace(target.schema().convention()));
      RelTraitSet traits = m.getTraitSet().replace(EnumerableConvention.INSTANCE);
      return new D1TableModify(m.getCluster(), traits, m.getTable(), m.getCatalogReader(), d1Input,
          m.getOperation(), m.getUpdateColumnList(), m.getSourceExpressionList(), m.isFlattened(), target,
          insertColumns(m));
    }
  }

  /**
   * Whether an UPDATE/DELETE's input is the target's scan under filters and projections only (as planned, before
   * conversion), which is all that {@code UPDATE t SET ... WHERE ...} can express.
   */
  static boolean readsOnlyTarget(RelNode input, RelOptTable target) {
    RelNode rel = input;
    while (true) {
      if (rel instanceof RelSubset subset) {
        rel = subset.getOriginal();
      } else if (rel instanceof HepRelVertex vertex) {
        rel = vertex.getCurrentRel();
      } else if (rel instanceof Project || rel instanceof Filter || rel instanceof Calc) {
        rel = rel.getInput(0);
      } else {
        return rel instanceof TableScan scan && scan.getTable().getQualifiedName().equals(target.getQualifiedName());
      }
    }
  }

  /** To {@link D1EnumerableModify}: rows computed by Calcite. */
  public static final class RowsRule extends ConverterRule {
    static RelOptRule create(Class<? extends TableModify> clazz, Convention in, String name) {
      return config(clazz, in, name).withRuleFactory(RowsRule::new).toRule(RowsRule.class);
    }

    RowsRule(Config config) {
      super(config);
    }

    @Override
    public RelNode convert(RelNode rel) {
      TableModify m = (TableModify) rel;
      D1Table target = d1Table(m);
      if (target == null) {
        return null;
      }
      RelNode input = m.getInput();
      RelNode enumerableInput = convert(input, input.getTraitSet().replace(EnumerableConvention.INSTANCE));
      RelTraitSet traits = m.getTraitSet().replace(EnumerableConvention.INSTANCE);
      return new D1EnumerableModify(m.getCluster(), traits, m.getTable(), m.getCatalogReader(), enumerableInput,
          m.getOperation(), m.getUpdateColumnList(), m.getSourceExpressionList(), m.isFlattened(), target,
          insertColumns(m));
    }
  }
}
