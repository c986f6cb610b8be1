package io.github.calcited1.rel;

import static io.github.calcited1.catalog.D1Names.freeName;

import io.github.calcited1.catalog.D1Catalog;
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
import org.apache.calcite.sql.SqlBasicFunction;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.fun.SqlCase;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlSetOperator;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlOrderBy;
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
 *   <li>BIGINT and DECIMAL output columns are wrapped in an outer query, because D1's JSON carries numbers as
 *       doubles and so loses integers past 2^53. A DECIMAL is read as text; a BIGINT (and the page key) as a number
 *       when it is an integer of at most 2^53 - 1 in magnitude, else as text, which the client reads exactly
 *       ({@link #exactInteger}): {@code SELECT CASE WHEN typeof("d1"."id") = 'integer' AND "d1"."id" >=
 *       -9007199254740991 AND "d1"."id" <= 9007199254740991 THEN "d1"."id" ELSE CAST("d1"."id" AS TEXT) END AS "id", …
 *       FROM (statement) AS "d1"}. A value that is not an integer at all (SQLite is dynamically typed) arrives as text
 *       too, and is reported exactly. Wrapping in an outer query, rather than in the statement's own SELECT list,
 *       keeps its ORDER BY, GROUP BY and comparisons on the numbers; SQLite flattens the outer query away when
 *       there is no ORDER BY. If the statement has an ORDER BY, the outer query repeats it on the inner columns by
 *       qualified name ({@code ORDER BY "d1"."id" DESC}): SQL keeps no sub-query's order.</li>
 * </ol>
 */
public final class D1SqlGenerator {
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
    Set<String> taken = namesIn(root);
    D1ScaledRows.verifyOncePerRow(statement, taken);
    statement = statement.accept(binder);

    List<String> names = new ArrayList<>(root.getRowType().getFieldNames());
    List<Boolean> asText = new ArrayList<>();
    root.getRowType().getFieldList().forEach(f -> asText.add(readsAsText(f.getType())));

    nameOutputs(statement, root.getRowType().getFieldNames());
    Set<Integer> scaledOutputs = scaledOutputs(statement, root.getRowType());
    Optional<String> rowid = pageSize > 0 ? pagingKey(root) : Optional.empty(); // 0: one request, no pages
    Optional<String> tableAlias = statement instanceof SqlSelect select ? scannedTableAlias(select) : Optional.empty();
    boolean paged = rowid.isPresent() && tableAlias.isPresent();
    int pageKeyColumn = -1;
    if (paged) {
      pageKeyColumn = rowidAliasOutput((SqlSelect) statement, rowidAlias(root), names, asText);
      String pageKeyName = freeName(PAGE_KEY_COLUMN, taken);
      addPaging((SqlSelect) statement, tableAlias.get(), rowid.get(), binder.pageKeyParam(), pageSize,
          pageKeyColumn < 0, pageKeyName);
      if (pageKeyColumn < 0) {
        names.add(pageKeyName);
        asText.add(true);
        pageKeyColumn = names.size() - 1;
      }
    }
    if (asText.contains(true)) {
      // A paged scan's order is the runtime's business (it tracks the largest key, whatever the order), and
      // the user asked for none.
      List<OrderKey> order = paged ? List.of() : outputOrder(root);
      List<String> orderNames = orderColumns(statement, order, names, taken);
      if (orderNames == null) {
        order = List.of(); // cannot be named outside: SQLite's flattening keeps the inner order (see docs)
      } else if (!order.isEmpty() && statement instanceof SqlSelect select && select.getFetch() == null
          && select.getOffset() == null) {
        select.setOrderBy(null); // sorted once, outside
      }
      statement = castOutputsToText(statement, names, asText, scaledOutputs, root.getRowType(), order, orderNames);
    }
    return toQuery(statement, binder, pageKeyColumn);
  }

  /** The statement's SQL text, with the binder's parameters in the order their {@code ?} appear. */
  private static D1Query toQuery(SqlNode statement, D1ParameterBinder binder, int pageKeyColumn) {
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

  /**
   * The alias of the one table a SELECT reads ({@code FROM "t" AS "t"}: the dialect gives every table one), or empty
   * when it reads anything else.
   */
  private static Optional<String> scannedTableAlias(SqlSelect select) {
    return select.getFrom() instanceof SqlCall as && as.getKind() == SqlKind.AS
        && as.operand(0) instanceof SqlIdentifier && as.operand(1) instanceof SqlIdentifier alias
        ? Optional.of(alias.getSimple()) : Optional.empty();
  }

  /**
   * The page key, qualified by {@code tableAlias} as every column is (see {@link D1SqlDialect#hasImplicitTableAlias}).
   */
  private static void addPaging(SqlSelect select, String tableAlias, String rowid, SqlNode lowerBound, int pageSize,
      boolean keyColumn, String keyName) {
    SqlIdentifier key = new SqlIdentifier(List.of(tableAlias, rowid), POS);
    if (keyColumn) {
      List<SqlNode> items = new ArrayList<>();
      if (select.getSelectList() == null) {
        items.add(SqlIdentifier.star(POS));
      } else {
        select.getSelectList().forEach(items::add);
      }
      items.add(SqlStdOperatorTable.AS.createCall(POS, key, new SqlIdentifier(keyName, POS)));
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
   * names from its first term; {@code SELECT *} from a sub-query (how {@code RelToSqlConverter} nests one set
   * operation in another) takes them from the sub-query. A star is never given an alias ({@code SELECT * AS "e1"}
   * is a syntax error).
   */
  private static void nameOutputs(SqlNode statement, List<String> names) {
    if (statement instanceof SqlSelect select) {
      SqlNodeList list = select.getSelectList();
      if (list == null || list.size() == 1 && list.get(0) instanceof SqlIdentifier id && id.isStar()) {
        SqlNode from = select.getFrom();
        if (from != null && from.getKind() == SqlKind.AS) {
          from = ((SqlCall) from).operand(0);
        }
        if (from instanceof SqlSelect || from instanceof SqlOrderBy
            || from instanceof SqlCall call && call.getOperator() instanceof SqlSetOperator) {
          nameOutputs(from, names);
        }
        return; // otherwise the table's own column names
      }
      if (list.size() != names.size()
          || list.stream().anyMatch(item -> item instanceof SqlIdentifier id && id.isStar())) {
        return; // a star among other items (the page key after it): the table's own column names
      }
      for (int i = 0; i < list.size(); i++) {
        SqlNode item = list.get(i);
        boolean named = item.getKind() == SqlKind.AS
            || item instanceof SqlIdentifier id && !id.isStar() && Util.last(id.names).equals(names.get(i));
        if (!named) {
          list.set(i, SqlStdOperatorTable.AS.createCall(POS, item, new SqlIdentifier(names.get(i), POS)));
        }
      }
    } else if (statement instanceof SqlOrderBy orderBy) {
      nameOutputs(orderBy.query, names);
    } else if (statement instanceof SqlCall call && call.getOperator() instanceof SqlSetOperator) {
      nameOutputs(call.operand(0), names);
    }
  }

  /**
   * The DECIMAL output columns of the statement's own SELECT list that D1 computes as scaled integers (a SUM, DECIMAL
   * arithmetic), each replaced by its checked scaled integer ({@link D1ExactSql#scaledOutput}), which the outer
   * query prints exactly ({@link D1ExactSql#scaledText}): such a result is exact to 64 bits, where the number of an
   * unscaled DECIMAL is exact to 15 digits. An ORDER BY of the column (by name or position) orders the scaled
   * integers, in the same order. Inner sub-queries keep the unscaled numbers that their users compare.
   */
  private static Set<Integer> scaledOutputs(SqlNode statement, RelDataType rowType) {
    Set<Integer> scaled = new HashSet<>();
    if (!(statement instanceof SqlSelect select) || select.getSelectList() == null
        || select.getSelectList().size() != rowType.getFieldCount()) {
      return scaled;
    }
    SqlNodeList list = select.getSelectList();
    for (int i = 0; i < list.size(); i++) {
      RelDataType type = rowType.getFieldList().get(i).getType();
      SqlNode item = list.get(i);
      SqlCall as = item.getKind() == SqlKind.AS ? (SqlCall) item : null;
      SqlNode value = as == null ? item : as.operand(0);
      if (type.getSqlTypeName() == SqlTypeName.DECIMAL && value instanceof SqlCall call
          && D1ExactSql.isScaledForm(call, type.getScale())) {
        SqlNode output = D1ExactSql.scaledOutput(call);
        if (as == null) {
          list.set(i, output);
        } else {
          as.setOperand(0, output);
        }
        scaled.add(i);
      }
    }
    return scaled;
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
  private static List<String> orderColumns(SqlNode statement, List<OrderKey> order, List<String> names,
      Set<String> taken) {
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
      String alias = freeName(ORDER_COLUMN_PREFIX + key.position(), taken);
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
   * Wraps the statement in {@code SELECT CAST("d1"."price" AS TEXT) AS "price", … FROM (statement) AS "d1"}: a
   * DECIMAL is printed exactly by {@link D1ExactSql#decimalText}, not by CAST (which may print 17 digits of a REAL);
   * a BIGINT column is read as {@link #exactInteger}. SQL does not promise that a sub-query's ORDER BY survives the
   * outer query (SQLite keeps it only because it flattens the query), so the statement's order is repeated outside,
   * on the sub-query's columns by qualified name: the numbers, not their text.
   *
   * @param rowType the subtree's; a column past its fields is the page key, an integer
   */
  private static SqlNode castOutputsToText(SqlNode statement, List<String> names, List<Boolean> asText,
      Set<Integer> scaledOutputs, RelDataType rowType, List<OrderKey> order, List<String> orderNames) {
    List<SqlNode> items = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      SqlNode column = new SqlIdentifier(List.of(INNER_ALIAS, names.get(i)), POS);
      if (asText.get(i)) {
        RelDataType type = i < rowType.getFieldCount() ? rowType.getFieldList().get(i).getType() : null;
        SqlNode value = type == null || type.getSqlTypeName() != SqlTypeName.DECIMAL ? exactInteger(column)
            : scaledOutputs.contains(i) ? D1ExactSql.scaledText(type.getScale()).createCall(POS, column)
            : type.getScale() < D1ExactSql.MAX_PRECISION
                ? D1ExactSql.decimalText(type.getScale()).createCall(POS, column)
            : castToText(column);
        column = SqlStdOperatorTable.AS.createCall(POS, value, new SqlIdentifier(names.get(i), POS));
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

  /**
   * The names a generated name must differ from: the statement's outputs and every column of the D1 tables it reads,
   * lower-cased (SQLite ignores ASCII case in names). The name it returns is then taken too.
   */
  private static Set<String> namesIn(RelNode root) {
    Set<String> taken = new HashSet<>();
    root.getRowType().getFieldNames().forEach(n -> taken.add(n.toLowerCase(java.util.Locale.ROOT)));
    new RelVisitor() {
      @Override public void visit(RelNode node, int ordinal, RelNode parent) {
        if (node instanceof D1TableScan scan) {
          scan.getRowType().getFieldNames().forEach(n -> taken.add(n.toLowerCase(java.util.Locale.ROOT)));
        }
        super.visit(node, ordinal, parent);
      }
    }.go(root);
    return taken;
  }

  // An integer column's value as a JSON number when that is exact (an integer of at most 2^53 - 1 in magnitude, what
  // most are), else as text: 2 bytes less per value than always text ("123" vs 123), and no string to decode.
  private static final SqlNode MAX_EXACT_DOUBLE_INTEGER = SqlLiteral.createExactNumeric("9007199254740991", POS);
  private static final SqlNode MIN_EXACT_DOUBLE_INTEGER = SqlLiteral.createExactNumeric("-9007199254740991", POS);
  /** SQLite's {@code typeof(x)}: its storage class, e.g. {@code 'integer'}. */
  private static final SqlFunction TYPEOF = SqlBasicFunction.create("typeof", ReturnTypes.VARCHAR, OperandTypes.ANY);

  /**
   * {@code CASE WHEN typeof(c) = 'integer' AND c >= -(2^53 - 1) AND c <= 2^53 - 1 THEN c ELSE CAST(c AS TEXT) END}:
   * the client reads an integer column's text exactly ({@code D1Client.query(..., integerText)}) and a number as
   * it is, so either way the value is exact; anything but an integer (a REAL, a text in an INTEGER column) arrives
   * as text, as before.
   */
  private static SqlNode exactInteger(SqlNode column) {
    SqlNode isInteger = SqlStdOperatorTable.EQUALS.createCall(POS,
        TYPEOF.createCall(POS, column), SqlLiteral.createCharString("integer", POS));
    SqlNode exact = SqlStdOperatorTable.AND.createCall(POS,
        SqlStdOperatorTable.AND.createCall(POS, isInteger,
            SqlStdOperatorTable.GREATER_THAN_OR_EQUAL.createCall(POS, column, MIN_EXACT_DOUBLE_INTEGER)),
        SqlStdOperatorTable.LESS_THAN_OR_EQUAL.createCall(POS, column, MAX_EXACT_DOUBLE_INTEGER));
    return new SqlCase(POS, null, SqlNodeList.of(exact), SqlNodeList.of(column), castToText(column));
  }

  private static SqlNode castToText(SqlNode column) {
    SqlDataTypeSpec text = new SqlDataTypeSpec(new SqlAlienSystemTypeNameSpec("TEXT", SqlTypeName.VARCHAR, POS), POS);
    return SqlStdOperatorTable.CAST.createCall(POS, column, text);
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


  // ---- Pushed writes (write/D1TableModify): the read path's implementor, binder and dialect. ----

  /**
   * The one statement of a pushed {@code UPDATE ... WHERE}, {@code DELETE ... WHERE} or {@code INSERT ... SELECT}, made
   * as reads are: {@code RelToSqlConverter} through {@link D1Implementor}, then {@link D1ParameterBinder} (literals
   * and user parameters bound, LIKE as case-sensitive GLOB), so a WHERE selects in a write exactly the rows it selects
   * in a SELECT.
   *
   * @param target the table's bare D1 name
   * @param insertColumns the columns an INSERT gives (D1 fills in the others with their defaults)
   * @param nonBinaryColumns columns that SQLite compares with another collation (NOCASE, RTRIM): an UPDATE/DELETE has
   *     no FROM to read them as BINARY through ({@link D1TableScan#sqlFrom}), so its WHERE and SET name them
   *     {@code "e" COLLATE BINARY}, which keeps their values and compares them as Calcite does
   */
  public static D1Query generateModify(org.apache.calcite.rel.core.TableModify modify, JavaTypeFactory typeFactory,
      String target, List<String> insertColumns, Set<String> nonBinaryColumns) {
    D1ParameterBinder binder = D1ParameterBinder.create(userParamTypes(modify));
    SqlNode generated = new D1Implementor(D1SqlDialect.INSTANCE, typeFactory).visitRoot(modify).asStatement();
    D1ScaledRows.verifyOncePerRow(generated, namesIn(modify));
    SqlIdentifier name = new SqlIdentifier(target, POS);
    org.apache.calcite.sql.util.SqlShuttle binary = new org.apache.calcite.sql.util.SqlShuttle() {
      @Override public SqlNode visit(SqlIdentifier id) {
        return nonBinaryColumns.stream().anyMatch(c -> c.equalsIgnoreCase(Util.last(id.names)))
            ? D1TableScan.BINARY_COLLATE.createCall(POS, id) : id;
      }
    };
    SqlNode statement;
    if (generated instanceof org.apache.calcite.sql.SqlInsert insert) {
      SqlNodeList columns = new SqlNodeList(POS);
      insertColumns.forEach(c -> columns.add(new SqlIdentifier(c, POS)));
      statement = new org.apache.calcite.sql.SqlInsert(POS, SqlNodeList.EMPTY, name, insert.getSource().accept(binder),
          columns);
    } else if (generated instanceof org.apache.calcite.sql.SqlUpdate update) {
      checkReadsOnlyTarget(update.getSourceSelect(), modify);
      statement = new org.apache.calcite.sql.SqlUpdate(POS, name, update.getTargetColumnList(),
          (SqlNodeList) update.getSourceExpressionList().accept(binary).accept(binder),
          bindCondition(update.getCondition(), binary, binder), null, null);
    } else if (generated instanceof org.apache.calcite.sql.SqlDelete delete) {
      checkReadsOnlyTarget(delete.getSourceSelect(), modify);
      statement = new org.apache.calcite.sql.SqlDelete(POS, name, bindCondition(delete.getCondition(), binary, binder),
          null, null);
    } else {
      throw new IllegalStateException("not a pushed write: " + generated);
    }
    return toQuery(statement, binder, -1);
  }

  private static SqlNode bindCondition(SqlNode condition, org.apache.calcite.sql.util.SqlShuttle binary,
      D1ParameterBinder binder) {
    return condition == null ? null : condition.accept(binary).accept(binder);
  }

  /**
   * An UPDATE/DELETE keeps only the WHERE of the SELECT Calcite made of its input; anything else there (a join, an
   * aggregate) would be dropped, changing other rows. The write rules only push a scan with filters and projections,
   * so this is a guard against a silently wrong write, never expected to fire.
   */
  private static void checkReadsOnlyTarget(SqlSelect select, RelNode modify) {
    SqlNode from = select == null ? null : select.getFrom();
    if (from != null && from.getKind() == SqlKind.AS) {
      from = ((SqlCall) from).operand(0);
    }
    boolean plain = from instanceof SqlIdentifier || from instanceof SqlSelect inner && inner.getWhere() == null
        && inner.getFrom() instanceof SqlIdentifier;
    if (!plain || select.getGroup() != null || select.getHaving() != null || select.getFetch() != null
        || select.getOffset() != null) {
      throw new IllegalStateException("pushed write reads more than its table: " + modify.getInput(0).explain());
    }
  }
}
