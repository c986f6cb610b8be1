package io.github.calcited1.jdbc;

import io.github.calcited1.catalog.D1Catalog;
import io.github.calcited1.client.D1Exception;
import io.github.calcited1.rel.D1Schema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.jdbc.CalcitePrepare;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.runtime.Hook;

/**
 * The prepared statements (Calcite signatures: the plan and its generated code) of one {@code jdbc:d1:} connection,
 * by SQL text, so that executing the same text again, as a {@code Statement} or by preparing it again, does not
 * plan it again (planning a join costs tens to hundreds of milliseconds; a D1 round trip, 50-300).
 *
 * <p>What may not be shared, and how it is kept apart:
 * <ul>
 *   <li>the connection's properties: the cache is per connection, whose properties never change;</li>
 *   <li>the default schema ({@code setSchema}) and {@code setMaxRows}: part of the key;</li>
 *   <li>the tables: an entry remembers the catalog of every D1 schema of the connection as it was when planned, and
 *       is planned again when any of them has been reloaded since (catalog TTL, {@code refreshCatalog}); a DDL
 *       statement (never cached: Calcite runs it while preparing) empties the cache;</li>
 *   <li>parameters: a signature holds no parameter value; each execution binds its own.</li>
 * </ul>
 * At most {@link #CAPACITY} statements are kept, the least recently used dropped first. Statements are shared
 * between threads: a signature is immutable once prepared, and each execution builds its own context. A failed
 * preparation is not cached. The SQL a plan sends to D1 is reported through {@link Hook#QUERY_PLAN} when the plan
 * is reused too, as when it is made.
 */
public final class D1PlanCache {
  /** The most statements kept per connection. */
  public static final int CAPACITY = 256;

  private record Key(String sql, List<String> defaultSchemaPath, long maxRowCount) {}

  /** A prepared statement, the catalogs it was planned against, and the D1 statements its plan reported. */
  private record Entry(CalcitePrepare.CalciteSignature<?> signature, List<D1Catalog> catalogs,
      List<Object> queryPlans) {}

  private final Map<Key, Entry> entries = new LinkedHashMap<>(16, 0.75f, true) {
    @Override protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
      return size() > CAPACITY;
    }
  };

  /**
   * The signature of {@code query} from the cache, or else from {@code prepare}, cached when it may be reused.
   */
  @SuppressWarnings("unchecked")
  public <T> CalcitePrepare.CalciteSignature<T> signature(CalcitePrepare.Query<T> query,
      CalcitePrepare.Context context, long maxRowCount, Supplier<CalcitePrepare.CalciteSignature<T>> prepare) {
    if (query.sql == null) {
      return prepare.get(); // a Queryable or a RelNode: no text to know it by
    }
    Key key = new Key(query.sql, List.copyOf(context.getDefaultSchemaPath()), maxRowCount);
    List<D1Catalog> catalogs = catalogs(context.getRootSchema());
    Entry entry;
    synchronized (entries) {
      entry = entries.get(key);
    }
    if (entry != null && sameCatalogs(entry.catalogs(), catalogs)) {
      entry.queryPlans().forEach(Hook.QUERY_PLAN::run);
      return (CalcitePrepare.CalciteSignature<T>) entry.signature();
    }
    List<Object> queryPlans = new ArrayList<>();
    CalcitePrepare.CalciteSignature<T> signature;
    try (Hook.Closeable ignored = Hook.QUERY_PLAN.addThread((Consumer<Object>) queryPlans::add)) {
      try {
        signature = prepare.get();
      } catch (RuntimeException e) {
        if (!reloadedWithChanges(context, e)) {
          throw e;
        }
        catalogs = catalogs(context.getRootSchema());
        queryPlans.clear();
        signature = prepare.get();
      }
    }
    Meta.StatementType type = signature.statementType;
    synchronized (entries) {
      if (type == null || !cacheable(type)) {
        entries.clear(); // e.g. a DDL statement, run while it was prepared, may have changed any table
      } else {
        entries.put(key, new Entry(signature, catalogs, List.copyOf(queryPlans)));
      }
    }
    return signature;
  }

  /**
   * Whether {@code failure} is a table or column that the cached catalogs do not know, and a reload of the D1 schemas
   * the error names (or, if it names none, of the default schema) shows a change; the statement is then prepared
   * once more. So a table created or altered by another process is usable at once rather than after the catalog's
   * TTL, which tools that probe a table before creating it (Spark's appends) need. A name that exists nowhere costs
   * one request per such schema (a reload that finds nothing new) and fails as before.
   */
  private static boolean reloadedWithChanges(CalcitePrepare.Context context, RuntimeException failure) {
    List<String> names = D1SqlStates.unknownNames(failure);
    if (names.isEmpty()) {
      return false;
    }
    Map<CalciteSchema, D1Schema> schemas = new LinkedHashMap<>();
    // Not every schema holding a table of that name: with many databases attached (a fan-out schema), one mistyped
    // column would cost a catalog request per database.
    forEachD1Schema(context.getRootSchema(), (sub, d1) -> {
      if (names.stream().anyMatch(n -> n.equalsIgnoreCase(sub.name))) {
        schemas.put(sub, d1);
      }
    });
    if (schemas.isEmpty()) {
      CalciteSchema defaultSchema = context.getRootSchema();
      for (String name : context.getDefaultSchemaPath()) {
        defaultSchema = defaultSchema == null ? null : defaultSchema.getSubSchema(name, true);
      }
      if (defaultSchema != null && defaultSchema.schema instanceof D1Schema d1) {
        schemas.put(defaultSchema, d1);
      }
    }
    boolean changed = false;
    for (Map.Entry<CalciteSchema, D1Schema> e : schemas.entrySet()) {
      Map<String, D1Catalog.Table> before = e.getValue().catalog().tables();
      try {
        e.getValue().refreshCatalog();
      } catch (D1Exception reloadFailure) {
        failure.addSuppressed(reloadFailure);
        continue;
      }
      if (!before.equals(e.getValue().catalog().tables())) {
        changed = true;
        // The statement's schema snapshot remembers the table names it has looked up: forget them.
        e.getKey().setCache(false);
        e.getKey().setCache(true);
      }
    }
    return changed;
  }

  private static boolean cacheable(Meta.StatementType type) {
    return switch (type) {
      case SELECT, IS_DML, INSERT, UPDATE, DELETE, UPSERT, MERGE -> true; // Calcite types INSERT/UPDATE/DELETE IS_DML
      default -> false;
    };
  }

  /** The current catalog of every D1 schema under {@code schema}, in schema order (reloaded if past its TTL). */
  private static List<D1Catalog> catalogs(CalciteSchema schema) {
    List<D1Catalog> catalogs = new ArrayList<>();
    forEachD1Schema(schema, (sub, d1) -> catalogs.add(d1.catalog()));
    return catalogs;
  }

  /** Every D1 schema under {@code schema}, in schema order. */
  private static void forEachD1Schema(CalciteSchema schema, BiConsumer<CalciteSchema, D1Schema> action) {
    for (CalciteSchema sub : schema.getSubSchemaMap().values()) {
      if (sub.schema instanceof D1Schema d1) {
        action.accept(sub, d1);
      }
      forEachD1Schema(sub, action);
    }
  }

  /** Whether every catalog is the very one (a reload makes a new one, even if nothing changed). */
  private static boolean sameCatalogs(List<D1Catalog> a, List<D1Catalog> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i) != b.get(i)) {
        return false;
      }
    }
    return true;
  }
}
