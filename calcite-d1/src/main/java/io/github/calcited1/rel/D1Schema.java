package io.github.calcited1.rel;

import com.google.common.collect.Multimap;
import io.github.calcited1.catalog.D1Catalog;
import io.github.calcited1.catalog.D1CatalogCache;
import io.github.calcited1.client.D1Client;
import io.github.calcited1.client.D1Exception;
import io.github.calcited1.config.D1SchemaConfig;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.schema.Function;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.Schemas;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;

/**
 * One D1 database as a Calcite schema. Calcite creates one instance per connection (the model is loaded for each);
 * the catalog is shared between them through {@link D1CatalogCache}. A transaction's buffered writes are not kept
 * here but in the connection's {@link io.github.calcited1.write.D1Session}.
 *
 * <p>Each instance has its own {@link D1Convention}: a query's subtrees over this schema's tables become one
 * SQLite statement each, and generated code finds the schema again at run time through the convention's
 * expression ({@code root.getRootSchema().getSubSchema(name)}), never through an embedded object.
 */
public class D1Schema extends AbstractSchema {
  private final D1SchemaConfig config;
  private final D1Client client;
  private final D1CatalogCache.Key cacheKey;
  private final String databaseId;
  private final List<String> path;
  private final D1Convention convention;
  private final java.util.function.Function<D1Schema, Multimap<String, Function>> functions;
  private D1Catalog tablesCatalog;
  private Map<String, Table> tables;

  /**
   * @param functions the schema's functions ({@code d1_query}, … from {@link io.github.calcited1.ddl.D1Functions}),
   *     given by the factory so that this package does not depend on {@code ddl}, which builds on it
   */
  public D1Schema(SchemaPlus parentSchema, String name, D1SchemaConfig config, D1Client client,
      java.util.function.Function<D1Schema, Multimap<String, Function>> functions) {
    this(pathOf(parentSchema, name), Schemas.subSchemaExpression(parentSchema, name, D1Schema.class), config, client,
        functions);
  }

  /**
   * A schema at {@code path} from the root, which generated code reaches through {@code expression} (one database of
   * a {@link D1FanOutSchema} is its sub-schema).
   */
  D1Schema(List<String> path, Expression expression, D1SchemaConfig config, D1Client client,
      java.util.function.Function<D1Schema, Multimap<String, Function>> functions) {
    this.config = config;
    this.client = client;
    this.cacheKey = new D1CatalogCache.Key(config.baseUrl(), config.accountId(), config.database(),
        config.tokenDigest());
    this.path = path;
    try {
      this.databaseId = D1CatalogCache.databaseId(cacheKey, () -> client.resolveDatabaseId(config.database()));
      catalog(false); // fail at connect time, not at the first query, when D1 cannot be reached
    } catch (D1Exception e) {
      throw new D1SchemaException("Cannot open D1 database '" + config.database() + "' (schema '"
          + String.join(".", path) + "', account " + config.accountId() + ", " + config.baseUrl() + "): "
          + e.getMessage(), e);
    }
    this.convention = D1Convention.of(this, expression);
    this.functions = functions;
  }

  public D1SchemaConfig config() {
    return config;
  }

  public D1Client client() {
    return client;
  }

  /** The id (UUID) of the database, as used in D1's query URLs. */
  public String databaseId() {
    return databaseId;
  }

  /** The names from the root schema to this schema. */
  public List<String> path() {
    return path;
  }

  public D1Convention convention() {
    return convention;
  }

  /** How generated code finds this schema at run time: through the convention's expression, not an embedded object. */
  public Expression expression() {
    return Schemas.unwrap(convention.expression, D1Schema.class);
  }

  /** The catalog as currently cached, reloaded when older than the TTL. */
  public D1Catalog catalog() {
    try {
      return catalog(false);
    } catch (D1Exception e) {
      throw new D1SchemaException("Cannot read the catalog of D1 database '" + config.database() + "': "
          + e.getMessage(), e);
    }
  }

  /** {@code table} with a view's computed columns typed by their values ({@link D1Catalog#typed}). */
  D1Catalog.Table typed(D1Catalog.Table table) {
    try {
      return catalog().typed(table, client, databaseId);
    } catch (D1Exception e) {
      throw new D1SchemaException("Cannot read view '" + table.name() + "' of D1 database '" + config.database()
          + "' to type its computed columns: " + e.getMessage(), e);
    }
  }

  /** Reads the catalog from D1 again now, for this and every other connection to the same database. */
  public void refreshCatalog() throws D1Exception {
    catalog(true);
  }

  private D1Catalog catalog(boolean refresh) throws D1Exception {
    return D1CatalogCache.catalog(cacheKey, config.catalogTtl(), refresh,
        previous -> D1Catalog.load(client, databaseId, previous));
  }

  @Override protected synchronized Map<String, Table> getTableMap() {
    D1Catalog current = catalog();
    if (current != tablesCatalog) {
      // The commit ledger is calcite-d1's own bookkeeping (docs/reliability.md), not the user's data.
      String ledger = config.writeOptions().commitLedgerTable();
      Map<String, Table> map = new LinkedHashMap<>();
      current.tables().values().stream()
          .filter(t -> !t.name().equalsIgnoreCase(ledger))
          .forEach(t -> map.put(t.name(), createTable(t)));
      tables = map;
      tablesCatalog = current;
    }
    return tables;
  }

  /** {@code d1_query}, {@code d1_execute}, {@code d1_databases} ({@link io.github.calcited1.ddl.D1Functions}). */
  @Override protected Multimap<String, Function> getFunctionMultimap() {
    return functions.apply(this);
  }

  /** Creates the Calcite table for a catalog entry. */
  private D1Table createTable(D1Catalog.Table table) {
    return new D1Table(this, table);
  }

  private static List<String> pathOf(SchemaPlus parent, String name) {
    LinkedList<String> names = new LinkedList<>();
    names.add(name);
    for (SchemaPlus s = parent; s != null && s.getParentSchema() != null; s = s.getParentSchema()) {
      names.addFirst(s.getName());
    }
    return List.copyOf(names);
  }

  @Override public String toString() {
    return "D1Schema{" + String.join(".", path) + " -> " + config + "}";
  }
}
