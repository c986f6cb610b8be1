package io.github.calcited1.rel;

import java.util.List;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.adapter.jdbc.JdbcImplementor;
import org.apache.calcite.sql.SqlDialect;

/**
 * Turns a tree of JDBC rels over D1 tables into one SQL statement. Public because {@code RelToSqlConverter}
 * finds its {@code visit} methods by reflection.
 */
public class D1Implementor extends JdbcImplementor {
  public D1Implementor(SqlDialect dialect, JavaTypeFactory typeFactory) {
    super(dialect, typeFactory);
  }

  /** A D1 table is named without catalog or schema (the stock visitor would qualify it). */
  public Result visit(D1TableScan scan) {
    return result(scan.sqlName(), List.of(Clause.FROM), scan, null);
  }
}
