package io.github.calcited1.rel;

import io.github.calcited1.catalog.D1Types;
import com.google.common.collect.ImmutableSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.adapter.jdbc.JdbcImplementor;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinInfo;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlSetOperator;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.util.TimestampString;

/**
 * Turns a tree of JDBC rels over D1 tables into one SQL statement. Public because {@code RelToSqlConverter}
 * finds its {@code visit} methods by reflection.
 *
 * <p>Every rel's expressions pass through {@link #FLOATING_POINT} first, then through the exact forms of
 * TIMESTAMP and DECIMAL values ({@link D1ExactSql}).
 */
public class D1Implementor extends JdbcImplementor {
  public D1Implementor(SqlDialect dialect, JavaTypeFactory typeFactory) {
    super(dialect, typeFactory);
  }

  /** A D1 table is named without catalog or schema (the stock visitor would qualify it). */
  public Result visit(D1TableScan scan) {
    return result(scan.sqlFrom(), List.of(Clause.FROM), scan, null);
  }

  /**
   * A compound term with ORDER BY, LIMIT or OFFSET (a sorted input of a set operation) is read through
   * {@code SELECT * FROM (term)}: SQLite accepts them only after the last term, where they apply to the whole
   * compound, and rejects the parenthesised term {@code RelToSqlConverter} writes ({@code near "UNION": syntax
   * error}).
   */
  @Override public Result setOpToSql(SqlSetOperator operator, RelNode rel) {
    Result result = super.setOpToSql(operator, rel);
    // The terms are a left-deep chain of this operator; nested set operations are already sub-queries.
    SqlNode node = result.asStatement(); // the compound itself (mutated in place below)
    while (node instanceof SqlCall call && call.getOperator() == operator) {
      call.setOperand(1, unsorted(call.operand(1)));
      SqlNode first = call.operand(0);
      if (!(first instanceof SqlCall firstCall && firstCall.getOperator() == operator)) {
        call.setOperand(0, unsorted(first));
      }
      node = first;
    }
    return result;
  }

  private static SqlNode unsorted(SqlNode term) {
    if (term instanceof SqlSelect select
        && (select.getOrderList() != null || select.getFetch() != null || select.getOffset() != null)) {
      return new SqlSelect(SqlParserPos.ZERO, null, SqlNodeList.of(SqlIdentifier.star(SqlParserPos.ZERO)), term,
          null, null, null, null, null, null, null, null, null);
    }
    return term;
  }

  /**
   * The {@code EXISTS} sub-queries D1 answers as written ({@link D1CorrelatedExists}): Calcite's own WHERE of a
   * filter with correlation variables, in which each sub-query names the outer columns it reads by the input's
   * aliases.
   */
  public Result visit(D1ExistsFilter e) {
    return visit(LogicalFilter.create(e.getInput(), e.condition(), ImmutableSet.copyOf(e.getVariablesSet())));
  }

  /** A join, its grouped sub-queries first restricted to the keys the other side has ({@link D1SemiJoinReduction}). */
  @Override public Result visit(Join e) {
    return super.visit(D1SemiJoinReduction.reduce(e));
  }

  /**
   * A SEMI join on one {@code =} key as {@code SELECT <left columns> FROM (left) WHERE k IN (SELECT rk FROM
   * (right))}: a NULL key matches nothing either way, and in a WHERE an unknown {@code IN} drops the row as a false
   * one does. SQLite runs such an uncorrelated sub-query once, into a temporary index; Calcite's own form, a
   * correlated {@code EXISTS}, is re-run per outer row and leaves outer columns unqualified (docs/pushdown.md,
   * "Sub-queries"). {@link D1Rules.D1JoinRule} pushes no other SEMI join and no ANTI join.
   */
  @Override protected Result visitAntiOrSemiJoin(Join e) {
    if (!D1Rules.D1JoinRule.isOneKeySemiJoin(e)) {
      throw new IllegalStateException("not a SEMI join on one key: " + e.getJoinType() + " " + e.getCondition());
    }
    JoinInfo info = JoinInfo.createWithStrictEquality(e.getLeft(), e.getRight(), e.getCondition());
    Result left = visitInput(e, 0).resetAlias();
    Result right = visitInput(e, 1).resetAlias();
    Context leftContext = left.qualifiedContext();
    SqlSelect keys = new SqlSelect(POS, null, SqlNodeList.of(right.qualifiedContext().field(info.rightKeys.get(0))),
        right.asFrom(), null, null, null, null, null, null, null, null, null);
    SqlNode condition = SqlStdOperatorTable.IN.createCall(POS, leftContext.field(info.leftKeys.get(0)), keys);
    List<SqlNode> columns = new ArrayList<>();
    List<String> names = e.getRowType().getFieldNames();
    for (int i = 0; i < names.size(); i++) {
      columns.add(SqlStdOperatorTable.AS.createCall(POS, leftContext.field(i), new SqlIdentifier(names.get(i), POS)));
    }
    SqlSelect select = new SqlSelect(POS, null, new SqlNodeList(columns, POS), left.asFrom(), condition, null, null,
        null, null, null, null, null, null);
    return result(select, List.of(Clause.FROM, Clause.WHERE), e, null);
  }

