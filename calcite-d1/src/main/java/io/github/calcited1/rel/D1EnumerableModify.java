package io.github.calcited1.rel;

import io.github.calcited1.catalog.D1Catalog;
import io.github.calcited1.write.D1KeyMatch;
import io.github.calcited1.write.D1ValueKind;
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
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.prepare.Prepare;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.convert.Converter;
import org.apache.calcite.rel.core.Calc;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.core.Values;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexProgram;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.util.BuiltInMethod;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A modification of a D1 table whose rows Calcite computes (INSERT from rows, by-key UPDATE and DELETE, MERGE). INSERT:
 * rows from VALUES, another JDBC database, a file, or a D1 query that could not be pushed, are streamed into a
 * {@link D1Insert} (packed {@code json_each} statements) naming only the columns given. UPDATE/DELETE whose WHERE or
 * SET D1 cannot compute: the rows are found by Calcite and changed by primary key ({@link D1Update},
 * {@link D1Delete}), or, in a rowid table without one, by all their columns ({@link D1KeyMatch}); a view gets a clear
 * error instead. MERGE becomes SQLite's UPSERT ({@code INSERT ... ON CONFLICT (primary key) DO UPDATE}, see
 * {@link D1WriteRuntime#merge}). Never Calcite's EnumerableTableModify, which fails on D1 tables (no modifiable
 * collection).
 */
public final class D1EnumerableModify extends D1ModifyRel {
  public D1EnumerableModify(RelOptCluster cluster, RelTraitSet traitSet, RelOptTable table,
      Prepare.CatalogReader catalogReader, RelNode input, Operation operation, List<String> updateColumnList,
      List<RexNode> sourceExpressionList, boolean flattened, D1Table target,
      D1ColumnDefaults.InsertColumns insertColumns) {
    super(cluster, traitSet, table, catalogReader, input, operation, updateColumnList, sourceExpressionList,
        flattened, target, insertColumns, 0.5);
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new D1EnumerableModify(getCluster(), traitSet, getTable(), getCatalogReader(), sole(inputs),
        getOperation(), getUpdateColumnList(), getSourceExpressionList(), isFlattened(), target, insertColumns);
  }

