package io.github.calcited1.rel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelVisitor;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.SqlAlienSystemTypeNameSpec;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlSetOperator;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.util.SqlString;
import org.apache.calcite.util.Util;

/**
 * Generates the one SQLite statement for a subtree of rels in a {@link D1Convention}.
 *
 * <ol>
 *   <li>{@code RelToSqlConverter} (through {@link D1Implementor}) writes the statement.</li>
 *   <li>{@link D1ParameterBinder} turns literals and user parameters into D1 parameters.</li>
 *   <li>A plain scan (table, filter, projection) of a rowid table is read by keyset pages:
 *       {@code … WHERE (filter) AND rowid >= ? ORDER BY rowid LIMIT pageSize}, with the rowid as an extra last
 *       column; the runtime repeats the statement from the largest rowid seen plus one.</li>
 *   <li>BIGINT and DECIMAL output columns are read as text, because D1's JSON carries numbers as doubles and so
 *       loses integers past 2^53: {@code SELECT CAST("d1"."id" AS TEXT) AS "id", … FROM (statement) AS "d1"}.
 *       Casting in an outer query, rather than in the statement's own SELECT list, keeps its ORDER BY, GROUP BY and
 *       comparisons on the numbers; SQLite flattens the outer query away. Always text, rather than text only past
 *       2^53, because then a value that is not an integer at all (SQLite is dynamically typed) also arrives as text
 *       and is reported exactly.</li>
 * </ol>
 */
final class D1SqlGenerator {
  private static final SqlParserPos POS = SqlParserPos.ZERO;
  /** Alias of the statement inside the outer, text-casting query. */
  static final String INNER_ALIAS = "d1";
  /** Name of the paging key column. */
  static final String PAGE_KEY_COLUMN = "__d1_page_key";

  private D1SqlGenerator() {}

  static D1Query generate(RelNode root, JavaTypeFactory typeFactory, int pageSize) {
    D1ParameterBinder binder = D1ParameterBinder.create(userParamTypes(root));
    SqlNode statement = new D1Implementor(D1SqlDialect.INSTANCE, typeFactory).visitRoot(root).asStatement();
    statement = statement.accept(binder);

    List<String> names = new ArrayList<>(root.getRowType().getFieldNames());
    List<Boolean> asText = new ArrayList<>();
    root.getRowType().getFieldList().forEach(f -> asText.add(readsAsText(f.getType())));

    nameOutputs(statement, root.getRowType().getFieldNames());
    Optional<String> rowid = pagingKey(root);
    boolean paged = rowid.isPresent() && statement instanceof SqlSelect select
        && select.getFrom() instanceof SqlIdentifier;
    if (paged) {
      addPaging((SqlSelect) statement, rowid.get(), binder.pageKeyParam(), pageSize);
      names.add(PAGE_KEY_COLUMN);
      asText.add(true);
    }
    if (asText.contains(true)) {
      statement = castOutputsToText(statement, names, asText);
    }
    SqlString sql = statement.toSqlString(D1SqlDialect.INSTANCE);
    List<D1Query.Param> params = new ArrayList<>();
    List<Integer> order = sql.getDynamicParameters();
    if (order != null) {
      order.forEach(i -> params.add(binder.params().get(i)));
    }
    return new D1Query(sql.getSql(), List.copyOf(params), paged);
  }

  /** BIGINT and DECIMAL values are read as text; every other type fits a JSON number exactly or is not one. */
  static boolean readsAsText(RelDataType type) {
    return type.getSqlTypeName() == SqlTypeName.BIGINT || type.getSqlTypeName() == SqlTypeName.DECIMAL;
  }

  /** The rowid name of the scanned table if the subtree is a plain scan: projections and filters over a table. */
  private static Optional<String> pagingKey(RelNode rel) {
    RelNode node = rel;
    while (node instanceof Project || node instanceof Filter) {
      node = node.getInput(0);
    }
    return node instanceof D1TableScan scan ? scan.d1Table.table().rowidName() : Optional.empty();
  }

