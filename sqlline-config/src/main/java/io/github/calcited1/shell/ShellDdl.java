package io.github.calcited1.shell;

import io.github.calcited1.ddl.D1DdlExecutor;
import io.github.calcited1.ddl.D1DdlParserFactory;
import java.io.Reader;

import org.apache.calcite.jdbc.CalcitePrepare;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.server.DdlExecutor;
import org.apache.calcite.server.ServerDdlExecutor;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.ddl.SqlDropSchema;
import org.apache.calcite.sql.parser.SqlAbstractParserImpl;
import org.apache.calcite.sql.parser.SqlParserImplFactory;
import org.apache.calcite.util.Util;

/**
 * Calcite's server DDL for the shell: {@code CREATE FOREIGN SCHEMA name LIBRARY '...D1SchemaFactory' OPTIONS (...)}
 * attaches a D1 database at run time, {@code DROP SCHEMA name} detaches it. DDL on a D1 schema's tables, views and
 * indexes goes to D1 (calcite-d1's {@link D1DdlExecutor}); statements other than CREATE/DROP/ALTER are parsed by
 * Calcite's core grammar ({@link D1DdlParserFactory}).
 *
 * <p>Connect with {@code parserFactory=io.github.calcited1.shell.ShellDdl#PARSER_FACTORY}.
 *
 * <p>Why not {@code ServerDdlExecutor#PARSER_FACTORY} itself: its {@code DROP SCHEMA} (calcite-server 1.41.0)
 * removes the schema from the statement's <em>snapshot</em> of the root schema, so the schema stays attached.
 * This executor removes it from the connection's mutable root schema.
 */
public class ShellDdl extends ServerDdlExecutor {
  public static final ShellDdl INSTANCE = new ShellDdl();

  /** Parser factory: Calcite's DDL grammar plus this executor. */
  public static final SqlParserImplFactory PARSER_FACTORY = new SqlParserImplFactory() {
    @Override public SqlAbstractParserImpl getParser(Reader stream) {
      return D1DdlParserFactory.FACTORY.getParser(stream);
    }

    @Override public DdlExecutor getDdlExecutor() {
      return INSTANCE;
    }
  };

  protected ShellDdl() {
  }

  /** DDL whose target is a D1 schema goes to D1 ({@link D1DdlExecutor}); the rest is calcite-server's. */
  @Override public void executeDdl(CalcitePrepare.Context context, SqlNode node) {
    if (!D1DdlExecutor.INSTANCE.executeOnD1(context, node)) {
      super.executeDdl(context, node);
    }
  }

  /** Executes {@code DROP SCHEMA [IF EXISTS] name} against the connection's real (mutable) root schema. */
  @Override public void execute(SqlDropSchema drop, CalcitePrepare.Context context) {
    SqlIdentifier id = drop.name;
    CalciteSchema parent = context.getMutableRootSchema();
    String name;
    if (id.isSimple()) {
      for (String p : context.getDefaultSchemaPath()) {
        parent = parent == null ? null : parent.getSubSchema(p, true);
      }
      name = id.getSimple();
    } else {
      for (String p : Util.skipLast(id.names)) {
        parent = parent == null ? null : parent.getSubSchema(p, true);
      }
      name = Util.last(id.names);
    }
    // A simple name is looked up first in the default schema, then at the root (the usual place of attached schemas).
    boolean removed = parent != null && parent.getSubSchema(name, true) != null && parent.removeSubSchema(name);
    if (!removed && id.isSimple()) {
      CalciteSchema root = context.getMutableRootSchema();
      CalciteSchema sub = root.getSubSchema(name, false);
      removed = sub != null && root.removeSubSchema(sub.name);
    }
    if (!removed && !drop.ifExists) {
      throw new IllegalArgumentException("Schema '" + name + "' not found");
    }
  }
}
