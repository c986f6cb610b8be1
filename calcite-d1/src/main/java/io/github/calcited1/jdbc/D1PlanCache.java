package io.github.calcited1.jdbc;

import io.github.calcited1.catalog.D1Catalog;
import io.github.calcited1.rel.D1Schema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
      signature = prepare.get();
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

  private static boolean cacheable(Meta.StatementType type) {
    return switch (type) {
      case SELECT, IS_DML, INSERT, UPDATE, DELETE, UPSERT, MERGE -> true; // Calcite types INSERT/UPDATE/DELETE IS_DML
      default -> false;
    };
  }

  /** The current catalog of every D1 schema under {@code schema}, in schema order (reloaded if past its TTL). */
  private static List<D1Catalog> catalogs(CalciteSchema schema) {
    List<D1Catalog> catalogs = new ArrayList<>();
    addCatalogs(schema, catalogs);
    return catalogs;
  }

  private static void addCatalogs(CalciteSchema schema, List<D1Catalog> catalogs) {
    for (CalciteSchema sub : schema.getSubSchemaMap().values()) {
      if (sub.schema instanceof D1Schema d1) {
        catalogs.add(d1.catalog());
      }
      addCatalogs(sub, catalogs);
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