  @Override protected Result dispatch(RelNode e) {
    RelNode rel = e.accept(FLOATING_POINT).accept(new ExactTypes(e.getCluster().getRexBuilder()));
    return super.dispatch(exactKeys(rel));
  }

  /**
   * Makes the keys of a sort or aggregate exact (docs/pushdown.md): TIMESTAMP sort keys, grouping keys and
   * arguments of MIN, MAX and COUNT(DISTINCT) are read through a projection of their timestamp key (same column,
   * same type, one spelling: {@link D1ExactSql#TIMESTAMP_KEY}); SUM and SUM0 of a DECIMAL add its scaled integers
   * ({@link D1ExactSql#sum}).
   */
  private static RelNode exactKeys(RelNode rel) {
    if (rel instanceof Sort sort) {
      Set<Integer> keys = new HashSet<>();
      sort.getCollation().getFieldCollations().forEach(c -> keys.add(c.getFieldIndex()));
      RelNode input = timestampKeys(sort.getInput(), keys);
      return input == sort.getInput() ? sort
          : sort.copy(sort.getTraitSet(), input, sort.getCollation(), sort.offset, sort.fetch);
    }
    if (!(rel instanceof Aggregate aggregate)) {
      return rel;
    }
    Set<Integer> keys = new HashSet<>(aggregate.getGroupSet().asList());
    List<AggregateCall> calls = new ArrayList<>();
    boolean changed = false;
    for (AggregateCall call : aggregate.getAggCallList()) {
      SqlKind kind = call.getAggregation().getKind();
      if (kind == SqlKind.MIN || kind == SqlKind.MAX || call.isDistinct()) {
        keys.addAll(call.getArgList());
      }
      RelDataType argType = call.getArgList().size() == 1
          ? aggregate.getInput().getRowType().getFieldList().get(call.getArgList().get(0)).getType() : null;
      if ((kind == SqlKind.SUM || kind == SqlKind.SUM0) && argType != null && call.filterArg < 0
          && argType.getSqlTypeName() == SqlTypeName.DECIMAL) {
        call = AggregateCall.create(D1ExactSql.sum(argType.getScale(), kind == SqlKind.SUM0), call.isDistinct(),
            call.isApproximate(), call.ignoreNulls(), call.rexList, call.getArgList(), call.filterArg,
            call.distinctKeys, call.collation, call.getType(), call.getName());
        changed = true;
      }
      calls.add(call);
    }
    RelNode input = timestampKeys(aggregate.getInput(), keys);
    if (input == aggregate.getInput() && !changed) {
      return aggregate;
    }
    return aggregate.copy(aggregate.getTraitSet(), input, aggregate.getGroupSet(), aggregate.getGroupSets(), calls);
  }

  /** The input with each of the given TIMESTAMP columns replaced by its timestamp key; itself if there is none. */
  private static RelNode timestampKeys(RelNode input, Set<Integer> columns) {
    RexBuilder rex = input.getCluster().getRexBuilder();
    List<RexNode> projects = new ArrayList<>();
    boolean any = false;
    for (RelDataTypeField field : input.getRowType().getFieldList()) {
      RexNode ref = rex.makeInputRef(field.getType(), field.getIndex());
      if (columns.contains(field.getIndex()) && field.getType().getSqlTypeName() == SqlTypeName.TIMESTAMP) {
        ref = rex.makeCall(field.getType(), D1ExactSql.TIMESTAMP_KEY, List.of(ref));
        any = true;
      }
      projects.add(ref);
    }
    return any ? new D1Rules.D1Project(input.getCluster(), input.getTraitSet(), input, projects, input.getRowType())
        : input;
  }

