package io.github.calcited1.ddl;

import static io.github.calcited1.catalog.D1Names.quote;

import io.github.calcited1.client.D1Exception;
import io.github.calcited1.client.D1Statement;
import io.github.calcited1.client.Rethrow;
import io.github.calcited1.rel.D1Schema;
import io.github.calcited1.rel.D1WriteRuntime;
import io.github.calcited1.write.D1Session;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.calcite.jdbc.CalcitePrepare;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.server.DdlExecutorImpl;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.ddl.SqlCreateTable;
import org.apache.calcite.sql.ddl.SqlCreateView;
import org.apache.calcite.sql.ddl.SqlDropObject;
import org.apache.calcite.sql.util.SqlShuttle;
import org.apache.calcite.util.Util;

/**
 * Runs DDL whose target is a D1 schema: Calcite's {@code CREATE TABLE}, {@code CREATE [OR REPLACE] VIEW},
 * {@code DROP TABLE}/{@code DROP VIEW} (translated by {@link D1TableDdl}), and SQLite's own DDL kept as written
 * ({@link D1NativeDdl}). Anything else goes to Calcite's default executor ("DDL not supported"); the shell's executor
 * handles its other targets (attached schemas) itself.
 *
 * <p>DDL is sent to D1 at once, as its own request: D1 has no transaction that spans requests, so it cannot wait for
 * COMMIT like buffered writes do. While the connection has buffered writes it is refused (SQLState 25001), because
 * sending it first would run it before writes the user issued earlier. Afterwards the database's catalog is read again,
 * so the next statement of every connection of this JVM sees the change; other processes see it when their catalog
 * expires ({@code catalogTtlSeconds}).
 */
public class D1DdlExecutor extends DdlExecutorImpl {
  public static final D1DdlExecutor INSTANCE = new D1DdlExecutor();

  protected D1DdlExecutor() {
  }

  @Override public void executeDdl(CalcitePrepare.Context context, SqlNode node) {
    if (!executeOnD1(context, node)) {
      super.executeDdl(context, node);
    }
  }

  /** Runs {@code node} if its target is a D1 schema; returns false (and does nothing) otherwise. */
  public boolean executeOnD1(CalcitePrepare.Context context, SqlNode node) {
    try {
      return execute(context, node);
    } catch (SQLException e) {
      throw Rethrow.unchanged(e);
    }
  }

  private boolean execute(CalcitePrepare.Context context, SqlNode node) throws SQLException {
    if (node instanceof D1NativeDdl nativeDdl) {
      executeNative(context, nativeDdl);
      return true;
    }
    if (node instanceof SqlCreateTable create) {
      Target target = target(context, create.name);
      if (target == null) {
        return false;
      }
      send(context, target, List.of(D1TableDdl.createTable(create, target.name, context.getTypeFactory())));
      return true;
    }
    if (node instanceof SqlCreateView view) {
      Target target = target(context, view.name);
      if (target == null) {
        return false;
      }
      List<String> statements = new ArrayList<>();
      if (view.getReplace()) {
        statements.add("DROP VIEW IF EXISTS " + quote(target.name));
      }
      statements.add(D1TableDdl.createView(target.name, view.columnList, withoutSchema(view.query, target)));
      send(context, target, statements);
      return true;
    }
    if (node instanceof SqlDropObject drop
        && (drop.getKind() == SqlKind.DROP_TABLE || drop.getKind() == SqlKind.DROP_VIEW)) {
      Target target = target(context, drop.name);
      if (target == null) {
        return false;
      }
      send(context, target, List.of((drop.getKind() == SqlKind.DROP_TABLE ? "DROP TABLE " : "DROP VIEW ")
          + (drop.ifExists ? "IF EXISTS " : "") + quote(target.name)));
      return true;
    }
    return false;
  }

