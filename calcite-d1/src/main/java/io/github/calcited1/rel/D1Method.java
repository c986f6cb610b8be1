package io.github.calcited1.rel;

import io.github.calcited1.write.D1ValueKind;
import io.github.calcited1.write.D1Write;
import java.lang.reflect.Method;
import java.util.Comparator;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.function.EqualityComparer;
import org.apache.calcite.linq4j.function.Function1;
import org.apache.calcite.linq4j.tree.Types;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The run-time methods that code generated for D1 rels calls, each declared once with its exact argument types (as
 * Calcite's adapters do, e.g. {@code ElasticsearchMethod}): a changed signature fails when this class loads, not when
 * a query is first compiled. Per-query metadata is passed as typed constants (enum arrays, int arrays), never as
 * strings decoded at every execution.
 */
public enum D1Method {
  QUERY(D1Runtime.class, "query", DataContext.class, D1Schema.class, String.class, D1Query.Kind[].class,
      Object[].class, SqlTypeName[].class, int[].class, String[].class, int.class, int.class),
  GUARDED(D1Guards.class, "guarded", DataContext.class, String[].class, int[].class, boolean[].class, int[].class,
      Object[].class, Enumerable.class),
  PUSHED_WRITE(D1WriteRuntime.class, "pushed", DataContext.class, D1Schema.class, D1Write.Kind.class, String.class,
      String.class, D1Query.Kind[].class, Object[].class),
  INSERT(D1WriteRuntime.class, "insert", DataContext.class, D1Schema.class, String.class, String[].class,
      D1ValueKind[].class, int[].class, Enumerable.class),
  UPDATE_BY_KEY(D1WriteRuntime.class, "updateByKey", DataContext.class, D1Schema.class, String.class,
      String[].class, boolean.class, String[].class, String[].class, int[].class, D1ValueKind[].class,
      Enumerable.class),
  DELETE_BY_KEY(D1WriteRuntime.class, "deleteByKey", DataContext.class, D1Schema.class, String.class,
      String[].class, boolean.class, String[].class, int[].class, D1ValueKind[].class, Enumerable.class),
  MERGE(D1WriteRuntime.class, "merge", DataContext.class, D1Schema.class, String.class, String[].class,
      D1ValueKind[].class, int[].class, int[].class, int[].class, int.class, Enumerable.class),
  REFUSE(D1WriteRuntime.class, "refuse", String.class),
  FAN_OUT_CONCAT(D1FanOutRuntime.class, "concat", int.class, Enumerable[].class, boolean[].class),
  FAN_OUT_MERGE_UNION(D1FanOutRuntime.class, "mergeUnion", int.class, Enumerable[].class,
      boolean[].class, Function1.class, Comparator.class, boolean.class, EqualityComparer.class);

  public final Method method;

  D1Method(Class<?> clazz, String methodName, Class<?>... argumentTypes) {
    this.method = Types.lookupMethod(clazz, methodName, argumentTypes);
  }
}