  /**
   * Rewrites what D1 computes exactly only in a special form (see {@link D1Expressions}): TIMESTAMP comparisons
   * compare timestamp keys; {@code CAST(ts AS DATE)}, EXTRACT and FLOOR of timestamps and dates are strftime
   * formats; DECIMAL {@code + - *} computes on scaled integers ({@link D1ExactSql}).
   */
  private static final class ExactTypes extends RexShuttle {
    private final RexBuilder rex;

    ExactTypes(RexBuilder rex) {
      this.rex = rex;
    }

    @Override public RexNode visitCall(RexCall original) {
      RexCall call = (RexCall) super.visitCall(original);
      List<RexNode> operands = call.getOperands();
      if (D1Expressions.COMPARISONS.contains(call.getKind())) {
        if (operands.stream().anyMatch(D1Implementor::isTimestamp)) {
          RexNode keyed = call.clone(call.getType(), operands.stream().map(this::timestampKey).toList());
          return withRange(call, keyed);
        }
        if (D1Expressions.isScaledComparison(original)) {
          return rex.makeCall(call.getType(), D1ExactSql.compare(call.getKind(),
              D1Expressions.scaleOf(operands.get(0).getType()), D1Expressions.scaleOf(operands.get(1).getType())),
              operands.stream().map(this::scaledCast).toList());
        }
        return call;
      }
      switch (call.getKind()) {
        case AND:
        case OR:
          return RexUtil.flatten(rex, call); // a comparison below may have become an AND
        case SEARCH:
          return isTimestamp(operands.get(0)) ? RexUtil.expandSearch(rex, null, call).accept(this) : call;
        case CAST:
          List<RexNode> average = D1Expressions.decimalAverage(call);
          if (average != null) {
            RelDataType type = call.getType();
            return rex.makeCall(type, D1ExactSql.average(type.getPrecision(), type.getScale()), average);
          }
          if (call.getType().getSqlTypeName() == SqlTypeName.DATE && isTimestamp(operands.get(0))) {
            return strftime(call, "%Y-%m-%d", false, operands.get(0));
          }
          return call;
        case EXTRACT: {
          String format = D1Expressions.extractFormat(call);
          return format == null ? call : strftime(call, format, true, operands.get(1));
        }
        case FLOOR: {
          String format = D1Expressions.floorFormat(call);
          return format == null ? call : strftime(call, format, false, operands.get(0));
        }
        case PLUS:
        case MINUS:
        case TIMES:
          if (D1Expressions.isDecimalArithmetic(call)) {
            RelDataType left = operands.get(0).getType();
            RelDataType right = operands.get(1).getType();
            return rex.makeCall(call.getType(), D1ExactSql.arithmetic(call.getKind(), call.getType().getScale(),
                D1Expressions.scaleOf(left), D1Expressions.scaleOf(right)), operands);
          }
          return call;
        default:
          return call;
      }
    }

    /**
     * The keyed comparison of a TIMESTAMP column with a constant, and in front of it a condition on the column's
     * stored text that an index can serve ({@link D1ExactSql#timestampRange}).
     */
    private RexNode withRange(RexCall call, RexNode keyed) {
      RexNode left = call.getOperands().get(0);
      RexNode right = call.getOperands().get(1);
      SqlKind kind = call.getKind();
      if (!(left instanceof RexInputRef) && right instanceof RexInputRef) {
        RexNode swap = left;
        left = right;
        right = swap;
        kind = kind.reverse();
      }
      if (!(left instanceof RexInputRef) || !(right instanceof RexLiteral || right instanceof RexDynamicParam)
          || right instanceof RexLiteral literal && literal.isNull()) {
        return keyed;
      }
      boolean lower = kind == SqlKind.GREATER_THAN || kind == SqlKind.GREATER_THAN_OR_EQUAL || kind == SqlKind.EQUALS;
      boolean upper = kind == SqlKind.LESS_THAN || kind == SqlKind.LESS_THAN_OR_EQUAL || kind == SqlKind.EQUALS;
      // the range first: SQLite evaluates AND terms in order, so the key is computed only for rows in the range
      List<RexNode> conjuncts = new ArrayList<>();
      RelDataType bool = call.getType();
      if (lower) {
        conjuncts.add(rex.makeCall(bool, D1ExactSql.timestampRange(true), List.of(left, right)));
      }
      if (upper) {
        conjuncts.add(rex.makeCall(bool, D1ExactSql.timestampRange(false), List.of(left, right)));
      }
      conjuncts.add(keyed);
      return RexUtil.composeConjunction(rex, conjuncts);
    }

