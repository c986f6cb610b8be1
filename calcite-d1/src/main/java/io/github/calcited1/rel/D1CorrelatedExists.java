package io.github.calcited1.rel;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.CorrelationId;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.TableModify;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexCorrelVariable;
import org.apache.calcite.rex.RexFieldAccess;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.rex.RexVisitorImpl;
import org.apache.calcite.runtime.Hook;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.tools.Program;
import org.apache.calcite.tools.Programs;
import org.apache.calcite.util.Holder;

/**
 * Sends an {@code EXISTS} / {@code NOT EXISTS} sub-query to D1 as written, correlated, when SQLite answers it with
 * one index probe per outer row; Calcite would decorrelate it first.
 *
 * <p>Decorrelation is what makes most sub-queries fast in D1 (a correlated scalar sub-query SQLite re-runs per row
 * becomes one grouped join). Not this kind: a sub-query correlated by {@code =} on the leading column of an index
 * and by another comparison ({@code l2.l_orderkey = l1.l_orderkey AND l2.l_suppkey <> l1.l_suppkey}, TPC-H's Q21)
 * decorrelates into a grouped join that repeats the outer query's joins to build its keys, and SQLite materialises
 * those keys for each sub-query (docs/performance.md, section 6: 0.40-0.65 s against 0.16-0.25 s for the
 * correlated statement). Written as it is, the sub-query is a probe of the index per outer row, which is what the
 * hand-written statement does.
 *
 * <p>A sub-query qualifies when: it is {@code EXISTS} or {@code NOT EXISTS}, a conjunct of a WHERE; it reads one D1
 * table (under projections, which {@code EXISTS} ignores) through a filter that D1 computes exactly (the outer
 * columns it reads counted as columns); that filter has a conjunct {@code column = outer column} whose column leads
 * an index of the table (or its primary key), and reads the outer row in another way too (the {@code <>} above);
 * and everything below the WHERE is tables of that database joined, filtered and projected as D1 computes exactly,
 * so that the filter and its input always become one statement (there is no plan for such a filter outside D1).
 * The WHERE's other conjuncts that D1 computes go below it; those it does not, and other sub-queries (which must
 * not read the outer row), go above it, to Calcite's rules as before. Everything else is left to Calcite's
 * decorrelation.
 *
 * <p>The pass runs before Calcite's standard program through {@link Hook#PROGRAM}, installed for the whole JVM by
 * the first D1 schema ({@link #install}), so that {@code jdbc:calcite:} connections with a model plan as
 * {@code jdbc:d1:} ones do; a plan without such a filter is Calcite's standard program's.
 */
public final class D1CorrelatedExists {
  private static final Program STANDARD = Programs.standard();
  /** Calcite's standard program after this pass. */
  private static final Program PROGRAM = (planner, rel, traits, materializations, lattices) ->
      STANDARD.run(planner, rewrite(rel), traits, materializations, lattices);
  private static final AtomicBoolean INSTALLED = new AtomicBoolean();

  private D1CorrelatedExists() {}

  /**
   * Makes every Calcite preparation in this JVM run {@link #PROGRAM}, unless a handler of the current thread (a
   * test's, an application's) chooses another program. Once; later calls do nothing.
   */
  static void install() {
    if (INSTALLED.compareAndSet(false, true)) {
      Hook.PROGRAM.add((Consumer<Holder<Program>>) holder -> holder.set(PROGRAM));
    }
  }

  /** The tree with each qualifying sub-query of a WHERE in a {@link D1ExistsFilter}; a write's tree unchanged. */
  static RelNode rewrite(RelNode root) {
    if (root instanceof TableModify) {
      return root; // INSERT ... SELECT, UPDATE, DELETE: planned as before
    }
    return root.accept(new RelHomogeneousShuttle() {
      @Override public RelNode visit(RelNode other) {
        RelNode rel = super.visit(other);
        return rel instanceof LogicalFilter filter ? rewrite(filter) : rel;
      }
    });
  }

  private static RelNode rewrite(LogicalFilter filter) {
    Set<CorrelationId> outer = filter.getVariablesSet();
    D1Convention database = outer.isEmpty() ? null : pushableDatabase(filter.getInput());
    if (database == null) {
      return filter;
    }
    RexBuilder rex = filter.getCluster().getRexBuilder();
    List<RexNode> kept = new ArrayList<>();
    List<RexNode> below = new ArrayList<>();
    List<RexNode> above = new ArrayList<>();
    for (RexNode conjunct : RelOptUtil.conjunctions(filter.getCondition())) {
      RexNode probed = probedExists(conjunct, database, outer, rex);
      if (probed != null) {
        kept.add(probed);
      } else if (hasSubQuery(conjunct) || !D1Expressions.canPush(conjunct)) {
        above.add(conjunct);
      } else {
        below.add(conjunct);
      }
    }
    if (kept.isEmpty() || readsOuterRow(above, outer)) {
      return filter; // a sub-query left to decorrelation must not share the outer row's variable with ours
    }
    RelNode input = below.isEmpty() ? filter.getInput()
        : LogicalFilter.create(filter.getInput(), RexUtil.composeConjunction(rex, below));
    RelNode exists = new D1ExistsFilter(filter.getCluster(), filter.getTraitSet(), input,
        RexUtil.composeConjunction(rex, kept), outer, database);
    return above.isEmpty() ? exists : LogicalFilter.create(exists, RexUtil.composeConjunction(rex, above));
  }

