package io.github.calcited1.rel;

import io.github.calcited1.write.D1Write;
import io.github.calcited1.catalog.D1Catalog;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.prepare.Prepare;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.runtime.Hook;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An UPDATE ... WHERE, DELETE ... WHERE or INSERT ... SELECT run inside D1 as ONE statement (the input is entirely in
 * the target table's D1 convention). The SQL comes from the read path's generator
 * ({@link D1SqlGenerator#generateModify}: literals bound, LIKE as GLOB), so a WHERE selects the same rows here as in a
 * SELECT; it is buffered or sent by {@link D1WriteRuntime#pushed}, and reported through {@link Hook#QUERY_PLAN}.
 */
public final class D1TableModify extends D1ModifyRel {
  public D1TableModify(RelOptCluster cluster, RelTraitSet traitSet, RelOptTable table,
      Prepare.CatalogReader catalogReader, RelNode input, Operation operation, List<String> updateColumnList,
      List<RexNode> sourceExpressionList, boolean flattened, D1Table target,
      D1ColumnDefaults.InsertColumns insertColumns) {
    super(cluster, traitSet, table, catalogReader, input, operation, updateColumnList, sourceExpressionList,
        flattened, target, insertColumns, 0.01);
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new D1TableModify(getCluster(), traitSet, getTable(), getCatalogReader(), sole(inputs), getOperation(),
        getUpdateColumnList(), getSourceExpressionList(), isFlattened(), target, insertColumns);
  }

  /** The statement sent to D1, with its parameters. */
  public D1Query generateSql() {
    Set<String> nonBinary = target.table().columns().stream().filter(c -> !c.isBinary())
        .map(D1Catalog.Column::name).collect(Collectors.toSet());
    return D1SqlGenerator.generateModify(this, (JavaTypeFactory) getCluster().getTypeFactory(), target.name(),
        List.of(insertColumnNames()), nonBinary);
  }

  @Override
  public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
    D1Query query = generateSql();
    Hook.QUERY_PLAN.run(query.sql());
    BlockBuilder builder = new BlockBuilder();
    builder.add(Expressions.return_(null,
        Expressions.call(D1Method.PUSHED_WRITE.method, DataContext.ROOT,
            target.schema().expression(),
            Expressions.constant(D1Write.Kind.valueOf(getOperation().name())),
            Expressions.constant(target.name()),
            Expressions.constant(query.sql()),
            Expressions.constant(query.paramKinds()),
            Expressions.newArrayInit(Object.class, D1ToEnumerableConverter.paramValues(query)))));
    PhysType physType = PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(), JavaRowFormat.SCALAR);
    return implementor.result(physType, builder.toBlock());
  }
}
