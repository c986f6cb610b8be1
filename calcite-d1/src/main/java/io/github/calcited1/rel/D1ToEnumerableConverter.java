package io.github.calcited1.rel;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.plan.ConventionTraitDef;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.plan.hep.HepRelVertex;
import org.apache.calcite.plan.volcano.RelSubset;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.convert.ConverterImpl;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.metadata.RelColumnOrigin;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.runtime.Hook;
import org.apache.calcite.schema.Schemas;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The boundary between D1 and Calcite: its input subtree becomes one SQLite statement, which the generated code
 * sends to D1 through {@link D1Runtime}. {@code EXPLAIN PLAN FOR} shows that statement as {@code sql}.
 */
public class D1ToEnumerableConverter extends ConverterImpl implements EnumerableRel {
  /** Cost of one D1 request, in rows processed by Calcite. */
  static final double REQUEST_COST = 1e12;
  /** Cost of receiving one row from D1, relative to processing one row in Calcite. */
  static final double ROW_TRANSFER_COST = 2;
  /**
   * Cost of receiving one value (a column of a row): makes a narrower statement cheaper, so that a projection
   * pushed below a filter that stays in Calcite (column pruning) beats fetching every column. Greater than a
   * D1 projection's cost per row ({@link D1Rules.D1Project}), far less than Calcite's cost of computing a column
   * (one row), so that computing a column in D1 still beats receiving its inputs.
   */
  static final double VALUE_TRANSFER_COST = 0.01;

  protected D1ToEnumerableConverter(RelOptCluster cluster, RelTraitSet traits, RelNode input) {
    super(cluster, ConventionTraitDef.INSTANCE, traits, input);
  }