  /**
   * The conjunct as an {@code EXISTS} (or {@code NOT EXISTS}) of its filtered table alone, if it qualifies (see the
   * class comment); otherwise null.
   */
  private static RexNode probedExists(RexNode conjunct, D1Convention database, Set<CorrelationId> outer,
      RexBuilder rex) {
    boolean negated = conjunct.getKind() == SqlKind.NOT;
    RexNode operand = negated ? ((RexCall) conjunct).getOperands().get(0) : conjunct;
    if (!(operand instanceof RexSubQuery subQuery) || subQuery.getKind() != SqlKind.EXISTS) {
      return null;
    }
    RelNode rel = subQuery.rel;
    while (rel instanceof Project project) {
      rel = project.getInput();
    }
    if (!(rel instanceof Filter inner && inner.getInput() instanceof D1TableScan scan
        && scan.getConvention() == database)) {
      return null;
    }
    Set<CorrelationId> used = RelOptUtil.getVariablesUsed(inner);
    if (used.isEmpty() || !outer.containsAll(used)
        || !D1Expressions.canPush(outerColumnsAsInputs(inner.getCondition(), scan.getRowType().getFieldCount()))
        || !probesIndexAndComparesMore(inner.getCondition(), scan, outer)) {
      return null;
    }
    RexNode exists = subQuery.clone(inner);
    return negated ? rex.makeCall(SqlStdOperatorTable.NOT, exists) : exists;
  }

  /**
   * The condition with each outer column it reads ({@code $cor0.x}) as an input past the table's own, so that
   * {@link D1Expressions#canPush} judges it as the same comparison of two columns.
   */
  private static RexNode outerColumnsAsInputs(RexNode condition, int tableColumns) {
    return condition.accept(new RexShuttle() {
      @Override public RexNode visitFieldAccess(RexFieldAccess access) {
        if (access.getReferenceExpr() instanceof RexCorrelVariable) {
          return new RexInputRef(tableColumns + access.getField().getIndex(), access.getType());
        }
        return super.visitFieldAccess(access);
      }
    });
  }

  /**
   * Whether a conjunct of the condition is {@code column = outer column} with the column leading an index, and
   * another conjunct reads the outer row other than by {@code column = outer column}. Correlated by such equalities
   * alone, a sub-query decorrelates into a semi or anti join on those keys, which D1 runs as fast as the probes or
   * faster (TPC-H's Q4, with the semi-join reduction below: 0.93 × the hand-written statement at 600,000 line
   * items, 1.02 × sent as written).
   */
  private static boolean probesIndexAndComparesMore(RexNode condition, D1TableScan scan, Set<CorrelationId> outer) {
    boolean probes = false;
    boolean comparesMore = false;
    for (RexNode conjunct : RelOptUtil.conjunctions(condition)) {
      String column = columnEqualToOuter(conjunct, scan, outer);
      if (column != null) {
        probes |= scan.d1Table.table().canLookUp(column);
      } else {
        comparesMore |= RexUtil.containsCorrelation(conjunct);
      }
    }
    return probes && comparesMore;
  }

  /** The table's column of a conjunct {@code column = outer column}, or null if it is no such conjunct. */
  private static String columnEqualToOuter(RexNode conjunct, D1TableScan scan, Set<CorrelationId> outer) {
    if (conjunct.getKind() != SqlKind.EQUALS) {
      return null;
    }
    List<RexNode> sides = ((RexCall) conjunct).getOperands();
    for (int i = 0; i < 2; i++) {
      if (sides.get(i) instanceof RexInputRef column && sides.get(1 - i) instanceof RexFieldAccess access
          && access.getReferenceExpr() instanceof RexCorrelVariable variable && outer.contains(variable.id)) {
        return scan.getRowType().getFieldNames().get(column.getIndex());
      }
    }
    return null;
  }

  /**
   * The one D1 convention of every table below {@code rel}, if {@code rel} is only those tables joined, filtered
   * and projected as D1 computes exactly; else null.
   */
  private static D1Convention pushableDatabase(RelNode rel) {
    List<D1Convention> databases = new ArrayList<>();
    boolean[] pushable = {true};
    rel.accept(new RelHomogeneousShuttle() {
      @Override public RelNode visit(RelNode other) {
        if (other instanceof D1TableScan scan && scan.getConvention() instanceof D1Convention convention) {
          databases.add(convention);
        } else if (!(other instanceof LogicalJoin join && D1Expressions.canPush(join.getCondition())
            || other instanceof LogicalFilter f && !hasSubQuery(f.getCondition())
                && D1Expressions.canPush(f.getCondition())
            || other instanceof LogicalProject p && D1Expressions.canPush(p.getProjects()))) {
          pushable[0] = false;
        }
        return super.visit(other);
      }
    });
    boolean one = pushable[0] && !databases.isEmpty() && databases.stream().allMatch(d -> d == databases.get(0));
    return one ? databases.get(0) : null;
  }

  private static boolean hasSubQuery(RexNode node) {
    return RexUtil.SubQueryFinder.find(List.of(node)) != null;
  }

  /** Whether a sub-query of these conditions reads one of the outer row's variables. */
  private static boolean readsOuterRow(List<RexNode> conditions, Set<CorrelationId> outer) {
    List<RexSubQuery> subQueries = new ArrayList<>();
    RexVisitorImpl<Void> finder = new RexVisitorImpl<>(true) {
      @Override public Void visitSubQuery(RexSubQuery subQuery) {
        subQueries.add(subQuery);
        return super.visitSubQuery(subQuery);
      }
    };
    conditions.forEach(c -> c.accept(finder));
    return RelOptUtil.getVariablesUsed(subQueries).stream().anyMatch(outer::contains);
  }
}
