package io.github.calcited1.rel;

import io.github.calcited1.schema.D1Table;
import java.util.List;
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

  @Override public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new D1TableScan(getCluster(), getHints(), table, d1Table, (D1Convention) getConvention());
  }

  @Override public RelNode withHints(List<RelHint> hintList) {
    return new D1TableScan(getCluster(), hintList, table, d1Table, (D1Convention) getConvention());
  }

  @Override public JdbcImplementor.Result implement(JdbcImplementor implementor) {
    return implementor.result(sqlName(), List.of(JdbcImplementor.Clause.FROM), this, null);
  }
}