  @Override public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new D1ToEnumerableConverter(getCluster(), traitSet, sole(inputs));
  }

  /**
   * A D1 request costs an HTTP round trip, far more than any row Calcite handles, and every row that comes back
   * travels as JSON. So the planner first minimises the number of requests (one statement for everything over
   * one database: joins are pushed even when their estimated output exceeds their inputs), then the rows and
   * values transferred (filters, projections and aggregates are pushed; only the columns used are fetched). JDBC's
   * converter instead costs ×0.1, which with Volcano comparing row counts made Calcite filter above a full scan, and
   * join two scans itself.
   */
  @Override public @Nullable RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
    double rows = rowCount(getInput(), mq);
    double transfer = rows * (ROW_TRANSFER_COST + VALUE_TRANSFER_COST * getRowType().getFieldCount());
    double cost = REQUEST_COST + saturated(transfer);
    return planner.getCostFactory().makeCost(cost, cost, 0);
  }

  /**
   * The transfer cost, kept below half a request: {@code t / (1 + t / (REQUEST_COST / 2))}, which is {@code t}
   * itself for any realistic estimate and still grows with it. Without the bound, a join of ten tables of
   * unknown size (100 rows each, 15% of pairs matching: 10^12 estimated rows) cost more as one statement than as
   * two statements joined in Calcite, which pays nothing per output row, so the planner split it, more with each
   * table (15 tables: 6 to 10 statements, seconds instead of a tenth of one; docs/pushdown.md, "Planning").
   */
  private static double saturated(double transfer) {
    return transfer / (1 + transfer / (REQUEST_COST / 2));
  }

  /**
   * The smallest row estimate of the input's equivalent rels, the logical aggregate it was made from included. A
   * subset's own estimate is its best rel's, which is chosen by cost inside D1 and may estimate far more rows (an
   * INTERSECT estimated as its first input) than an equivalent form (the same INTERSECT as counting and filtering).
   * An aggregate grouped by another aggregate's result was estimated at its input's rows in D1 and at 1 row as the
   * logical aggregate, so the outer GROUP BY stayed in Calcite and every inner group travelled (TPC-H Q13). Only an
   * aggregate's original: taking every original's estimate moved parts of IN and EXISTS plans back into Calcite
   * (four D1CorpusTest cases). The rows are what this converter's cost is about.
   */
  private static double rowCount(RelNode input, RelMetadataQuery mq) {
    double rows = mq.getRowCount(input);
    if (input instanceof RelSubset subset) {
      List<RelNode> equivalents = new ArrayList<>(subset.getRelList());
      if (subset.getOriginal() instanceof Aggregate original) {
        equivalents.add(original);
      }
      for (RelNode rel : equivalents) {
        Double r = mq.getRowCount(rel);
        if (r != null && r < rows) {
          rows = r;
        }
      }
    }
    return rows;
  }

  @Override public RelWriter explainTerms(RelWriter pw) {
    // While planning, the input is a placeholder for alternatives, with no SQL yet; the final plan has the real
    // subtree.
    // (Also deeper down: Calcite's rule logger at DEBUG explains every intermediate rel.)
    return planning(getInput()) ? super.explainTerms(pw)
        : super.explainTerms(pw).item("sql", query().sql());
  }

  private static boolean planning(org.apache.calcite.rel.RelNode rel) {
    if (rel instanceof RelSubset || rel instanceof HepRelVertex) {
      return true;
    }
    for (org.apache.calcite.rel.RelNode input : rel.getInputs()) {
      if (planning(input)) {
        return true;
      }
    }
    return false;
  }

  D1Convention convention() {
    return (D1Convention) getInput().getConvention();
  }

  /** The statement for the input subtree. */
  public D1Query query() {
    return D1SqlGenerator.generate(getInput(), (JavaTypeFactory) getCluster().getTypeFactory(), pageSize());
  }

  /** Rows per page of a plain scan; 0 (one request, no pages) with the {@code snapshotScans} operand. */
  private int pageSize() {
    return convention().schema().config().snapshotScans() ? 0 : convention().schema().config().pageSize();
  }

  @Override public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
    D1Query query = query();
    Hook.QUERY_PLAN.run(query.sql());
    // Rows are Object[], or the bare value for one column: what D1Runtime produces.
    PhysType physType = PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(), JavaRowFormat.ARRAY);

    List<Expression> params = paramValues(query);
    RelMetadataQuery mq = getCluster().getMetadataQuery();
    List<RelDataTypeField> fields = getRowType().getFieldList();
    String[] labels = fields.stream().map(f -> label(mq, f)).toArray(String[]::new);
    Expression schema = Schemas.unwrap(convention().expression, D1Schema.class);
    BlockBuilder builder = new BlockBuilder();
    Expression enumerable = builder.append("enumerable",
        Expressions.call(D1Method.QUERY.method, DataContext.ROOT, schema, Expressions.constant(query.sql()),
            Expressions.constant(query.paramKinds()), Expressions.newArrayInit(Object.class, params),
            Expressions.constant(D1Runtime.types(fields)), Expressions.constant(D1Runtime.scales(fields)),
            Expressions.constant(labels),
            Expressions.constant(query.paged() ? pageSize() : 0),
            Expressions.constant(query.pageKeyColumn())));
    builder.add(Expressions.return_(null, D1Guards.guard(getInput(), enumerable)));
    return implementor.result(physType, builder.toBlock());
  }

  /** Each parameter's value in generated code: a constant, or the user's parameter from the data context. */
  public static List<Expression> paramValues(D1Query query) {
    List<Expression> params = new ArrayList<>();
    for (D1Query.Param p : query.params()) {
      params.add(p.source() >= 0
          ? Expressions.call(DataContext.ROOT, "get", Expressions.constant("?" + p.source()))
          : Expressions.constant(p.value()));
    }
    return params;
  }

  /** {@code table.column} when the output column is a table's column, else its name. */
  private String label(RelMetadataQuery mq, RelDataTypeField field) {
    RelColumnOrigin origin = mq.getColumnOrigin(getInput(), field.getIndex());
    if (origin == null || origin.isDerived()) {
      return field.getName();
    }
    List<String> table = origin.getOriginTable().getQualifiedName();
    String column = origin.getOriginTable().getRowType().getFieldNames().get(origin.getOriginColumnOrdinal());
    return table.get(table.size() - 1) + "." + column;
  }
}
