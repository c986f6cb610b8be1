package io.github.calcited1.rel;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.adapter.jdbc.JdbcRules;
import org.apache.calcite.rel.InvalidRelException;
import org.apache.calcite.plan.volcano.RelSubset;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinInfo;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
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
 * the right of a LEFT or SEMI join, the left of a RIGHT join).
 *
 * <p>Only an aggregate of one table (under filters and projections) is restricted: there the restriction turns
 * SQLite's scan of the whole table into lookups of the keys (through an index on the key, if there is one). An
 * aggregate over a join (TPC-H's Q21, whose decorrelated {@code EXISTS} groups a join on {@code (l_orderkey,
 * l_suppkey)}) was measured slower restricted: 818 instead of 579 ms at 600,000 line items, the restricting
 * filters ({@code o_orderstatus = 'F'}) keeping half the rows.
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
      if (type == JoinRelType.INNER || type == JoinRelType.LEFT || type == JoinRelType.SEMI) {
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
   * other} has no filtered table holding its keys ({@link #keySource}), or the aggregate is not one of one table.
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
        || key >= aggregate.getGroupCount() || !isOneTable(aggregate.getInput())) {
      return null;
    }
    Column source = keySource(other, otherKey);
    if (source == null) {
      return null;
    }
    RelNode input = aggregate.getInput();
    int inputKey = aggregate.getGroupSet().nth(key);
    RexBuilder rex = aggregate.getCluster().getRexBuilder();
    RelDataType keyType = source.rel().getRowType().getFieldList().get(source.key()).getType();
    RelNode keys = new D1Rules.D1Project(source.rel().getCluster(), source.rel().getTraitSet(), source.rel(),
        List.of(rex.makeInputRef(source.rel(), source.key())), aggregate.getCluster().getTypeFactory()
            .createStructType(List.of(keyType), List.of(source.rel().getRowType().getFieldNames().get(source.key()))));
    RexNode condition = rex.makeCall(SqlStdOperatorTable.EQUALS, rex.makeInputRef(input, inputKey),
        new RexInputRef(input.getRowType().getFieldCount(), keyType));
    try {
      Join restricted = new JdbcRules.JdbcJoin(input.getCluster(), input.getTraitSet(), input, keys, condition,
          java.util.Set.of(), JoinRelType.SEMI);
      return D1Rules.D1JoinRule.isOneKeySemiJoin(restricted)
          ? aggregate.copy(aggregate.getTraitSet(), List.of(restricted)) : null;
    } catch (InvalidRelException e) {
      return null;
    }
  }

  /** Column {@code key} of {@code rel}. */
  private record Column(RelNode rel, int key) {}

  /**
   * A filtered table (filters and projections over one table) whose column holds every non-NULL value that column
   * {@code key} of {@code rel} takes (a superset is exact too, and smaller than the whole other side, whose SQL the
   * restriction would repeat), the one of fewest estimated rows; null if there is none. Through an INNER or SEMI
   * join the key's {@code =} partner on the other input qualifies as well: TPC-H's Q17 joins {@code lineitem} with the
   * few parts of one brand on {@code l_partkey = p_partkey}, and the averages are restricted to those parts.
   */
  private static Column keySource(RelNode rel, int key) {
    if (rel instanceof Project project) {
      return project.getProjects().get(key) instanceof RexInputRef ref ? keySource(project.getInput(), ref.getIndex())
          : null;
    }
    if (rel instanceof Filter filter) {
      return isOneTable(filter.getInput()) ? new Column(filter, key) : keySource(filter.getInput(), key);
    }
    if (rel instanceof Aggregate aggregate) {
      return aggregate.getGroupType() == Aggregate.Group.SIMPLE && key < aggregate.getGroupCount()
          ? keySource(aggregate.getInput(), aggregate.getGroupSet().nth(key)) : null;
    }
    if (!(rel instanceof Join join)) {
      return null;
    }
    int leftCount = join.getLeft().getRowType().getFieldCount();
    boolean inLeft = key < leftCount;
    List<Column> candidates = new ArrayList<>();
    // A join's column takes the values of its own input's column (or NULL, on the null-generating side).
    candidates.add(inLeft ? keySource(join.getLeft(), key) : keySource(join.getRight(), key - leftCount));
    if (join.getJoinType() == JoinRelType.INNER || join.getJoinType() == JoinRelType.SEMI) {
      JoinInfo info = JoinInfo.createWithStrictEquality(join.getLeft(), join.getRight(), join.getCondition());
      int k = inLeft ? info.leftKeys.indexOf(key) : info.rightKeys.indexOf(key - leftCount);
      if (k >= 0) {
        candidates.add(inLeft ? keySource(join.getRight(), info.rightKeys.get(k))
            : keySource(join.getLeft(), info.leftKeys.get(k)));
      }
    }
    RelMetadataQuery mq = join.getCluster().getMetadataQuery();
    return candidates.stream().filter(java.util.Objects::nonNull)
        .min(java.util.Comparator.comparingDouble(c -> mq.getRowCount(c.rel()))).orElse(null);
  }

  /**
   * Whether {@code rel} is one table under filters and projections; while planning, read through each set's first
   * rel ({@link RelSubset#getOriginal}).
   */
  static boolean isOneTable(RelNode rel) {
    RelNode node = original(rel);
    while (node instanceof Project || node instanceof Filter) {
      node = original(node.getInput(0));
    }
    return node instanceof TableScan;
  }

  private static RelNode original(RelNode rel) {
    return rel instanceof RelSubset subset && subset.getOriginal() != null ? subset.getOriginal() : rel;
  }
}
