package io.github.calcited1.rel;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.SqlAbstractDateTimeLiteral;
import org.apache.calcite.sql.SqlAlienSystemTypeNameSpec;
import org.apache.calcite.sql.SqlBinaryStringLiteral;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlDateLiteral;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlBinaryOperator;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlTimestampLiteral;
import org.apache.calcite.sql.fun.SqlLikeOperator;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.InferTypes;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.util.SqlShuttle;
import org.apache.calcite.util.BitString;

/**
 * Rewrites a generated statement so that every literal and every user parameter becomes a D1 parameter, recorded as
 * a {@link D1Query.Param}. Integers are sent as decimal strings (D1 binds JSON numbers as REAL, which rounds past
 * 2^53), so they read {@code CAST(? AS INTEGER)}; decimals {@code CAST(? AS NUMERIC)}. Dates and timestamps are
 * sent as their ISO-8601 text, which is how D1 stores them.
 *
 * <p>Left alone: NULL, ordinals in ORDER BY (SQLite reads {@code ORDER BY 2} as a column position), LIMIT/OFFSET
 * counts, and symbols.
 */
final class D1ParameterBinder extends SqlShuttle {
  private static final SqlParserPos POS = SqlParserPos.ZERO;

  private final Map<Integer, RelDataType> userParamTypes;
  private final List<D1Query.Param> params = new ArrayList<>();

  private D1ParameterBinder(Map<Integer, RelDataType> userParamTypes) {
    this.userParamTypes = userParamTypes;
  }

  /** The params, indexed by the {@link SqlDynamicParam#getIndex()} of the nodes this binder created. */
  List<D1Query.Param> params() {
    return params;
  }

  static D1ParameterBinder create(Map<Integer, RelDataType> userParamTypes) {
    return new D1ParameterBinder(userParamTypes);
  }

  /** A parameter for the keyset paging bound, appended by the caller. */
  SqlNode pageKeyParam() {
    return bind(new D1Query.Param(D1Query.Kind.INTEGER, null, D1Query.Param.PAGE_KEY));
  }

  @Override public SqlNode visit(SqlCall call) {
    if (call instanceof SqlSelect select) {
      bindSelect(select);
      return select;
    }
    if (call instanceof SqlJoin join) {
      // NATURAL and the join type are literals too, but structure, not values.
      join.setLeft(join.getLeft().accept(this));
      join.setRight(join.getRight().accept(this));
      if (join.getCondition() != null) {
        join.setOperand(5, join.getCondition().accept(this));
      }
      return join;
    }
    if (call.getKind() == SqlKind.LIKE && call.getOperator() instanceof SqlLikeOperator like) {
      return glob(call, like.isNegated());
    }
    if (D1ExactSql.isDecimalFunction(call.getOperator())) {
      // DECIMAL arithmetic writes each operand several times: a number is written scaled, not bound each time.
      for (int i = 0; i < call.operandCount(); i++) {
        if (!(call.operand(i) instanceof SqlNumericLiteral)) {
          call.setOperand(i, call.operand(i).accept(this));
        }
      }
      return call;
    }
    return super.visit(call);
  }

  /**
   * SQLite's GLOB: case-sensitive like Calcite's LIKE (SQLite's LIKE ignores ASCII case). Its pattern is bound as
   * a parameter like any literal.
   */
  static final SqlBinaryOperator GLOB = new SqlBinaryOperator("GLOB", SqlKind.OTHER, 32, true,
      ReturnTypes.BOOLEAN_NULLABLE, InferTypes.FIRST_KNOWN, OperandTypes.STRING_SAME_SAME);

  /** {@code x LIKE 'p' [ESCAPE 'e']} as {@code x GLOB ?}, for the calls {@link D1Expressions} let through. */
  private SqlNode glob(SqlCall like, boolean negated) {
    String pattern = ((SqlLiteral) like.operand(1)).getValueAs(String.class);
    String escape = like.operandCount() > 2 ? ((SqlLiteral) like.operand(2)).getValueAs(String.class) : null;
    String glob = D1Expressions.likeToGlob(pattern, escape);
    if (glob == null) {
      throw new IllegalStateException("LIKE pattern pushed to D1 without a GLOB equivalent: " + like);
    }
    SqlNode call = GLOB.createCall(POS, like.operand(0).accept(this),
        bind(new D1Query.Param(D1Query.Kind.STRING, glob, D1Query.Param.CONSTANT)));
    return negated ? SqlStdOperatorTable.NOT.createCall(POS, call) : call;
  }

