package org.apache.calcite.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.github.calcited1.testing.D1LocalExtension;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.calcite.DataContext;
import org.apache.calcite.runtime.Hook;
import org.apache.calcite.util.Holder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link D1FastDataContext} is a copy of Calcite's {@code CalciteConnectionImpl.DataContextImpl}: for the same
 * connection, moment and parameters, every variable must read the same in both. Fails when a Calcite upgrade changes
 * what Calcite's context holds.
 */
class D1FastDataContextTest {
  @RegisterExtension static final D1LocalExtension D1 = new D1LocalExtension("shop");

  @Test void holdsWhatCalcitesOwnContextHolds() throws Exception {
    String url = "jdbc:d1:database=shop;accountId=" + D1.accountId() + ";baseUrl=" + D1.baseUrl() + ";apiToken="
        + D1.token() + ";timeZone=Europe/Paris;locale=fr_FR";
    try (Connection c = DriverManager.getConnection(url);
         Hook.Closeable ignored =
             Hook.CURRENT_TIME.addThread((Consumer<Holder<Long>>) t -> t.set(1_700_000_000_000L))) {
      CalciteConnectionImpl connection = c.unwrap(CalciteConnectionImpl.class);
      Map<String, Object> parameters = new HashMap<>();
      parameters.put("?0", 42);
      parameters.put("?1", null);
      DataContext calcite = new CalciteConnectionImpl.DataContextImpl(connection, parameters,
          connection.rootSchema);
      DataContext ours = new D1FastDataContext(connection, new D1FastDataContext.Settings(connection), parameters,
          connection.rootSchema);
      for (DataContext.Variable v : DataContext.Variable.values()) {
        if (v == DataContext.Variable.SQL_ADVISOR) {
          assertNotNull(ours.get(v.camelName)); // built by Calcite's own context on demand
        } else if (v == DataContext.Variable.TIME_FRAME_SET) {
          assertEquals(String.valueOf(calcite.get(v.camelName)), String.valueOf(ours.get(v.camelName)), v.camelName);
        } else {
          assertEquals(calcite.get(v.camelName), ours.get(v.camelName), v.camelName);
        }
      }
      assertEquals(42, ours.get("?0"));
      assertEquals(calcite.get("?1"), ours.get("?1"));
      assertSame(calcite.getQueryProvider(), ours.getQueryProvider());
      assertSame(calcite.getTypeFactory(), ours.getTypeFactory());
      assertEquals(calcite.getRootSchema().getName(), ours.getRootSchema().getName());
    }
  }
}
