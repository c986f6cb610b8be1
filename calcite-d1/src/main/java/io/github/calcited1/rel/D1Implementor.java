package io.github.calcited1.rel;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.adapter.jdbc.JdbcImplementor;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlSetOperator;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeUtil;

/**
 * Turns a tree of JDBC rels over D1 tables into one SQL statement. Public because {@code RelToSqlConverter}
 * finds its {@code visit} methods by reflection.
 *
 * <p>Every rel's expressions pass through {@link #FLOATING_POINT} first.
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

  @Override protected Result dispatch(RelNode e) {
    return super.dispatch(e.accept(FLOATING_POINT));
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