  private static void addPaging(SqlSelect select, String rowid, SqlNode lowerBound, int pageSize) {
    SqlIdentifier key = new SqlIdentifier(rowid, POS);
    List<SqlNode> items = new ArrayList<>();
    if (select.getSelectList() == null) {
      items.add(SqlIdentifier.star(POS));
    } else {
      select.getSelectList().forEach(items::add);
    }
    items.add(SqlStdOperatorTable.AS.createCall(POS, key, new SqlIdentifier(PAGE_KEY_COLUMN, POS)));
    select.setSelectList(new SqlNodeList(items, POS));
    SqlNode bound = SqlStdOperatorTable.GREATER_THAN_OR_EQUAL.createCall(POS, key, lowerBound);
    select.setWhere(select.getWhere() == null ? bound
        : SqlStdOperatorTable.AND.createCall(POS, select.getWhere(), bound));
    select.setOrderBy(SqlNodeList.of(key));
    select.setFetch(SqlLiteral.createExactNumeric(Integer.toString(pageSize), POS));
  }

  /**
   * Gives every output column of the statement its field name ({@code RelToSqlConverter} leaves an expression
   * such as {@code COUNT(*)} unnamed), so that the outer query can refer to it. A compound statement takes its
   * names from its first term.
   */
  private static void nameOutputs(SqlNode statement, List<String> names) {
    if (statement instanceof SqlSelect select) {
      SqlNodeList list = select.getSelectList();
      if (list == null || list.size() != names.size()) {
        return; // SELECT *: the table's own column names
      }
      for (int i = 0; i < list.size(); i++) {
        SqlNode item = list.get(i);
        boolean named = item.getKind() == SqlKind.AS
            || item instanceof SqlIdentifier id && !id.isStar() && Util.last(id.names).equals(names.get(i));
        if (!named) {
          list.set(i, SqlStdOperatorTable.AS.createCall(POS, item, new SqlIdentifier(names.get(i), POS)));
        }
      }
    } else if (statement instanceof SqlCall call && call.getOperator() instanceof SqlSetOperator) {
      nameOutputs(call.operand(0), names);
    }
  }

  private static SqlNode castOutputsToText(SqlNode statement, List<String> names, List<Boolean> asText) {
    List<SqlNode> items = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      SqlNode column = new SqlIdentifier(List.of(INNER_ALIAS, names.get(i)), POS);
      if (asText.get(i)) {
        SqlDataTypeSpec text = new SqlDataTypeSpec(
            new SqlAlienSystemTypeNameSpec("TEXT", SqlTypeName.VARCHAR, POS), POS);
        column = SqlStdOperatorTable.AS.createCall(POS,
            SqlStdOperatorTable.CAST.createCall(POS, column, text), new SqlIdentifier(names.get(i), POS));
      }
      items.add(column);
    }
    SqlNode from = SqlStdOperatorTable.AS.createCall(POS, statement, new SqlIdentifier(INNER_ALIAS, POS));
    return new SqlSelect(POS, null, new SqlNodeList(items, POS), from, null, null, null, null, null, null, null,
        null, null);
  }

  /** Types of the user's parameters ({@code ?}) used in the subtree, by index. */
  private static Map<Integer, RelDataType> userParamTypes(RelNode root) {
    Map<Integer, RelDataType> types = new HashMap<>();
    RexShuttle collector = new RexShuttle() {
      @Override public RexNode visitDynamicParam(RexDynamicParam param) {
        types.put(param.getIndex(), param.getType());
        return param;
      }
    };
    new RelVisitor() {
      @Override public void visit(RelNode node, int ordinal, RelNode parent) {
        node.accept(collector);
        super.visit(node, ordinal, parent);
      }
    }.go(root);
    return types;
  }

}
