package io.github.calcited1.rel;

import static io.github.calcited1.catalog.D1Names.freeName;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import org.apache.calcite.sql.util.SqlShuttle;
import org.apache.calcite.util.Util;

/**
 * Verifies and scales each stored DECIMAL value once per row instead of once per use (docs/pushdown.md, "Exact
 * decimals"). In {@code SUM(price), SUM(price * (1 - discount)), SUM(price * (1 - discount) * (1 + tax))} every use
 * of a column writes its verification ({@link D1ExactSql#scaledColumnUses}), and SQLite evaluates each per row. An
 * aggregate SELECT that uses a column so more than once reads its rows from a derived table that computes each
 * column's scaled integer once:
 *
 * <pre>
 * SELECT "d1_rows"."l_returnflag", SUM("d1_rows"."l_extendedprice_scaled"), ...
 * FROM (SELECT "lineitem"."l_returnflag" AS "l_returnflag", (verified scaled "lineitem"."l_extendedprice")
 *         AS "l_extendedprice_scaled", ... FROM "lineitem" AS "lineitem" WHERE ... LIMIT -1) AS "d1_rows"
 * GROUP BY "d1_rows"."l_returnflag"
 * </pre>
 *
 * The derived table has the SELECT's FROM and WHERE, so the same rows are verified as before. Its {@code LIMIT -1}
 * (no limit) keeps SQLite from flattening it into the aggregate, which would write each verification back into
 * every use (SQLite flattens no sub-query with a LIMIT into an aggregate query). The GROUP BY, HAVING, ORDER BY and
 * LIMIT stay outside.
 */
final class D1ScaledRows {
  private static final SqlParserPos POS = SqlParserPos.ZERO;
  /** Alias of the derived table. */
  static final String ALIAS = "d1_rows";

  private D1ScaledRows() {}

  /**
   * Rewrites, in place, every SELECT in the statement whose DECIMAL SUMs verify a column more than once.
   *
   * @param taken names the derived table's alias must differ from; the alias is added
   */
  static void verifyOncePerRow(SqlNode statement, Set<String> taken) {
    statement.accept(new SqlBasicVisitor<Void>() {
      @Override public Void visit(SqlCall call) {
        super.visit(call);
        if (call instanceof SqlSelect select) {
          rewrite(select, taken);
        }
        return null;
      }
    });
  }

