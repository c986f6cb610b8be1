package io.github.calcited1.write;

import io.github.calcited1.schema.D1Catalog;
import io.github.calcited1.schema.D1Table;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.linq4j.function.Function1;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.linq4j.tree.ParameterExpression;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.prepare.Prepare;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.TableModify;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.util.BuiltInMethod;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A modification of a D1 table whose rows Calcite computes (the D1EnumerableInsert of the design, plus by-key UPDATE
 * and DELETE). INSERT: rows from VALUES, another JDBC database, a file, or a D1 query that could not be pushed, are
 * streamed into a {@link D1Insert} (packed {@code json_each} statements). UPDATE/DELETE whose WHERE or SET D1 cannot
 * compute: the rows are found by Calcite and changed by primary key ({@link D1Update}, {@link D1Delete}); a table
 * without a primary key gets a clear error instead. MERGE becomes SQLite's UPSERT
 * ({@code INSERT ... ON CONFLICT (primary key) DO UPDATE}, see {@link D1WriteRuntime#merge}). Never Calcite's
 * EnumerableTableModify, which fails on D1 tables (no modifiable collection).
 */
public final class D1EnumerableModify extends TableModify implements EnumerableRel {
  private final D1Table target;

  public D1EnumerableModify(RelOptCluster cluster, RelTraitSet traitSet, RelOptTable table,
      Prepare.CatalogReader catalogReader, RelNode input, Operation operation, List<String> updateColumnList,
      List<RexNode> sourceExpressionList, boolean flattened, D1Table target) {
    super(cluster, traitSet, table, catalogReader, input, operation, updateColumnList, sourceExpressionList,
        flattened);
    this.target = target;
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new D1EnumerableModify(getCluster(), traitSet, getTable(), getCatalogReader(), sole(inputs),
        getOperation(), getUpdateColumnList(), getSourceExpressionList(), isFlattened(), target);
  }

  @Override
  public RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
    RelOptCost cost = super.computeSelfCost(planner, mq);
    return cost == null ? null : cost.multiplyBy(0.5);
  }

  @Override
  public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
    BlockBuilder builder = new BlockBuilder();
    PhysType physType = PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(), JavaRowFormat.SCALAR);
    String[] path = target.schema().path().toArray(new String[0]);
    String table = target.name();
    List<RelDataTypeField> fields = getTable().getRowType().getFieldList();
    String refusal = refusal();
    if (refusal != null) {
      builder.add(Expressions.return_(null,
          Expressions.call(D1WriteRuntime.class, "refuse", Expressions.constant(refusal))));
      return implementor.result(physType, builder.toBlock());
    }
    Result child = implementor.visitChild(this, 0, (EnumerableRel) getInput(), Prefer.ARRAY);
    Expression childExp = builder.append("child", child.block);
    PhysType cp = child.physType;
    ParameterExpression o = Expressions.parameter(cp.getJavaRowType(), "o");
    List<Expression> values = new ArrayList<>();
    for (int i = 0; i < cp.getRowType().getFieldCount(); i++) {
      values.add(Expressions.box(cp.fieldReference(o, i)));
    }
    Expression rows = builder.append("rows",
        Expressions.call(childExp, BuiltInMethod.SELECT.method,
            Expressions.lambda(Function1.class, Expressions.newArrayInit(Object.class, values), o)));
    Expression call;
    switch (getOperation()) {
    case INSERT: {
      String[] columns = new String[fields.size()];
      String[] kinds = new String[fields.size()];
      for (int i = 0; i < fields.size(); i++) {
        columns[i] = fields.get(i).getName();
        kinds[i] = D1ValueKind.of(fields.get(i).getType()).name();
      }
      call = Expressions.call(D1WriteRuntime.class, "insert", DataContext.ROOT, Expressions.constant(path),
          Expressions.constant(table), Expressions.constant(columns), Expressions.constant(kinds),
          Expressions.constant(new String[0]), Expressions.constant(new String[0]), rows);
      break;
    }
    case UPDATE: {
      List<D1Catalog.Column> key = primaryKey();
      List<String> updateColumns = getUpdateColumnList();
      String[] keyColumns = new String[key.size()];
      int[] keyFields = new int[key.size()];
      String[] setColumns = new String[updateColumns.size()];
      int[] setFields = new int[updateColumns.size()];
      String[] kinds = new String[key.size() + updateColumns.size()];
      for (int i = 0; i < key.size(); i++) {
        keyColumns[i] = key.get(i).name();
        keyFields[i] = fieldIndex(key.get(i).name());
        kinds[i] = D1ValueKind.of(fields.get(keyFields[i]).getType()).name();
      }
      for (int i = 0; i < updateColumns.size(); i++) {
        setColumns[i] = updateColumns.get(i);
        setFields[i] = fields.size() + i;
        kinds[key.size() + i] = D1ValueKind.of(fields.get(fieldIndex(updateColumns.get(i))).getType()).name();
      }
      call = Expressions.call(D1WriteRuntime.class, "updateByKey", DataContext.ROOT, Expressions.constant(path),
          Expressions.constant(table), Expressions.constant(keyColumns), Expressions.constant(keyFields),
          Expressions.constant(setColumns), Expressions.constant(setFields), Expressions.constant(kinds), rows);
      break;
    }
    case DELETE: {
      List<D1Catalog.Column> key = primaryKey();
      String[] keyColumns = new String[key.size()];
      int[] keyFields = new int[key.size()];
      String[] kinds = new String[key.size()];
      for (int i = 0; i < key.size(); i++) {
        keyColumns[i] = key.get(i).name();
        keyFields[i] = fieldIndex(key.get(i).name());
        kinds[i] = D1ValueKind.of(fields.get(keyFields[i]).getType()).name();
      }
      call = Expressions.call(D1WriteRuntime.class, "deleteByKey", DataContext.ROOT, Expressions.constant(path),
          Expressions.constant(table), Expressions.constant(keyColumns), Expressions.constant(keyFields),
          Expressions.constant(kinds), rows);
      break;
    }
    case MERGE: {
      List<D1Catalog.Column> key = primaryKey();
      String[] columns = new String[fields.size()];
      String[] kinds = new String[fields.size()];
      for (int i = 0; i < fields.size(); i++) {
        columns[i] = fields.get(i).getName();
        kinds[i] = D1ValueKind.of(fields.get(i).getType()).name();
      }
      int[] keyFields = new int[key.size()];
      for (int i = 0; i < key.size(); i++) {
        keyFields[i] = fieldIndex(key.get(i).name());
      }
      List<String> updateColumns = getUpdateColumnList() == null ? List.of() : getUpdateColumnList();
      int[] updateFields = new int[updateColumns.size()];
      for (int i = 0; i < updateColumns.size(); i++) {
        updateFields[i] = fieldIndex(updateColumns.get(i));
      }
      call = Expressions.call(D1WriteRuntime.class, "merge", DataContext.ROOT, Expressions.constant(path),
          Expressions.constant(table), Expressions.constant(columns), Expressions.constant(kinds),
          Expressions.constant(keyFields), Expressions.constant(updateFields),
          Expressions.constant(getInput().getRowType().getFieldCount()), rows);
      break;
    }
    default:
      throw new AssertionError(getOperation());
    }
    builder.add(Expressions.return_(null, call));
    return implementor.result(physType, builder.toBlock());
  }

  /** Why this modification cannot run, or null. */
  private String refusal() {
    switch (getOperation()) {
    case MERGE:
      if (!mergeHasInsert()) {
        return "MERGE into D1 table '" + target.name() + "' without WHEN NOT MATCHED THEN INSERT is not supported;"
            + " write it as UPDATE ... WHERE (nothing was sent)";
      }
      if (primaryKey().isEmpty()) {
        return "MERGE into D1 table '" + target.name() + "' needs a primary key (it becomes INSERT ... ON CONFLICT"
            + " (primary key) DO UPDATE); nothing was sent";
      }
      return null;
    case UPDATE:
    case DELETE:
      if (primaryKey().isEmpty()) {
        return getOperation() + " on D1 table '" + target.name() + "' cannot run inside D1 (its WHERE or SET uses"
            + " something D1 cannot compute exactly, e.g. another data source) and the table has no primary key"
            + " to " + getOperation().name().toLowerCase(java.util.Locale.ROOT) + " by; rewrite the statement so"
            + " that it only uses this D1 database, or add a primary key (nothing was sent)";
      }
      return null;
    default:
      return null;
    }
  }

  /** Calcite plans MERGE as source LEFT JOIN target when it has an INSERT branch, else as an inner join. */
  private boolean mergeHasInsert() {
    RelNode r = getInput();
    while (r != null) {
      if (r instanceof org.apache.calcite.plan.volcano.RelSubset) {
        RelNode best = ((org.apache.calcite.plan.volcano.RelSubset) r).getBest();
        r = best != null ? best : ((org.apache.calcite.plan.volcano.RelSubset) r).getOriginal();
        continue;
      }
      if (r instanceof org.apache.calcite.rel.core.Join) {
        return ((org.apache.calcite.rel.core.Join) r).getJoinType() == org.apache.calcite.rel.core.JoinRelType.LEFT;
      }
      r = r.getInputs().size() == 1 ? r.getInput(0) : null;
    }
    return false;
  }

  private List<D1Catalog.Column> primaryKey() {
    List<D1Catalog.Column> pk = new ArrayList<>();
    for (D1Catalog.Column c : target.table().columns()) {
      if (c.isPrimaryKey()) {
        pk.add(c);
      }
    }
    pk.sort(Comparator.comparingInt(D1Catalog.Column::primaryKeyPosition));
    return pk;
  }

  private int fieldIndex(String name) {
    List<RelDataTypeField> fields = getTable().getRowType().getFieldList();
    for (int i = 0; i < fields.size(); i++) {
      if (fields.get(i).getName().equals(name)) {
        return i;
      }
    }
    throw new IllegalStateException("column " + name + " not in " + target.name());
  }
}