  @Override
  public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
    BlockBuilder builder = new BlockBuilder();
    PhysType physType = PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(), JavaRowFormat.SCALAR);
    Expression schema = target.schema().expression();
    Expression table = Expressions.constant(target.name());
    String refusal = refusal();
    if (refusal != null) {
      builder.add(Expressions.return_(null,
          Expressions.call(D1Method.REFUSE.method, Expressions.constant(refusal))));
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
        D1DirectInsert direct = directInsert();
        if (direct != null) {
          implementor.stash(direct, D1DirectInsert.class); // found by the connection's Meta in the signature
        }
        call = Expressions.call(D1Method.INSERT.method, DataContext.ROOT, schema, table,
            Expressions.constant(insertColumnNames()), kinds(insertColumns.columns()),
            Expressions.constant(insertColumns.perRowDefaults().stream().mapToInt(Integer::intValue).toArray()),
            rows);
        break;
      }
      case UPDATE: {
        D1KeyMatch key = key();
        List<String> updateColumns = getUpdateColumnList();
        List<Integer> kindFields = new ArrayList<>(fieldIndexes(key.columns()));
        kindFields.addAll(fieldIndexes(updateColumns));
        kindFields.addAll(fieldIndexes(key.guarded()));
        List<Integer> fields = new ArrayList<>(fieldIndexes(key.columns()));
        for (int i = 0; i < updateColumns.size(); i++) {
          fields.add(getTable().getRowType().getFieldCount() + i); // the new values follow the old columns
        }
        fields.addAll(fieldIndexes(key.guarded()));
        call = Expressions.call(D1Method.UPDATE_BY_KEY.method, DataContext.ROOT, schema, table,
            names(key.columns()), Expressions.constant(key.wholeRow()), names(key.guarded()), names(updateColumns),
            intArray(fields), kinds(kindFields), rows);
        break;
      }
      case DELETE: {
        D1KeyMatch key = key();
        List<Integer> fields = new ArrayList<>(fieldIndexes(key.columns()));
        fields.addAll(fieldIndexes(key.guarded()));
        call = Expressions.call(D1Method.DELETE_BY_KEY.method, DataContext.ROOT, schema, table,
            names(key.columns()), Expressions.constant(key.wholeRow()), names(key.guarded()), intArray(fields),
            kinds(fields), rows);
        break;
      }
      case MERGE: {
        List<String> updateColumns = getUpdateColumnList() == null ? List.of() : getUpdateColumnList();
        // Between the insert values and the update values: the target columns the update reads.
        int width = getInput().getRowType().getFieldCount();
        List<Integer> readFields = new ArrayList<>();
        for (int i = insertColumns.columns().size(); i < width - updateColumns.size(); i++) {
          int column = targetColumn(getInput(), i);
          if (column < 0) {
            builder.add(Expressions.return_(null, Expressions.call(D1Method.REFUSE.method,
                Expressions.constant("MERGE into D1 table '" + target.name() + "': cannot tell which target column its"
                    + " field " + getInput().getRowType().getFieldNames().get(i) + " is, so the update could not be"
                    + " checked against concurrent writes; nothing was sent. Write it as UPDATE ... WHERE followed by"
                    + " INSERT ... SELECT ... WHERE NOT EXISTS"))));
            return implementor.result(physType, builder.toBlock());
          }
          readFields.add(column);
        }
        call = Expressions.call(D1Method.MERGE.method, DataContext.ROOT, schema, table,
            Expressions.constant(getTable().getRowType().getFieldNames().toArray(new String[0])),
            kinds(insertColumns.columns()), intArray(fieldIndexes(primaryKeyColumns())),
            intArray(fieldIndexes(updateColumns)), intArray(readFields), Expressions.constant(width), rows);
        break;
      }
      default:
        throw new AssertionError(getOperation());
    }
    builder.add(Expressions.return_(null, call));
    return implementor.result(physType, builder.toBlock());
  }

  /**
   * For {@code INSERT INTO t (..) VALUES (?, ..)} (one row, every value a bare parameter of the column's type): what
   * lets an execution append the parameters to the buffer without running the plan; else null.
   */
  private D1DirectInsert directInsert() {
    if (!insertColumns.perRowDefaults().isEmpty()) {
      return null;
    }
    RelNode child = getInput();
    List<RexNode> exprs;
    RelNode below;
    if (child instanceof Calc) {
      RexProgram program = ((Calc) child).getProgram();
      if (program.getCondition() != null) {
        return null;
      }
      exprs = program.expandList(program.getProjectList());
      below = ((Calc) child).getInput();
    } else if (child instanceof Project) {
      exprs = ((Project) child).getProjects();
      below = ((Project) child).getInput();
    } else {
      return null;
    }
    if (!(below instanceof Values) || ((Values) below).getTuples().size() != 1) {
      return null;
    }
    List<Integer> cols = insertColumns.columns();
    if (exprs.size() != cols.size()) {
      return null;
    }
    List<RelDataTypeField> fields = getTable().getRowType().getFieldList();
    RelDataTypeFactory tf = getCluster().getTypeFactory();
    int n = cols.size();
    int[] params = new int[n];
    SqlTypeName[] types = new SqlTypeName[n];
    boolean[] nullable = new boolean[n];
    List<D1ValueKind> kinds = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      RelDataType column = fields.get(cols.get(i)).getType();
      RexNode e = exprs.get(i);
      boolean nullOk = column.isNullable() && e.getType().isNullable();
      if (e.getKind() == SqlKind.CAST) {
        RexNode operand = ((RexCall) e).getOperands().get(0);
        if (!SqlTypeUtil.equalSansNullability(tf, operand.getType(), e.getType())) {
          return null;
        }
        e = operand;
      }
      if (!(e instanceof RexDynamicParam) || !SqlTypeUtil.equalSansNullability(tf, e.getType(), column)) {
        return null;
      }
      params[i] = ((RexDynamicParam) e).getIndex();
      types[i] = column.getSqlTypeName();
      nullable[i] = nullOk && e.getType().isNullable();
      kinds.add(D1ValueKind.of(column));
    }
    return new D1DirectInsert(target.schema(), target.name(), List.of(insertColumnNames()), kinds, types,
        nullable, params);
  }

  /** The {@link D1ValueKind}s of the given table columns, as a constant. */
  private Expression kinds(List<Integer> fields) {
    List<RelDataTypeField> all = getTable().getRowType().getFieldList();
    return Expressions.constant(fields.stream().map(i -> D1ValueKind.of(all.get(i).getType()))
        .toArray(D1ValueKind[]::new));
  }

  private static Expression names(List<String> names) {
    return Expressions.constant(names.toArray(new String[0]));
  }

  private static Expression intArray(List<Integer> ints) {
    return Expressions.constant(ints.stream().mapToInt(Integer::intValue).toArray());
  }

  /** Why this modification cannot run, or null. */
  private String refusal() {
    switch (getOperation()) {
      case MERGE:
        if (!mergeHasInsert()) {
          return "MERGE into D1 table '" + target.name() + "' without WHEN NOT MATCHED THEN INSERT is not supported;"
              + " write it as UPDATE ... WHERE (nothing was sent)";
        }
        if (primaryKeyColumns().isEmpty()) {
          return "MERGE into D1 table '" + target.name() + "' needs a primary key (it becomes INSERT ... ON CONFLICT"
              + " (primary key) DO UPDATE); nothing was sent";
        }
        return null;
      case UPDATE:
      case DELETE:
        if (primaryKeyColumns().isEmpty() && target.table().rowidName().isEmpty()) {
          return getOperation() + " on D1 " + (target.table().isView() ? "view" : "table") + " '" + target.name()
              + "' cannot run inside D1 (its WHERE or SET uses something D1 cannot compute exactly, e.g. another data"
              + " source), and it has neither a primary key nor a rowid to "
              + getOperation().name().toLowerCase(java.util.Locale.ROOT) + " its rows by; rewrite the statement so"
              + " that it only uses this D1 database (nothing was sent)";
        }
        return null;
      default:
        return null;
    }
  }

  /**
   * The column of the target table that field {@code field} of {@code rel} passes on unchanged (a MERGE's row holds
   * the target columns its update reads), or -1.
   */
  private int targetColumn(RelNode rel, int field) {
    if (rel instanceof TableScan scan) {
      return scan.getTable().getQualifiedName().equals(getTable().getQualifiedName()) ? field : -1;
    }
    RexNode e = null;
    if (rel instanceof Calc calc) {
      e = calc.getProgram().expandLocalRef(calc.getProgram().getProjectList().get(field));
    } else if (rel instanceof Project project) {
      e = project.getProjects().get(field);
    } else if (rel instanceof Join join) {
      int left = join.getLeft().getRowType().getFieldCount();
      return field < left ? targetColumn(join.getLeft(), field) : targetColumn(join.getRight(), field - left);
    } else if (rel instanceof Filter || rel instanceof Converter || rel instanceof Sort) {
      return targetColumn(rel.getInput(0), field);
    }
    return e instanceof RexInputRef ref ? targetColumn(rel.getInput(0), ref.getIndex()) : -1;
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

  /** The primary key's column names, in key order. */
  private List<String> primaryKeyColumns() {
    return target.table().columns().stream().filter(D1Catalog.Column::isPrimaryKey)
        .sorted(Comparator.comparingInt(D1Catalog.Column::primaryKeyPosition)).map(D1Catalog.Column::name).toList();
  }

  /**
   * How a by-key UPDATE/DELETE finds its rows and checks they are as read: the primary key and the other
   * non-generated columns, else (rowid tables) all non-generated columns.
   */
  private D1KeyMatch key() {
    List<String> pk = primaryKeyColumns();
    List<String> stored = target.table().columns().stream().filter(c -> !c.generated()).map(D1Catalog.Column::name)
        .toList();
    if (!pk.isEmpty()) {
      return new D1KeyMatch(pk, false, stored.stream().filter(c -> !pk.contains(c)).toList());
    }
    return new D1KeyMatch(stored, true);
  }

  private List<Integer> fieldIndexes(List<String> names) {
    List<String> fields = getTable().getRowType().getFieldNames();
    List<Integer> out = new ArrayList<>();
    for (String name : names) {
      int i = fields.indexOf(name);
      if (i < 0) {
        throw new IllegalStateException("column " + name + " not in " + target.name());
      }
      out.add(i);
    }
    return out;
  }
}
