package io.github.calcited1.rel;

import io.github.calcited1.schema.D1Catalog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelVisitor;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.rel2sql.SqlImplementor;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.SqlAlienSystemTypeNameSpec;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlSetOperator;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlNumericLiteral;
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
 *       column unless the rowid column (an {@code INTEGER PRIMARY KEY}) is an output already; the runtime repeats
 *       the statement from the largest rowid seen plus one.</li>
 *   <li>BIGINT and DECIMAL output columns are read as text, because D1's JSON carries numbers as doubles and so
 *       loses integers past 2^53: {@code SELECT CAST("d1"."id" AS TEXT) AS "id", … FROM (statement) AS "d1"}.
 *       Casting in an outer query, rather than in the statement's own SELECT list, keeps its ORDER BY, GROUP BY and
 *       comparisons on the numbers; SQLite flattens the outer query away when there is no ORDER BY. Always text, rather than text only past
 *       2^53, because then a value that is not an integer at all (SQLite is dynamically typed) also arrives as text
 *       and is reported exactly. If the statement has an ORDER BY, the outer query repeats it on the inner
 *       columns by qualified name ({@code ORDER BY "d1"."id" DESC}): SQL keeps no sub-query's order.</li>
 * </ol>
 */
final class D1SqlGenerator {
  private static final SqlParserPos POS = SqlParserPos.ZERO;
  /** Alias of the statement inside the outer, text-casting query. */
  static final String INNER_ALIAS = "d1";
  /** Name of the paging key column. */
  static final String PAGE_KEY_COLUMN = "__d1_page_key";
  /** Prefix of a sort key the statement does not return, added for the outer query's ORDER BY. */
  static final String ORDER_COLUMN_PREFIX = "__d1_order_";

  private D1SqlGenerator() {}

  static D1Query generate(RelNode root, JavaTypeFactory typeFactory, int pageSize) {
    D1ParameterBinder binder = D1ParameterBinder.create(userParamTypes(root));
    SqlImplementor.Result result = new D1Implementor(D1SqlDialect.INSTANCE, typeFactory).visitRoot(root);
    SqlNode statement = result.asStatement();
    expandStar(statement, result, root.getRowType().getFieldCount());
    statement = statement.accept(binder);

    List<String> names = new ArrayList<>(root.getRowType().getFieldNames());
    List<Boolean> asText = new ArrayList<>();
    root.getRowType().getFieldList().forEach(f -> asText.add(readsAsText(f.getType())));

    nameOutputs(statement, root.getRowType().getFieldNames());
    Optional<String> rowid = pagingKey(root);
    boolean paged = rowid.isPresent() && statement instanceof SqlSelect select
        && select.getFrom() instanceof SqlIdentifier;
    int pageKeyColumn = -1;
    if (paged) {
      pageKeyColumn = rowidAliasOutput((SqlSelect) statement, rowidAlias(root), names, asText);
      addPaging((SqlSelect) statement, rowid.get(), binder.pageKeyParam(), pageSize, pageKeyColumn < 0);
      if (pageKeyColumn < 0) {
        names.add(PAGE_KEY_COLUMN);
        asText.add(true);
        pageKeyColumn = names.size() - 1;
      }
    }
    if (asText.contains(true)) {
      // A paged scan's order is the runtime's business (it tracks the largest key, whatever the order), and
      // the user asked for none.
      List<OrderKey> order = paged ? List.of() : outputOrder(root);
      List<String> orderNames = orderColumns(statement, order, names);
      if (orderNames == null) {
        order = List.of(); // cannot be named outside: SQLite's flattening keeps the inner order (see docs)
      } else if (!order.isEmpty() && statement instanceof SqlSelect select && select.getFetch() == null
          && select.getOffset() == null) {
        select.setOrderBy(null); // sorted once, outside
      }
      statement = castOutputsToText(statement, names, asText, order, orderNames);
    }
    SqlString sql = statement.toSqlString(D1SqlDialect.INSTANCE);
    List<D1Query.Param> params = new ArrayList<>();
    List<Integer> order = sql.getDynamicParameters();
    if (order != null) {
      order.forEach(i -> params.add(binder.params().get(i)));
    }
    return new D1Query(sql.getSql(), List.copyOf(params), pageKeyColumn);
  }

  /**
   * Replaces {@code SELECT *} over a join by its columns, qualified: the
   * outer query refers to the statement's columns by name, and a join's columns may share a name ({@code id} of
   * both sides), which Calcite's row type spells {@code id0}.
   */
  private static void expandStar(SqlNode statement, SqlImplementor.Result result, int fieldCount) {
    if (!(statement instanceof SqlSelect select) || !(select.getFrom() instanceof SqlJoin)
        || !(select.getSelectList() == null
            || select.getSelectList().size() == 1 && select.getSelectList().get(0) instanceof SqlIdentifier id
                && id.isStar())) {
      return;
    }
    SqlImplementor.Context context = result.qualifiedContext();
    List<SqlNode> items = new ArrayList<>();
    for (int i = 0; i < fieldCount; i++) {
      items.add(context.field(i));
    }
    select.setSelectList(new SqlNodeList(items, POS));
  }

