package io.github.calcited1.ddl;

import static io.github.calcited1.catalog.D1Names.quote;

import com.google.common.collect.ImmutableMultimap;
import com.google.common.collect.Multimap;
import io.github.calcited1.catalog.D1Types;
import io.github.calcited1.client.D1DatabaseInfo;
import io.github.calcited1.client.D1Exception;
import io.github.calcited1.client.ReadOnlySql;
import io.github.calcited1.client.Rethrow;
import io.github.calcited1.rel.D1Query;
import io.github.calcited1.rel.D1Method;
import io.github.calcited1.rel.D1Runtime;
import io.github.calcited1.rel.D1Schema;
import io.github.calcited1.rel.D1WriteRuntime;
import io.github.calcited1.write.D1Write;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.adapter.enumerable.CallImplementor;
import org.apache.calcite.adapter.enumerable.RexToLixTranslator;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.linq4j.tree.Types;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.schema.FunctionParameter;
import org.apache.calcite.schema.ImplementableFunction;
import org.apache.calcite.schema.TableFunction;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The table functions every D1 schema has (docs/ddl.md):
 * <ul>
 *   <li>{@code d1_query(sql, columns [, arg ...])}: SQLite SQL sent as written, read as rows of the declared
 *       {@code columns} ({@code 'id INTEGER, title TEXT, rank REAL'}, SQLite declarations mapped as table columns
 *       are);</li>
 *   <li>{@code d1_execute(sql [, arg ...])}: a statement sent as written, buffered in a transaction like any write;
 *       one row, {@code changes};</li>
 *   <li>{@code d1_databases()}: the account's databases.</li>
 * </ul>
 * Arguments after the SQL are bound to its {@code ?}s, never spliced into the text. {@code sql} and {@code columns}
 * must be literals: the row type is known when the statement is prepared, from the declaration alone (no request).
 */
public final class D1Functions {
  /** The most {@code ?} arguments a call may pass (one overload per count). */
  public static final int MAX_ARGS = 20;

  // What the functions' generated code calls (this package's counterpart of D1Method, which cannot name it).
  private static final Method ARRAYS = Types.lookupMethod(D1Functions.class, "arrays", Enumerable.class, int.class);
  private static final Method EXECUTE = Types.lookupMethod(D1Functions.class, "execute", DataContext.class,
      D1Schema.class, String.class, D1Query.Kind[].class, Object[].class);
  private static final Method DATABASES = Types.lookupMethod(D1Functions.class, "databases", D1Schema.class);

  private D1Functions() {
  }

  /** The functions of a schema, by name. */
  public static Multimap<String, org.apache.calcite.schema.Function> of(D1Schema schema) {
    ImmutableMultimap.Builder<String, org.apache.calcite.schema.Function> functions = ImmutableMultimap.builder();
    for (int n = 0; n <= MAX_ARGS; n++) {
      functions.put("d1_query", new Query(schema, n));
      functions.put("d1_execute", new Execute(schema, n));
    }
    functions.put("d1_databases", new Databases(schema));
    return functions.build();
  }

  /** A table function of one schema; its rows are computed by generated code calling a static method. */
  private abstract static class D1TableFunction implements TableFunction, ImplementableFunction {
    final D1Schema schema;
    private final List<FunctionParameter> parameters = new ArrayList<>();

    D1TableFunction(D1Schema schema, List<String> stringParameters, int args) {
      this.schema = schema;
      for (String name : stringParameters) {
        add(name, String.class);
      }
      for (int i = 1; i <= args; i++) {
        add("arg" + i, null);
      }
    }

    /**
     * A parameter of Java type {@code type}, or of SQL type ANY when null. Calcite hands a table function the values
     * of its literal arguments only for parameters of Java types ({@code SqlUserDefinedTableMacro.coerce}), and
     * matches an argument of any type only to ANY.
     */
    private void add(String name, Class<?> type) {
      int ordinal = parameters.size();
      parameters.add(new FunctionParameter() {
        @Override public int getOrdinal() {
          return ordinal;
        }

        @Override public String getName() {
          return name;
        }

        @Override public RelDataType getType(RelDataTypeFactory typeFactory) {
          RelDataType t = type == null ? typeFactory.createSqlType(SqlTypeName.ANY)
              : ((JavaTypeFactory) typeFactory).createType(type);
          return typeFactory.createTypeWithNullability(t, true);
        }

        @Override public boolean isOptional() {
          return false;
        }
      });
    }