  private static void rewrite(SqlSelect select, Set<String> taken) {
    List<D1ExactSql.ScaledUse> uses = new ArrayList<>(D1ExactSql.scaledColumnUses(select.getSelectList()));
    if (select.getHaving() != null) {
      uses.addAll(D1ExactSql.scaledColumnUses(select.getHaving()));
    }
    Set<List<Object>> seen = new HashSet<>();
    boolean repeated = uses.stream().anyMatch(u -> !seen.add(List.of(u.column().names, u.scale())));
    if (!repeated || select.getFrom() == null || !onlyQualifiedColumns(select)) {
      return;
    }
    Set<String> firstNames = new HashSet<>(taken);
    outerClauses(select).forEach(clause -> clause.accept(new SqlBasicVisitor<Void>() {
      @Override public Void visit(SqlIdentifier id) {
        firstNames.add(id.names.get(0).toLowerCase(Locale.ROOT));
        return null;
      }
    }));
    String alias = freeName(ALIAS, firstNames);
    taken.add(alias.toLowerCase(Locale.ROOT));

    List<SqlNode> items = new ArrayList<>();
    Set<String> columnNames = new HashSet<>();
    Map<List<Object>, String> scaledNames = new HashMap<>();
    for (D1ExactSql.ScaledUse use : uses) {
      if (!(use.call().operand(use.index()) instanceof SqlIdentifier column)) {
        continue; // a call Calcite wrote once for two uses, replaced already
      }
      String name = scaledNames.computeIfAbsent(List.of(column.names, use.scale()), k -> {
        String free = freeName(Util.last(column.names) + "_scaled", columnNames);
        items.add(as(D1ExactSql.scaledValue(use.scale()).createCall(POS, column), free));
        return free;
      });
      use.call().setOperand(use.index(),
          D1ExactSql.scaledColumn(use.scale()).createCall(POS, new SqlIdentifier(List.of(alias, name), POS)));
    }
    Map<List<String>, String> plainNames = new HashMap<>();
    SqlShuttle throughDerived = new SqlShuttle() {
      @Override public SqlNode visit(SqlIdentifier id) {
        if (id.isStar() || id.names.size() < 2 || id.names.get(0).equals(alias)) {
          return id; // COUNT(*), an output name in ORDER BY, a derived column already
        }
        String name = plainNames.computeIfAbsent(id.names, k -> {
          String free = freeName(Util.last(id.names), columnNames);
          items.add(as(id, free));
          return free;
        });
        return new SqlIdentifier(List.of(alias, name), POS);
      }
    };
    List<SqlNode> selectList = new ArrayList<>();
    for (SqlNode item : select.getSelectList()) {
      if (item.getKind() == SqlKind.AS) {
        SqlCall as = (SqlCall) item;
        as.setOperand(0, as.operand(0).accept(throughDerived));
        selectList.add(as);
      } else {
        selectList.add(item.accept(throughDerived));
      }
    }
    select.setSelectList(new SqlNodeList(selectList, POS));
    if (select.getGroup() != null) {
      select.setGroupBy((SqlNodeList) select.getGroup().accept(throughDerived));
    }
    if (select.getHaving() != null) {
      select.setHaving(select.getHaving().accept(throughDerived));
    }
    if (select.getOrderList() != null) {
      select.setOrderBy((SqlNodeList) select.getOrderList().accept(throughDerived));
    }
    SqlSelect rows = new SqlSelect(POS, null, new SqlNodeList(items, POS), select.getFrom(), select.getWhere(), null,
        null, null, null, null, null, SqlLiteral.createExactNumeric("-1", POS), null);
    select.setFrom(as(rows, alias));
    select.setWhere(null);
  }

  /**
   * Whether every column the SELECT list, GROUP BY and HAVING name is qualified by its table ({@code "t"."c"}, as
   * Calcite writes them) and none of them holds a sub-query, so that each can be read from the derived table.
   * ORDER BY may also name an output.
   */
  private static boolean onlyQualifiedColumns(SqlSelect select) {
    boolean[] ok = {true};
    SqlBasicVisitor<Void> check = new SqlBasicVisitor<>() {
      @Override public Void visit(SqlIdentifier id) {
        ok[0] &= id.isStar() || id.names.size() >= 2;
        return null;
      }

      @Override public Void visit(SqlCall call) {
        if (call instanceof SqlSelect) {
          ok[0] = false;
          return null;
        }
        if (call.getKind() == SqlKind.AS) {
          return call.operand(0).accept(this);
        }
        return super.visit(call);
      }
    };
    select.getSelectList().accept(check);
    if (select.getGroup() != null) {
      select.getGroup().accept(check);
    }
    if (select.getHaving() != null) {
      select.getHaving().accept(check);
    }
    if (select.getOrderList() != null) {
      select.getOrderList().accept(new SqlBasicVisitor<Void>() {
        @Override public Void visit(SqlCall call) {
          ok[0] &= !(call instanceof SqlSelect);
          return call instanceof SqlSelect ? null : super.visit(call);
        }
      });
    }
    return ok[0] && (select.getWindowList() == null || select.getWindowList().isEmpty());
  }

  private static List<SqlNode> outerClauses(SqlSelect select) {
    List<SqlNode> clauses = new ArrayList<>();
    for (SqlNode clause : new SqlNode[] {select.getSelectList(), select.getGroup(), select.getHaving(),
        select.getOrderList(), select.getFrom()}) {
      if (clause != null) {
        clauses.add(clause);
      }
    }
    return clauses;
  }

  private static SqlCall as(SqlNode node, String name) {
    return SqlStdOperatorTable.AS.createCall(POS, node, new SqlIdentifier(name, POS));
  }
}