  /** BIGINT and DECIMAL values are read as text; every other type fits a JSON number exactly or is not one. */
  static boolean readsAsText(RelDataType type) {
    return type.getSqlTypeName() == SqlTypeName.BIGINT || type.getSqlTypeName() == SqlTypeName.DECIMAL;
  }

  /**
   * The rowid name of the scanned table if the subtree is a plain scan (projections and filters over a table) that
   * may need several pages; empty when a filter pins the whole primary key, since at most one row can come back.
   */
  private static Optional<String> pagingKey(RelNode rel) {
    RelNode node = rel;
    while (node instanceof Project || node instanceof Filter) {
      if (node instanceof Filter filter && filter.getInput() instanceof D1TableScan scan
          && pinsPrimaryKey(filter, scan)) {
        return Optional.empty();
      }
      node = node.getInput(0);
    }
    return node instanceof D1TableScan scan ? scan.d1Table.table().rowidName() : Optional.empty();
  }

  /** The rowid alias of the table a plain scan (see {@link #pagingKey}) reads. */
  private static Optional<String> rowidAlias(RelNode rel) {
    RelNode node = rel;
    while (node instanceof Project || node instanceof Filter) {
      node = node.getInput(0);
    }
    return node instanceof D1TableScan scan ? scan.d1Table.table().rowidAlias() : Optional.empty();
  }

  /** Whether the filter requires {@code column = constant} of every primary-key column of the scanned table. */
  private static boolean pinsPrimaryKey(Filter filter, D1TableScan scan) {
    List<String> key = scan.d1Table.table().columns().stream()
        .filter(D1Catalog.Column::isPrimaryKey).map(D1Catalog.Column::name).toList();
    if (key.isEmpty()) {
      return false;
    }
    List<String> fields = scan.getRowType().getFieldNames();
    Set<String> pinned = new HashSet<>();
    for (RexNode conjunct : RelOptUtil.conjunctions(filter.getCondition())) {
      if (conjunct.getKind() != SqlKind.EQUALS) {
        continue;
      }
      List<RexNode> operands = ((RexCall) conjunct).getOperands();
      for (int i = 0; i < 2; i++) {
        RexNode other = operands.get(1 - i);
        if (operands.get(i) instanceof RexInputRef ref
            && (other instanceof RexLiteral || other instanceof RexDynamicParam)) {
          pinned.add(fields.get(ref.getIndex()));
        }
      }
    }
    return pinned.containsAll(key);
  }

  /**
   * The output column that is the table's rowid alias ({@code INTEGER PRIMARY KEY}) as such, read as text, or -1:
   * it can serve as the page key without an extra column.
   */
  private static int rowidAliasOutput(SqlSelect select, Optional<String> alias, List<String> names,
      List<Boolean> asText) {
    if (alias.isEmpty()) {
      return -1;
    }
    int found = -1;
    SqlNodeList list = select.getSelectList();
    if (list == null || list.size() == 1 && list.get(0) instanceof SqlIdentifier star && star.isStar()) {
      found = names.indexOf(alias.get()); // SELECT *: the table's columns
    } else {
      for (int i = 0; i < list.size() && found < 0; i++) {
        SqlNode item = list.get(i);
        if (item.getKind() == SqlKind.AS) {
          item = ((SqlCall) item).operand(0);
        }
        if (item instanceof SqlIdentifier id && !id.isStar() && Util.last(id.names).equalsIgnoreCase(alias.get())) {
          found = i;
        }
      }
    }
    return found >= 0 && asText.get(found) ? found : -1;
  }