    @Override public List<FunctionParameter> getParameters() {
      return parameters;
    }

    @Override public Type getElementType(List<? extends Object> arguments) {
      return Object[].class;
    }

    @Override public CallImplementor getImplementor() {
      return (translator, call, nullAs) -> implement(translator, call);
    }

    abstract Expression implement(RexToLixTranslator translator, RexCall call);

    /** Generated code's way to the schema at run time. */
    Expression schemaExpression() {
      return schema.expression();
    }

    /** The arguments from {@code first} on, as an {@code Object[]}, and their kinds (how D1 receives them). */
    static Expression[] values(RexToLixTranslator translator, RexCall call, int first) {
      List<RexNode> args = call.getOperands().subList(first, call.getOperands().size());
      List<Expression> translated = translator.translateList(args);
      D1Query.Kind[] kinds = new D1Query.Kind[args.size()];
      List<Expression> boxed = new ArrayList<>();
      for (int i = 0; i < args.size(); i++) {
        kinds[i] = D1Query.Kind.of(args.get(i).getType().getSqlTypeName());
        boxed.add(Expressions.convert_(Expressions.box(translated.get(i)), Object.class));
      }
      return new Expression[] {Expressions.constant(kinds), Expressions.newArrayInit(Object.class, boxed)};
    }

    /** The value of a literal argument, which must be a non-null string. */
    static String literal(List<? extends Object> arguments, int i, String function, String what) {
      Object value = i < arguments.size() ? arguments.get(i) : null;
      if (!(value instanceof String s)) {
        throw new IllegalArgumentException(function + ": the " + what + " (argument " + (i + 1) + ") must be a"
            + " character literal, such as '" + (i == 0 ? "SELECT ..." : "id INTEGER, title TEXT") + "'; it is "
            + (value == null ? "not a literal (a ? parameter or an expression)" : value));
      }
      return s;
    }

    static String literal(RexCall call, int i) {
      return ((RexLiteral) call.getOperands().get(i)).getValueAs(String.class);
    }
  }

  /** {@code d1_query(sql, columns, args...)}. */
  static final class Query extends D1TableFunction {
    Query(D1Schema schema, int args) {
      super(schema, List.of("sql", "columns"), args);
    }

    @Override public RelDataType getRowType(RelDataTypeFactory typeFactory, List<? extends Object> arguments) {
      String sql = literal(arguments, 0, "d1_query", "SQL");
      List<D1QueryColumns.Column> columns = D1QueryColumns.parse(literal(arguments, 1, "d1_query", "column list"));
      RelDataTypeFactory.Builder builder = typeFactory.builder();
      for (D1QueryColumns.Column c : columns) {
        builder.add(c.name(), D1Types.columnType(typeFactory, c.declaredType(), true));
      }
      RelDataType row = builder.build();
      wrap(sql, row); // refuses a statement that is not a single read, before anything runs
      return row;
    }

    /**
     * The statement sent: the user's SQL as a sub-query, its declared columns selected by name; BIGINT and DECIMAL
     * columns as text, since D1's JSON rounds integers past 2^53 (as for tables, docs/type-mapping.md).
     */
    static String wrap(String sql, RelDataType row) {
      List<String> selected = new ArrayList<>();
      for (RelDataTypeField f : row.getFieldList()) {
        // Qualified: SQLite reads an unknown bare "name" as a string literal, a qualified one is an error.
        String q = "\"d1_query\"." + quote(f.getName());
        String as = " AS " + quote(f.getName());
        SqlTypeName type = f.getType().getSqlTypeName();
        boolean asText = type == SqlTypeName.BIGINT || type == SqlTypeName.DECIMAL;
        selected.add(asText ? "CAST(" + q + " AS TEXT)" + as : q + as);
      }
      // A newline before ")": the user's SQL may end in a -- comment.
      String wrapped = "SELECT " + String.join(", ", selected) + " FROM (" + sql + "\n) AS \"d1_query\"";
      if (!ReadOnlySql.isReadOnly(wrapped)) {
        throw new IllegalArgumentException("d1_query runs one statement that only reads (SELECT, WITH, VALUES);"
            + " use d1_execute for anything else. Statement: " + sql);
      }
      return wrapped;
    }

