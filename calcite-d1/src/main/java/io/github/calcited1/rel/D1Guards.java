package io.github.calcited1.rel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;

/**
 * The conjuncts of a statement that its parameters' values alone decide, checked before its request is sent: a
 * fan-out input's {@code _database = ?} arrives in each database's statement as {@code 't_a' = ?} (Calcite folds a
 * literal name while planning, but not a parameter), so without this every database would be asked and all but one
 * would answer nothing (docs/scaling.md, "Pruning").
 *
 * <p>A guard is a conjunct of a filter on the path from the statement's root to its rows (through projections,
 * filters, sorts and aggregates with GROUP BY keys, each of which has no rows when its input has none) that is
 * {@code 'literal' = ?} or {@code 'literal' <> ?} (a VARCHAR literal, a character parameter) or an OR of those (how
 * {@code IN (?, ?)} arrives). It is false when each of its members is false or unknown: a NULL value is unknown, a
 * string is compared exactly, as Calcite's {@code =} does; a value of another type is left to SQLite. A statement with
 * a false guard has no rows, or, under an aggregate without GROUP BY keys, that aggregate's one row over no rows.
 */
public final class D1Guards {
  /** {@link #overNoRows}: an aggregate whose value over no rows is not known here. */
  private static final Object NO_VALUE = new Object();

  private D1Guards() {}

  /** {@code statement} (generated code for the statement of {@code rel}) behind its guards, if it has any. */
  static Expression guard(RelNode rel, Expression statement) {
    List<List<RexCall>> guards = new ArrayList<>();
    Object[] rowsWithoutInput = guards(rel, guards);
    if (guards.isEmpty()) {
      return statement;
    }
    List<String> literals = new ArrayList<>();
    List<Integer> params = new ArrayList<>();
    List<Boolean> negated = new ArrayList<>();
    List<Integer> groups = new ArrayList<>();
    for (int g = 0; g < guards.size(); g++) {
      for (RexCall member : guards.get(g)) {
        literals.add(literal(member).getValueAs(String.class));
        params.add(param(member).getIndex());
        negated.add(member.getKind() == SqlKind.NOT_EQUALS);
        groups.add(g);
      }
    }
    boolean[] negatedArray = new boolean[negated.size()];
    for (int i = 0; i < negatedArray.length; i++) {
      negatedArray[i] = negated.get(i);
    }
    return Expressions.call(D1Method.GUARDED.method, DataContext.ROOT,
        Expressions.constant(literals.toArray(String[]::new)),
        Expressions.constant(params.stream().mapToInt(Integer::intValue).toArray()),
        Expressions.constant(negatedArray), Expressions.constant(groups.stream().mapToInt(Integer::intValue).toArray()),
        Expressions.constant(rowsWithoutInput), statement);
  }

  /**
   * {@code statement}, or {@code rowsWithoutInput} without a request when a guard is false (see the class comment).
   *
   * @param literals each member's literal
   * @param params each member's user parameter ({@code ?0} is 0)
   * @param negated each member: {@code <>} rather than {@code =}
   * @param groups each member's conjunct, members of one conjunct next to each other
   * @param rowsWithoutInput the statement's rows when a guard fails: none, or an aggregate's one row over no rows
   */
  public static Enumerable<Object> guarded(DataContext root, String[] literals, int[] params, boolean[] negated,
      int[] groups, Object[] rowsWithoutInput, Enumerable<Object> statement) {
    boolean holds = true; // the current conjunct, so far: whether one of its members may be true
    for (int i = 0; i < literals.length; i++) {
      if (i == 0 || groups[i] != groups[i - 1]) {
        if (!holds) {
          break;
        }
        holds = false;
      }
      Object value = root.get("?" + params[i]);
      holds |= value != null && (!(value instanceof String s) || s.equals(literals[i]) != negated[i]);
    }
    return holds ? statement : Linq4j.asEnumerable(rowsWithoutInput);
  }

  /**
   * Adds to {@code guards} the guards of {@code rel}, each as the list of its disjuncts, and returns the statement's
   * rows when one of them is false.
   */
  private static Object[] guards(RelNode rel, List<List<RexCall>> guards) {
    Object[] rows = {};
    RelNode r = rel;
    if (r instanceof Aggregate top && top.getGroupType() == Aggregate.Group.SIMPLE && top.getGroupCount() == 0) {
      Object[] row = top.getAggCallList().stream().map(D1Guards::overNoRows).toArray();
      if (Arrays.asList(row).contains(NO_VALUE)) {
        return rows;
      }
      rows = new Object[] {row.length == 1 ? row[0] : row}; // one column: the bare value, as D1Runtime's rows
      r = top.getInput();
    }
    for (; ; r = r.getInput(0)) {
      if (r instanceof Filter filter) {
        for (RexNode conjunct : RelOptUtil.conjunctions(filter.getCondition())) {
          List<RexNode> disjuncts = RelOptUtil.disjunctions(conjunct);
          if (disjuncts.stream().allMatch(D1Guards::isMember)) {
            guards.add(disjuncts.stream().map(RexCall.class::cast).toList());
          }
        }
      } else if (!(r instanceof Project || r instanceof Sort || r instanceof D1ExistsFilter
          || r instanceof Aggregate a && a.getGroupType() == Aggregate.Group.SIMPLE && a.getGroupCount() > 0)) {
        return rows;
      }
    }
  }

  /** {@code 'literal' = ?} or {@code 'literal' <> ?}, a VARCHAR literal and a character parameter. */
  private static boolean isMember(RexNode node) {
    return (node.getKind() == SqlKind.EQUALS || node.getKind() == SqlKind.NOT_EQUALS)
        && literal((RexCall) node) != null && param((RexCall) node) != null;
  }

  /** An aggregate call's value over no rows: 0 for COUNT (a BIGINT), NULL for SUM, MIN and MAX. */
  private static Object overNoRows(AggregateCall call) {
    switch (call.getAggregation().getKind()) {
      case COUNT:
        return call.getType().getSqlTypeName() == SqlTypeName.BIGINT ? (Object) 0L : NO_VALUE;
      case SUM:
      case MIN:
      case MAX:
        return null;
      default:
        return NO_VALUE;
    }
  }

  /** The VARCHAR literal operand of a guard member, or null. */
  private static RexLiteral literal(RexCall call) {
    return call.getOperands().stream().filter(o -> o instanceof RexLiteral l && !l.isNull()
        && o.getType().getSqlTypeName() == SqlTypeName.VARCHAR).map(RexLiteral.class::cast).findFirst().orElse(null);
  }

  /** The character parameter operand of a guard member, or null. */
  private static RexDynamicParam param(RexCall call) {
    return call.getOperands().stream().filter(o -> o instanceof RexDynamicParam
        && SqlTypeUtil.inCharFamily(o.getType())).map(RexDynamicParam.class::cast).findFirst().orElse(null);
  }
}
