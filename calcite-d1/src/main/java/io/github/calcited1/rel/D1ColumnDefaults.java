package io.github.calcited1.rel;

import io.github.calcited1.catalog.D1Catalog;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.core.Union;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.schema.ColumnStrategy;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql2rel.InitializerContext;
import org.apache.calcite.sql2rel.NullInitializerExpressionFactory;
import org.apache.calcite.sql2rel.SqlToRelConverter;
import org.apache.calcite.tools.RelBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Column defaults of a D1 table, so that SQLite's own {@code DEFAULT} clauses, generated columns and the rowid alias
 * apply to what Calcite inserts.
 *
 * <p>As Calcite's {@link org.apache.calcite.sql2rel.InitializerExpressionFactory} (found through
 * {@code D1Table.unwrap}) it tells the validator that a column with a {@code DEFAULT}, a nullable column, and an
 * {@code INTEGER PRIMARY KEY} (SQLite assigns the rowid) may be left out, and that generated columns can never be
 * inserted (reported as {@link ColumnStrategy#STORED}: Calcite's {@code VIRTUAL} would make Calcite compute them on
 * every read). For each column an INSERT leaves out (or gives as {@code DEFAULT} in VALUES) it returns a call to
 * {@link SqlStdOperatorTable#DEFAULT}, meaning "let D1 fill this in".
 *
 * <p>{@link #omitDefaults} then removes those markers before planning: a column that is a marker in every row is
 * left out of the INSERT altogether (the usual partial column list); a column that is a marker in some rows only
 * (explicit {@code DEFAULT} in a multi-row VALUES) gets a BOOLEAN "use the default" field after the values, and the
 * rows are sent grouped by the set of columns they give ({@link D1WriteRuntime#insert}).
 */
public final class D1ColumnDefaults extends NullInitializerExpressionFactory {
  private final D1Catalog.Table table;

  public D1ColumnDefaults(D1Catalog.Table table) {
    this.table = table;
  }

  @Override
  public ColumnStrategy generationStrategy(RelOptTable relTable, int iColumn) {
    D1Catalog.Column c = table.columns().get(iColumn);
    if (c.generated()) {
      return ColumnStrategy.STORED;
    }
    if (c.defaultValue() != null || c.name().equals(table.rowidAlias().orElse(null)) || !c.notNull()) {
      return ColumnStrategy.DEFAULT;
    }
    return super.generationStrategy(relTable, iColumn);
  }

  @Override
  public RexNode newColumnDefaultValue(RelOptTable relTable, int iColumn, InitializerContext context) {
    RelDataTypeField field = relTable.getRowType().getFieldList().get(iColumn);
    return context.getRexBuilder().makeCall(field.getType(), SqlStdOperatorTable.DEFAULT, List.of());
  }

  /**
   * The columns an INSERT's input gives: {@code columns} are the table ordinals of its value fields, in order;
   * {@code perRowDefaults} are, for each BOOLEAN field that follows the values, the value field it governs (true:
   * leave that column out of this row).
   */
  public record InsertColumns(List<Integer> columns, List<Integer> perRowDefaults) {
    public static InsertColumns all(int n) {
      List<Integer> cols = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        cols.add(i);
      }
      return new InsertColumns(List.copyOf(cols), List.of());
    }

    boolean isAll(int n) {
      return perRowDefaults.isEmpty() && columns.equals(all(n).columns);
    }
  }

  /** Adds the columns an INSERT gives to a modification's plan description (and so to its digest). */
  static RelWriter explain(RelWriter pw, InsertColumns columns, RelOptTable table) {
    int n = table.getRowType().getFieldCount();
    return pw.itemIf("insertColumns", columns.columns(), !columns.isAll(n))
        .itemIf("perRowDefaults", columns.perRowDefaults(), !columns.perRowDefaults().isEmpty());
  }

  /** An INSERT input with its {@code DEFAULT} markers removed, and the columns it gives. */
  public record Omitted(RelNode input, InsertColumns columns) {
  }

  private static boolean isDefault(RexNode e) {
    while (e.getKind() == SqlKind.CAST) {
      e = ((RexCall) e).getOperands().get(0);
    }
    return e.getKind() == SqlKind.DEFAULT;
  }

  /**
   * Removes the DEFAULT markers that Calcite put into an INSERT's input (see the class comment). Called when the
   * INSERT is converted to relational algebra, so no marker ever reaches the planner.
   */
  public static Omitted omitDefaults(RelNode input) {
    int n = input.getRowType().getFieldCount();
    if (!containsDefault(input)) {
      return new Omitted(input, InsertColumns.all(n));
    }
    if (StackWalker.getInstance().walk(s -> s.anyMatch(f -> f.getMethodName().equals("convertMerge")
        && f.getClassName().equals(SqlToRelConverter.class.getName())))) {
      throw new UnsupportedOperationException("MERGE into a D1 table: the WHEN NOT MATCHED THEN INSERT branch must"
          + " give every column, in table order (column defaults are not applied by MERGE); nothing was sent");
    }
    RelBuilder b = RelFactories.LOGICAL_BUILDER.create(input.getCluster(), null);
    Flagged f = flag(input, b);
    // A flag that is the literal TRUE means "left out of every row"; FALSE means "given in every row".
    List<RexNode> topExprs = f.rel instanceof Project p ? p.getProjects() : null;
    List<Integer> columns = new ArrayList<>();
    List<RexNode> fields = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<Integer> perRow = new ArrayList<>();
    List<Integer> perRowFields = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int k = f.flagged.indexOf(i);
      RexNode flag = k < 0 || topExprs == null ? null : topExprs.get(n + k);
      if (flag != null && flag.isAlwaysTrue()) {
        continue;
      }
      if (k >= 0 && (flag == null || !flag.isAlwaysFalse())) {
        perRow.add(columns.size());
        perRowFields.add(n + k);
      }
      columns.add(i);
      fields.add(RexInputRef.of(i, f.rel.getRowType()));
      names.add(input.getRowType().getFieldNames().get(i));
    }
    if (columns.isEmpty()) {
      // Every column is left out of every row: keep one, flagged, so that each row becomes DEFAULT VALUES.
      columns.add(0);
      fields.add(RexInputRef.of(0, f.rel.getRowType()));
      names.add(input.getRowType().getFieldNames().get(0));
      perRow.add(0);
      fields.add(b.getRexBuilder().makeLiteral(true));
      names.add("$default0");
    }
    for (int j = 0; j < perRowFields.size(); j++) {
      fields.add(RexInputRef.of(perRowFields.get(j), f.rel.getRowType()));
      names.add("$default" + perRow.get(j));
    }
    RelNode out = b.push(f.rel).project(fields, names, true).build();
    return new Omitted(out, new InsertColumns(List.copyOf(columns), List.copyOf(perRow)));
  }

  /** {@code rel}'s fields followed by one BOOLEAN field per entry of {@code flagged} (the field it governs). */
  private record Flagged(RelNode rel, List<Integer> flagged) {
  }

  private static Flagged flag(RelNode rel, RelBuilder b) {
    if (!containsDefault(rel)) {
      return new Flagged(rel, List.of());
    }
    RexBuilder rx = b.getRexBuilder();
    if (rel instanceof Project p) {
      Flagged in = flag(p.getInput(), b);
      int inWidth = p.getInput().getRowType().getFieldCount();
      RexShuttle retype = new RexShuttle() {
        @Override
        public RexNode visitInputRef(RexInputRef ref) {
          return RexInputRef.of(ref.getIndex(), in.rel.getRowType());
        }
      };
      List<RexNode> values = new ArrayList<>();
      List<RexNode> flags = new ArrayList<>();
      List<Integer> flagged = new ArrayList<>();
      for (int i = 0; i < p.getProjects().size(); i++) {
        RexNode e = p.getProjects().get(i);
        if (isDefault(e)) {
          values.add(rx.makeNullLiteral(e.getType()));
          flags.add(rx.makeLiteral(true));
          flagged.add(i);
          continue;
        }
        if (RexUtil.find(SqlKind.DEFAULT).anyContain(List.of(e))) {
          throw unsupported();
        }
        values.add(e.accept(retype));
        if (e instanceof RexInputRef r && in.flagged.contains(r.getIndex())) {
          flags.add(RexInputRef.of(inWidth + in.flagged.indexOf(r.getIndex()), in.rel.getRowType()));
          flagged.add(i);
        }
      }
      List<String> names = new ArrayList<>(p.getRowType().getFieldNames());
      flagged.forEach(i -> names.add("$default" + i));
      values.addAll(flags);
      return new Flagged(b.push(in.rel).project(values, names, true).build(), List.copyOf(flagged));
    }
    if (rel instanceof Union u && u.all) {
      List<Flagged> branches = new ArrayList<>();
      TreeSet<Integer> all = new TreeSet<>();
      for (RelNode in : u.getInputs()) {
        Flagged f = flag(in, b);
        branches.add(f);
        all.addAll(f.flagged);
      }
      int w = u.getRowType().getFieldCount();
      for (Flagged f : branches) {
        b.push(f.rel);
        List<RexNode> fields = new ArrayList<>(b.fields().subList(0, w));
        for (int i : all) {
          int k = f.flagged.indexOf(i);
          fields.add(k < 0 ? rx.makeLiteral(false) : b.field(w + k));
        }
        b.project(fields, List.of(), true);
      }
      return new Flagged(b.union(true, branches.size()).build(), List.copyOf(all));
    }
    throw unsupported();
  }

  private static UnsupportedOperationException unsupported() {
    return new UnsupportedOperationException("DEFAULT in an INSERT into a D1 table is supported as a whole VALUES"
        + " item or by leaving the column out of the column list; nothing was sent");
  }

  private static boolean containsDefault(RelNode rel) {
    if (rel instanceof Project p && RexUtil.find(SqlKind.DEFAULT).anyContain(p.getProjects())) {
      return true;
    }
    for (RelNode in : rel.getInputs()) {
      if (containsDefault(in)) {
        return true;
      }
    }
    return false;
  }
}