    @Override Expression implement(RexToLixTranslator translator, RexCall call) {
      String sql = wrap(literal(call, 0), call.getType());
      List<RelDataTypeField> fields = call.getType().getFieldList();
      String[] labels = fields.stream().map(f -> "d1_query." + f.getName()).toArray(String[]::new);
      Expression[] values = values(translator, call, 2);
      return Expressions.call(ARRAYS, Expressions.call(D1Method.QUERY.method,
          translator.getRoot(), schemaExpression(), Expressions.constant(sql), values[0], values[1],
          Expressions.constant(D1Runtime.types(fields)), Expressions.constant(D1Runtime.scales(fields)),
          Expressions.constant(labels), Expressions.constant(0), Expressions.constant(-1)),
          Expressions.constant(fields.size()));
    }
  }

  /** {@code d1_execute(sql, args...)}: one row, one column {@code changes}. */
  static final class Execute extends D1TableFunction {
    Execute(D1Schema schema, int args) {
      super(schema, List.of("sql"), args);
    }

    @Override public RelDataType getRowType(RelDataTypeFactory typeFactory, List<? extends Object> arguments) {
      literal(arguments, 0, "d1_execute", "SQL");
      return typeFactory.builder().add("changes", SqlTypeName.BIGINT).build();
    }

    @Override Expression implement(RexToLixTranslator translator, RexCall call) {
      Expression[] values = values(translator, call, 1);
      return Expressions.call(EXECUTE, translator.getRoot(),
          schemaExpression(), Expressions.constant(literal(call, 0)),
          values[0], values[1]);
    }
  }

  /**
   * Rows as {@code Object[]}, which a table function's scan expects whatever its width; {@link D1Runtime} gives the
   * bare value for one column.
   */
  public static Enumerable<Object[]> arrays(Enumerable<?> rows, int width) {
    return width == 1 ? rows.select(v -> new Object[] {v}) : rows.select(v -> (Object[]) v);
  }

  /**
   * Runs {@code d1_execute}: as a write of kind NATIVE, so it is buffered while the connection buffers and sent at
   * once otherwise; a DDL statement makes the catalog reload when it is sent (D1WriteRuntime's sender).
   */
  public static Enumerable<Object[]> execute(DataContext root, D1Schema schema, String sql,
      D1Query.Kind[] kinds, Object[] args) {
    return arrays(D1WriteRuntime.pushed(root, schema, D1Write.Kind.NATIVE, "(d1_execute)", sql, kinds, args), 1);
  }

  /** {@code d1_databases()}: name, database_id (D1's uuid), version, num_tables, file_size, created_at. */
  static final class Databases extends D1TableFunction {
    Databases(D1Schema schema) {
      super(schema, List.of(), 0);
    }

    @Override public RelDataType getRowType(RelDataTypeFactory typeFactory, List<? extends Object> arguments) {
      RelDataType text = typeFactory.createTypeWithNullability(typeFactory.createSqlType(SqlTypeName.VARCHAR), true);
      RelDataType number = typeFactory.createTypeWithNullability(typeFactory.createSqlType(SqlTypeName.BIGINT), true);
      return typeFactory.builder().add("name", text).add("database_id", text).add("version", text)
          .add("num_tables", number).add("file_size", number).add("created_at", text).build();
    }

    @Override Expression implement(RexToLixTranslator translator, RexCall call) {
      return Expressions.call(DATABASES, schemaExpression());
    }
  }

  /** Runs {@code d1_databases()}: one request per 100 databases, at each execution. */
  public static Enumerable<Object[]> databases(D1Schema schema) {
    List<Object[]> rows = new ArrayList<>();
    try {
      for (D1DatabaseInfo d : schema.client().listDatabases(null)) {
        rows.add(new Object[] {d.name(), d.uuid(), d.version(), d.numTables(), d.fileSize(), d.createdAt()});
      }
    } catch (D1Exception e) {
      throw Rethrow.unchanged(e);
    }
    return Linq4j.asEnumerable(rows);
  }
}