    /**
     * A TIMESTAMP operand as its timestamp key. A constant is its key already: a literal is sent as the key's text
     * (one parameter, where the key's SQL would repeat it seven times), a parameter is sent in that spelling
     * ({@link D1Values#toParam}).
     */
    private RexNode timestampKey(RexNode operand) {
      if (!isTimestamp(operand) || operand instanceof RexDynamicParam) {
        return operand;
      }
      if (operand instanceof RexLiteral literal) {
        TimestampString value = literal.getValueAs(TimestampString.class);
        return value == null ? operand : rex.makeLiteral(value.toString(D1Types.TIMESTAMP_PRECISION));
      }
      return rex.makeCall(operand.getType(), D1ExactSql.TIMESTAMP_KEY, List.of(operand));
    }

    /**
     * An operand of a comparison on scaled integers, with each cast to DECIMAL in it computed on scaled integers
     * ({@link D1ExactSql#decimalCast}); a DECIMAL AVG or arithmetic is one already.
     */
    private RexNode scaledCast(RexNode operand) {
      if (operand.getKind() != SqlKind.CAST || operand.getType().getSqlTypeName() != SqlTypeName.DECIMAL) {
        return operand;
      }
      RelDataType type = operand.getType();
      RexNode value = scaledCast(((RexCall) operand).getOperands().get(0));
      return rex.makeCall(type, D1ExactSql.decimalCast(type.getPrecision(), type.getScale(),
          D1Expressions.scaleOf(value.getType())), List.of(value));
    }

    private RexNode strftime(RexCall call, String format, boolean toInteger, RexNode operand) {
      return rex.makeCall(call.getType(), D1ExactSql.strftime(format, toInteger), List.of(operand));
    }
  }

  private static boolean isTimestamp(RexNode node) {
    return node.getType().getSqlTypeName() == SqlTypeName.TIMESTAMP;
  }

  /**
   * Makes {@code + - * /} whose Calcite type is DOUBLE/REAL/FLOAT floating point in SQLite too:
   * {@code CAST(a AS REAL) / b}. A DOUBLE column of NUMERIC affinity (NUMERIC or DECIMAL without precision) stores
   * whole numbers as SQLite INTEGERs, and two INTEGERs divide as integers ({@code 5 / 2} is 2, Calcite's 2.5);
   * {@code + - *} of INTEGERs are exact 64-bit arithmetic where Calcite rounds to doubles. The first operand is
   * cast unless it is already floating point arithmetic (a nested call this shuttle has made REAL).
   */
  public static final RexShuttle FLOATING_POINT = new RexShuttle() {
    @Override public RexNode visitCall(RexCall call) {
      RexCall visited = (RexCall) super.visitCall(call);
      if (!isFloatingArithmetic(visited) || visited.getOperands().size() != 2) {
        return visited;
      }
      RexNode first = visited.getOperands().get(0);
      if (isFloatingArithmetic(first) || first.getKind() == SqlKind.CAST
          && SqlTypeUtil.isApproximateNumeric(first.getType())) {
        return visited;
      }
      // A RexCall built directly: RexBuilder.makeCast would drop a cast to the operand's own type.
      RexNode real = new RexCall(first.getType(), SqlStdOperatorTable.CAST, List.of(first)) { };
      List<RexNode> operands = new ArrayList<>(visited.getOperands());
      operands.set(0, real);
      return visited.clone(visited.getType(), operands);
    }
  };

  private static boolean isFloatingArithmetic(RexNode node) {
    switch (node.getKind()) {
      case PLUS:
      case MINUS:
      case TIMES:
      case DIVIDE:
        return node instanceof RexCall && SqlTypeUtil.isApproximateNumeric(node.getType());
      default:
        return false;
    }
  }
}
