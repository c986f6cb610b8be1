package io.github.calcited1.rel;

import org.apache.calcite.adapter.jdbc.JdbcConvention;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.rel.rules.CoreRules;
import org.apache.calcite.rel.rules.JoinPushThroughJoinRule;

/**
 * The calling convention of one D1 schema instance. It is a {@link JdbcConvention} so that Calcite's JDBC rels
 * (and {@code RelToSqlConverter}) build the SQL, but it registers {@link D1Rules} instead of the stock JDBC rules:
 * guarded copies that leave in Calcite what SQLite computes differently, and a converter that calls D1 over HTTP.
 */
public final class D1Convention extends JdbcConvention {
  private final D1Schema schema;

  private D1Convention(D1Schema schema, Expression expression) {
    super(D1SqlDialect.INSTANCE, expression, "D1." + String.join(".", schema.path()));
    this.schema = schema;
  }

  /**
   * Creates the convention of a schema.
   *
   * @param expression how generated code finds the schema at run time
   */
  public static D1Convention of(D1Schema schema, Expression expression) {
    D1CorrelatedExists.install(); // Calcite asks for the program before any rule of a convention is registered
    return new D1Convention(schema, expression);
  }

  public D1Schema schema() {
    return schema;
  }

  @Override public void register(RelOptPlanner planner) {
    for (RelOptRule rule : D1Rules.rules(this)) {
      planner.addRule(rule);
    }
    planner.addRule(CoreRules.FILTER_SET_OP_TRANSPOSE);
    planner.addRule(CoreRules.PROJECT_REMOVE);
    D1FanOutRules.register(planner); // unions over several D1 databases: pushed parts, requests in parallel
    // Join reordering: with eight joins Volcano ran for minutes (push-through and associate each multiply the
    // alternatives). A join inside D1 gains nothing from it, since SQLite's own planner orders the joins of the one
    // statement; joins with other sources keep the order the query gives. Commuting alone still cost 40% of the
    // planning of the benchmark's 9-table query (1,255 rels registered instead of 779, measured when this was written).
    planner.removeRule(JoinPushThroughJoinRule.LEFT);
    planner.removeRule(JoinPushThroughJoinRule.RIGHT);
    planner.removeRule(CoreRules.JOIN_ASSOCIATE);
    planner.removeRule(CoreRules.JOIN_COMMUTE);
    D1WriteRules.register(planner); // write path: UPDATE/DELETE of D1 tables
  }
}
