package io.github.calcited1.rel;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.adapter.jdbc.JdbcRules;
import org.apache.calcite.rel.InvalidRelException;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelVisitor;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinInfo;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;

/**
 * Semi-join reduction of a pushed join with a grouped sub-query: when one side of a join is an aggregate grouped by
 * the join key (possibly under projections and a HAVING filter) and the other side is filtered, the aggregate's input
 * is restricted to the keys the other side has: {@code (SELECT l_partkey, AVG(l_quantity) FROM lineitem WHERE
 * l_partkey IN (SELECT p_partkey FROM part WHERE <its filters>) GROUP BY l_partkey)}. Exact: a group whose key has
 * no {@code =} partner on the other side (a NULL key has none) never reaches the join's output, and the groups that
 * stay keep all their rows. Only the sides whose unmatched rows the join drops are reduced (both of an INNER join,
 * the right of a LEFT, SEMI or ANTI join, the left of a RIGHT join).
 *
 * <p>This is what SQLite's correlated plan does by itself for the hand-written sub-query ({@code ... WHERE
 * l_partkey = p_partkey}, TPC-H's Q17): the average of the few parts asked about, not of every part. Decorrelated
 * without the reduction, SQLite groups the whole table first (docs/performance.md, section 6). Applied while the SQL
 * is written ({@link D1Implementor}), so the planner's costs never see it; it needs a filter on the other side, so
 * an unfiltered join (every key present anyway) is written as before.
 */
final class D1SemiJoinReduction {
  private D1SemiJoinReduction() {}

  /** The join with one grouped input restricted to the other side's keys, or the join itself. */
  static Join reduce(Join join) {
    JoinRelType type = join.getJoinType();
    JoinInfo info = JoinInfo.createWithStrictEquality(join.getLeft(), join.getRight(), join.getCondition());
    for (int k = 0; k < info.leftKeys.size(); k++) {
      if (type == JoinRelType.INNER || type == JoinRelType.RIGHT) {
        RelNode left = restrict(join.getLeft(), info.leftKeys.get(k), join.getRight(), info.rightKeys.get(k));
        if (left != null) {
          return join.copy(join.getTraitSet(), join.getCondition(), left, join.getRight(), type, join.isSemiJoinDone());
        }
      }
      if (type == JoinRelType.INNER || type == JoinRelType.LEFT || type == JoinRelType.SEMI
          || type == JoinRelType.ANTI) {
        RelNode right = restrict(join.getRight(), info.rightKeys.get(k), join.getLeft(), info.leftKeys.get(k));
        if (right != null) {
          return join.copy(join.getTraitSet(), join.getCondition(), join.getLeft(), right, type, join.isSemiJoinDone());
        }
      }
    }
    return join;
  }

  /**
   * {@code side} with the input of its aggregate grouped by {@code key} semi-joined with {@code other}'s {@code
   * otherKey}; null when {@code side} is no such aggregate (under projections of the key and filters) or {@code
   * other} is not filtered.
   */
  private static RelNode restrict(RelNode side, int key, RelNode other, int otherKey) {
    if (side instanceof Project project) {
      if (!(project.getProjects().get(key) instanceof RexInputRef ref)) {
        return null;
      }
      RelNode input = restrict(project.getInput(), ref.getIndex(), other, otherKey);
      return input == null ? null : project.copy(project.getTraitSet(), List.of(input));
    }
    if (side instanceof Filter filter) {
      RelNode input = restrict(filter.getInput(), key, other, otherKey);
      return input == null ? null : filter.copy(filter.getTraitSet(), List.of(input));
    }
    if (!(side instanceof Aggregate aggregate) || aggregate.getGroupType() != Aggregate.Group.SIMPLE
        || key >= aggregate.getGroupCount() || !isFiltered(other)) {
      return null;
    }
    RelNode input = aggregate.getInput();
    int inputKey = aggregate.getGroupSet().nth(key);
    RexBuilder rex = aggregate.getCluster().getRexBuilder();
    RelDataType keyType = other.getRowType().getFieldList().get(otherKey).getType();
    RelNode keys = new D1Rules.D1Project(other.getCluster(), other.getTraitSet(), other,
        List.of(rex.makeInputRef(other, otherKey)), aggregate.getCluster().getTypeFactory()
            .createStructType(List.of(keyType), List.of(other.getRowType().getFieldNames().get(otherKey))));
    RexNode condition = rex.makeCall(SqlStdOperatorTable.EQUALS, rex.makeInputRef(input, inputKey),
        new RexInputRef(input.getRowType().getFieldCount(), keyType));
    try {
      RelNode restricted = new JdbcRules.JdbcJoin(input.getCluster(), input.getTraitSet(), input, keys, condition,
          java.util.Set.of(), JoinRelType.SEMI);
      return aggregate.copy(aggregate.getTraitSet(), List.of(restricted));
    } catch (InvalidRelException e) {
      return null;
    }
  }

  /** Whether a filter selects some rows of {@code rel}'s tables (not one above an aggregate of them). */
  private static boolean isFiltered(RelNode rel) {
    List<Boolean> found = new ArrayList<>();
    new RelVisitor() {
      @Override public void visit(RelNode node, int ordinal, RelNode parent) {
        if (node instanceof Filter && !(((Filter) node).getInput() instanceof Aggregate)) {
          found.add(true);
        }
        if (!(node instanceof Aggregate)) {
          super.visit(node, ordinal, parent);
        }
      }
    }.go(rel);
    return !found.isEmpty();
  }
}