  private static void addPaging(SqlSelect select, String rowid, SqlNode lowerBound, int pageSize,
      boolean keyColumn) {
    SqlIdentifier key = new SqlIdentifier(rowid, POS);
    if (keyColumn) {
      List<SqlNode> items = new ArrayList<>();
      if (select.getSelectList() == null) {
        items.add(SqlIdentifier.star(POS));
      } else {
        select.getSelectList().forEach(items::add);
      }
      items.add(SqlStdOperatorTable.AS.createCall(POS, key, new SqlIdentifier(PAGE_KEY_COLUMN, POS)));
      select.setSelectList(new SqlNodeList(items, POS));
    }
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
      if (list == null || list.size() != names.size()
          || list.stream().anyMatch(item -> item instanceof SqlIdentifier id && id.isStar())) {
        return; // SELECT * (perhaps with the page key after it): the table's own column names
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

  /**
   * One key of the order the statement's rows must come in.
   *
   * @param field the output column it sorts by, or -1 if the projections above the sort drop it
   * @param position its position in the sort's keys (and in the statement's ORDER BY)
   */
  record OrderKey(int field, int position, RelFieldCollation collation) {}

  /**
   * The order the statement's rows must come in: the collation of a Sort at the top of the subtree, possibly under
   * projections and filters, in terms of the subtree's output columns. Empty if the statement promises no order.
   */
  static List<OrderKey> outputOrder(RelNode root) {
    List<Project> projects = new ArrayList<>();
    RelNode node = root;
    while (node instanceof Project || node instanceof Filter) {
      if (node instanceof Project project) {
        projects.add(project);
      }
      node = node.getInput(0);
    }
    if (!(node instanceof Sort sort) || sort.getCollation().getFieldCollations().isEmpty()) {
      return List.of();
    }
    List<OrderKey> order = new ArrayList<>();
    List<RelFieldCollation> keys = sort.getCollation().getFieldCollations();
    for (int k = 0; k < keys.size(); k++) {
      int field = keys.get(k).getFieldIndex();
      for (int i = projects.size() - 1; i >= 0 && field >= 0; i--) {
        field = outputOf(projects.get(i), field);
      }
      order.add(new OrderKey(field, k, keys.get(k)));
    }
    return order;
  }

  /**
   * The inner column names the outer query orders by. A key the statement does not return ({@code SELECT name ...
   * ORDER BY id}) is added to its SELECT list as {@code __d1_order_k}, which the outer query does not return.
   * Null if that is not possible (a compound or DISTINCT statement, an ORDER BY unlike the sort's keys).
   */
  private static List<String> orderColumns(SqlNode statement, List<OrderKey> order, List<String> names) {
    List<String> columns = new ArrayList<>();
    for (OrderKey key : order) {
      if (key.field() >= 0) {
        columns.add(names.get(key.field()));
        continue;
      }
      if (!(statement instanceof SqlSelect select) || select.isDistinct() || select.getOrderList() == null
          || select.getOrderList().size() != order.size()) {
        return null;
      }
      SqlNode expr = select.getOrderList().get(key.position());
      while (expr instanceof SqlCall call && (call.getKind() == SqlKind.DESCENDING
          || call.getKind() == SqlKind.NULLS_FIRST || call.getKind() == SqlKind.NULLS_LAST)) {
        expr = call.operand(0);
      }
      if (expr instanceof SqlNumericLiteral) {
        return null; // an ordinal is a returned column, which the mapping would have found
      }
      String alias = ORDER_COLUMN_PREFIX + key.position();
      List<SqlNode> items = new ArrayList<>();
      if (select.getSelectList() == null) {
        items.add(SqlIdentifier.star(POS));
      } else {
        select.getSelectList().forEach(items::add);
      }
      items.add(SqlStdOperatorTable.AS.createCall(POS, expr, new SqlIdentifier(alias, POS)));
      select.setSelectList(new SqlNodeList(items, POS));
      columns.add(alias);
    }
    return columns;
  }

  /** The first output column of the projection that is its input's column {@code input}, or -1. */
  private static int outputOf(Project project, int input) {
    List<RexNode> exprs = project.getProjects();
    for (int i = 0; i < exprs.size(); i++) {
      if (exprs.get(i) instanceof RexInputRef ref && ref.getIndex() == input) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Wraps the statement in {@code SELECT CAST("d1"."id" AS TEXT) AS "id", … FROM (statement) AS "d1"}. SQL does
   * not promise that a sub-query's ORDER BY survives the outer query (SQLite keeps it only because it flattens the
   * query), so the statement's order is repeated outside, on the sub-query's columns by qualified name: the
   * numbers, not their text.
   */
  private static SqlNode castOutputsToText(SqlNode statement, List<String> names, List<Boolean> asText,
      List<OrderKey> order, List<String> orderNames) {
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
    SqlNodeList orderBy = null;
    if (!order.isEmpty()) {
      List<SqlNode> keys = new ArrayList<>();
      for (int k = 0; k < order.size(); k++) {
        RelFieldCollation c = order.get(k).collation();
        SqlNode key = new SqlIdentifier(List.of(INNER_ALIAS, orderNames.get(k)), POS);
        if (c.getDirection().isDescending()) {
          key = SqlStdOperatorTable.DESC.createCall(POS, key);
        }
        if (c.nullDirection == RelFieldCollation.NullDirection.FIRST) {
          key = SqlStdOperatorTable.NULLS_FIRST.createCall(POS, key);
        } else if (c.nullDirection == RelFieldCollation.NullDirection.LAST) {
          key = SqlStdOperatorTable.NULLS_LAST.createCall(POS, key);
        }
        keys.add(key);
      }
      orderBy = new SqlNodeList(keys, POS);
    }
    return new SqlSelect(POS, null, new SqlNodeList(items, POS), from, null, null, null, null, null, orderBy,
        null, null, null);
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
