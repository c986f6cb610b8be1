package io.github.calcited1.rel;

import io.github.calcited1.catalog.D1Catalog;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlPostfixOperator;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.adapter.jdbc.JdbcImplementor;
import org.apache.calcite.adapter.jdbc.JdbcRel;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.hint.RelHint;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.parser.SqlParserPos;

/** Scan of a D1 table, in its schema's {@link D1Convention}. In SQL it is the bare table name. */
public class D1TableScan extends TableScan implements JdbcRel {
  public final D1Table d1Table;

  public D1TableScan(RelOptCluster cluster, List<RelHint> hints, RelOptTable table, D1Table d1Table,
      D1Convention convention) {
    super(cluster, cluster.traitSetOf(convention), hints, table);
    this.d1Table = d1Table;
  }

  /** The table's name as it appears in SQL sent to D1: unqualified, since a D1 database has one schema. */
  public SqlIdentifier sqlName() {
    return new SqlIdentifier(d1Table.name(), SqlParserPos.ZERO);
  }

  /**
   * What the scan reads in SQL: the table's name; or, if some column is not known to compare as BINARY (declared
   * {@code COLLATE NOCASE}/{@code RTRIM}, or a view's column), a sub-query that gives those columns the BINARY
   * collation, which SQLite then uses for every comparison, GROUP BY, DISTINCT, ORDER BY and MIN/MAX on them:
   * {@code (SELECT "id", "e" COLLATE BINARY AS "e" FROM "t") AS "t"}. A COLLATE keeps the column's affinity.
   */
  public SqlNode sqlFrom() {
    if (!d1Table.table().hasNonBinaryColumn()) {
      return sqlName();
    }
    List<SqlNode> items = new ArrayList<>();
    for (D1Catalog.Column c : d1Table.table().columns()) {
      SqlNode column = new SqlIdentifier(c.name(), SqlParserPos.ZERO);
      if (!c.isBinary()) {
        column = SqlStdOperatorTable.AS.createCall(SqlParserPos.ZERO,
            BINARY_COLLATE.createCall(SqlParserPos.ZERO, column), new SqlIdentifier(c.name(), SqlParserPos.ZERO));
      }
      items.add(column);
    }
    SqlSelect select = new SqlSelect(SqlParserPos.ZERO, null, new SqlNodeList(items, SqlParserPos.ZERO), sqlName(),
        null, null, null, null, null, null, null, null, null);
    return SqlStdOperatorTable.AS.createCall(SqlParserPos.ZERO, select,
        new SqlIdentifier(d1Table.name(), SqlParserPos.ZERO));
  }

  /** SQLite's postfix {@code x COLLATE BINARY}. */
  static final SqlPostfixOperator BINARY_COLLATE = new SqlPostfixOperator("COLLATE BINARY", SqlKind.OTHER, 100,
      ReturnTypes.ARG0, null, null);

  @Override public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new D1TableScan(getCluster(), getHints(), table, d1Table, (D1Convention) getConvention());
  }

  @Override public RelNode withHints(List<RelHint> hintList) {
    return new D1TableScan(getCluster(), hintList, table, d1Table, (D1Convention) getConvention());
  }

  @Override public JdbcImplementor.Result implement(JdbcImplementor implementor) {
    return implementor.result(sqlFrom(), List.of(JdbcImplementor.Clause.FROM), this, null);
  }
}
