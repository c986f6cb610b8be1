package io.github.calcited1.write;

import io.github.calcited1.rel.D1Implementor;
import io.github.calcited1.schema.D1Table;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.adapter.jdbc.JdbcConvention;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.prepare.Prepare;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.rel2sql.SqlImplementor;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.runtime.Hook;
import org.apache.calcite.sql.SqlDelete;
import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlUpdate;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlString;
import org.apache.calcite.util.BuiltInMethod;

import java.util.ArrayList;
import java.util.List;

/**
 * An UPDATE ... WHERE, DELETE ... WHERE or INSERT ... SELECT run inside D1 as ONE statement (the input is entirely in
 * the target table's D1 convention). The SQL comes from Calcite's {@code RelToSqlConverter.visit(TableModify)} through
 * the read path's {@link D1Implementor}, with the target renamed to its bare D1 name; it is buffered or sent by
 * {@link D1WriteRuntime#pushed}. The SQL is also reported through {@link Hook#QUERY_PLAN}.
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

  /** The SQL sent to D1 and the indexes of the dynamic parameters it uses, in order. */
  public SqlString generateSql() {
    JdbcConvention convention = target.schema().convention();
    SqlDialect dialect = convention.dialect;
    D1Implementor implementor = new D1Implementor(dialect, (JavaTypeFactory) getCluster().getTypeFactory());
    SqlImplementor.Result result = implementor.visitRoot(this);
    SqlNode node = result.asStatement();
    SqlIdentifier name = new SqlIdentifier(target.name(), SqlParserPos.ZERO);
    if (node instanceof SqlInsert) {
      // Only the columns the INSERT gives: D1 fills in the others with their defaults.
      SqlNodeList columns = new SqlNodeList(SqlParserPos.ZERO);
      for (String c : insertColumnNames()) {
        columns.add(new SqlIdentifier(c, SqlParserPos.ZERO));
      }
      ((SqlInsert) node).setOperand(1, name);
      ((SqlInsert) node).setOperand(3, columns);
    } else if (node instanceof SqlUpdate || node instanceof SqlDelete) {
      ((org.apache.calcite.sql.SqlCall) node).setOperand(0, name);
    }
    return node.toSqlString(c -> c.withDialect(dialect).withAlwaysUseParentheses(false)
        .withSelectListItemsOnSeparateLines(false).withUpdateSetListNewline(false).withIndentation(0));
  }

  @Override
  public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
    SqlString sql = generateSql();
    Hook.QUERY_PLAN.run(sql.getSql());
    List<Expression> params = new ArrayList<>();
    if (sql.getDynamicParameters() != null) {
      for (Integer i : sql.getDynamicParameters()) {
        params.add(Expressions.call(DataContext.ROOT, BuiltInMethod.DATA_CONTEXT_GET.method,
            Expressions.constant("?" + i)));
      }
    }
    BlockBuilder builder = new BlockBuilder();
    builder.add(Expressions.return_(null,
        Expressions.call(D1WriteRuntime.class, "pushed", DataContext.ROOT,
            Expressions.constant(target.schema().path().toArray(new String[0])),
            Expressions.constant(getOperation().name()),
            Expressions.constant(target.name()),
            Expressions.constant(sql.getSql()),
            Expressions.newArrayInit(Object.class, params))));
    PhysType physType = PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(), JavaRowFormat.SCALAR);
    return implementor.result(physType, builder.toBlock());
  }
}