  private static void executeNative(CalcitePrepare.Context context, D1NativeDdl ddl) throws SQLException {
    String qualifier = ddl.qualifier();
    D1Schema qualified = qualifier == null ? null : d1Schema(context, List.of(qualifier));
    if (qualified != null) {
      send(context, new Target(qualified, null), List.of(ddl.withoutQualifier()));
      return;
    }
    D1Schema schema = d1Schema(context, context.getDefaultSchemaPath());
    if (schema == null) {
      throw new SQLException("SQLite DDL is sent to a D1 database, but the default schema "
          + context.getDefaultSchemaPath() + " is not a D1 schema; qualify the object name with a D1 schema"
          + " (ALTER TABLE shop.orders ...) or set the connection's schema to one. Statement: " + ddl.sql(),
          "3F000");
    }
    send(context, new Target(schema, null), List.of(ddl.sql()));
  }

  /** A D1 object: its schema and its name in D1. */
  private record Target(D1Schema schema, String name) {
  }

  /** The D1 schema and name of a DDL statement's object, or null when the schema is not a D1 schema. */
  private static Target target(CalcitePrepare.Context context, SqlIdentifier id) {
    List<String> path = id.isSimple() ? context.getDefaultSchemaPath() : Util.skipLast(id.names);
    D1Schema schema = d1Schema(context, path);
    return schema == null ? null : new Target(schema, Util.last(id.names));
  }

  private static D1Schema d1Schema(CalcitePrepare.Context context, List<String> path) {
    boolean caseSensitive = context.config().caseSensitive();
    CalciteSchema s = context.getRootSchema();
    for (String name : path) {
      s = s == null ? null : s.getSubSchema(name, caseSensitive);
    }
    return s != null && s.schema instanceof D1Schema d1 ? d1 : null;
  }

  /** The view's query without the schema name in front of the D1 schema's own tables (D1 knows only {@code main}). */
  private static SqlNode withoutSchema(SqlNode query, Target target) {
    String schemaName = Util.last(target.schema.path());
    return query.accept(new SqlShuttle() {
      @Override public SqlNode visit(SqlIdentifier id) {
        if (id.names.size() >= 2 && id.names.get(0).toLowerCase(Locale.ROOT)
            .equals(schemaName.toLowerCase(Locale.ROOT))) {
          return id.getComponent(1, id.names.size());
        }
        return id;
      }
    });
  }

  /**
   * Sends the statements as one request (one batch, atomic) at once, then reloads the catalog. Refused while the
   * connection has buffered writes.
   */
  private static void send(CalcitePrepare.Context context, Target target, List<String> sqls) throws SQLException {
    D1Schema schema = target.schema;
    if (schema.config().writeOptions().readOnly()) {
      throw new SQLException("D1 schema '" + String.join(".", schema.path()) + "' (database '"
          + schema.config().database() + "') is read-only (operand readOnly: true); the DDL was refused and nothing"
          + " was sent: " + sqls.get(sqls.size() - 1), "25006");
    }
    D1Session session = D1WriteRuntime.session(context.getDataContext());
    if (session != null && session.pendingStatements() > 0) {
      throw new SQLException("DDL cannot join a transaction: D1 runs it at once, as its own request, and this"
          + " connection has " + session.pendingStatements() + " buffered write(s) that it would overtake."
          + " Commit or roll back first (!commit / !rollback), or put the DDL into the transaction with"
          + " d1_execute('...'). Nothing was sent: " + sqls.get(sqls.size() - 1), "25001");
    }
    List<D1Statement> statements = new ArrayList<>();
    for (String sql : sqls) {
      statements.add(D1Statement.of(sql));
    }
    try {
      if (statements.size() == 1) {
        schema.client().execute(schema.databaseId(), statements.get(0));
      } else {
        schema.client().batch(schema.databaseId(), statements);
      }
    } catch (D1Exception e) {
      // A statement whose outcome is unknown may have changed the schema: read the catalog again all the same.
      try {
        schema.refreshCatalog();
      } catch (D1Exception again) {
        e.addSuppressed(again);
      }
      throw e;
    }
    schema.refreshCatalog();
  }
}