  private void bindSelect(SqlSelect select) {
    select.setSelectList(acceptList(select.getSelectList()));
    if (select.getFrom() != null) {
      select.setFrom(select.getFrom().accept(this));
    }
    if (select.getWhere() != null) {
      select.setWhere(select.getWhere().accept(this));
    }
    select.setGroupBy(acceptList(select.getGroup()));
    if (select.getHaving() != null) {
      select.setHaving(select.getHaving().accept(this));
    }
    SqlNodeList orderList = select.getOrderList();
    if (orderList != null) {
      List<SqlNode> items = new ArrayList<>();
      for (SqlNode item : orderList) {
        items.add(isOrdinal(item) ? item : item.accept(this));
      }
      select.setOrderBy(new SqlNodeList(items, orderList.getParserPosition()));
    }
    // LIMIT/OFFSET literals stay text; a user's "LIMIT ?" is a parameter like any other.
    if (select.getFetch() instanceof SqlDynamicParam) {
      select.setFetch(select.getFetch().accept(this));
    }
    if (select.getOffset() instanceof SqlDynamicParam) {
      select.setOffset(select.getOffset().accept(this));
    }
  }

  private SqlNodeList acceptList(SqlNodeList list) {
    return list == null ? null : (SqlNodeList) list.accept(this);
  }

  private static boolean isOrdinal(SqlNode item) {
    SqlNode node = item;
    while (node instanceof SqlCall call && (call.getKind() == SqlKind.DESCENDING
        || call.getKind() == SqlKind.NULLS_FIRST || call.getKind() == SqlKind.NULLS_LAST)) {
      node = call.operand(0);
    }
    return node instanceof SqlNumericLiteral;
  }

  @Override public SqlNode visit(SqlDynamicParam param) {
    RelDataType type = userParamTypes.get(param.getIndex());
    D1Query.Kind kind = type == null ? D1Query.Kind.ANY : D1Query.Kind.of(type.getSqlTypeName());
    return bind(new D1Query.Param(kind, null, param.getIndex()));
  }

  @Override public SqlNode visit(SqlLiteral literal) {
    if (literal.getValue() == null) {
      return SqlLiteral.createNull(POS);
    }
    if (literal instanceof SqlNumericLiteral number) {
      BigDecimal value = number.getValueAs(BigDecimal.class);
      if (!number.isExact()) {
        return bind(new D1Query.Param(D1Query.Kind.DOUBLE, value.doubleValue(), D1Query.Param.CONSTANT));
      }
      if (value.scale() <= 0 || value.stripTrailingZeros().scale() <= 0) {
        try {
          return bind(new D1Query.Param(D1Query.Kind.INTEGER, value.longValueExact(), D1Query.Param.CONSTANT));
        } catch (ArithmeticException beyondLong) {
          // falls through to DECIMAL
        }
      }
      return bind(new D1Query.Param(D1Query.Kind.DECIMAL, value, D1Query.Param.CONSTANT));
    }
    if (literal instanceof SqlCharStringLiteral) {
      return bind(new D1Query.Param(D1Query.Kind.STRING, literal.getValueAs(String.class), D1Query.Param.CONSTANT));
    }
    if (literal instanceof SqlBinaryStringLiteral) {
      String hex = literal.getValueAs(BitString.class).toHexString();
      return bind(new D1Query.Param(D1Query.Kind.BINARY, hex, D1Query.Param.CONSTANT));
    }
    if (literal instanceof SqlDateLiteral || literal instanceof SqlTimestampLiteral) {
      D1Query.Kind kind = literal instanceof SqlDateLiteral ? D1Query.Kind.DATE : D1Query.Kind.TIMESTAMP;
      String text = ((SqlAbstractDateTimeLiteral) literal).toFormattedString();
      return bind(new D1Query.Param(kind, text, D1Query.Param.CONSTANT));
    }
    if (literal.getTypeName() == SqlTypeName.BOOLEAN) {
      long value = Boolean.TRUE.equals(literal.getValueAs(Boolean.class)) ? 1L : 0L;
      return bind(new D1Query.Param(D1Query.Kind.BOOLEAN, value, D1Query.Param.CONSTANT));
    }
    return literal; // symbols, intervals: not in pushed expressions, or not data
  }

  private SqlNode bind(D1Query.Param param) {
    SqlDynamicParam placeholder = new SqlDynamicParam(params.size(), POS);
    params.add(param);
    String castTo = param.kind().sqlCast();
    if (castTo == null) {
      return placeholder;
    }
    SqlDataTypeSpec spec = new SqlDataTypeSpec(
        new SqlAlienSystemTypeNameSpec(castTo, SqlTypeName.ANY, POS), POS);
    return SqlStdOperatorTable.CAST.createCall(POS, placeholder, spec);
  }
}
