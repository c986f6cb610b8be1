package io.github.calcited1.rel;

import com.google.common.collect.Multimap;
import io.github.calcited1.catalog.D1Catalog;
import io.github.calcited1.client.D1Client;
import io.github.calcited1.config.D1SchemaConfig;
import io.github.calcited1.client.D1DatabaseInfo;
import io.github.calcited1.client.D1DatabaseNotFoundException;
import io.github.calcited1.client.D1Exception;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.schema.Function;
import org.apache.calcite.schema.Schema;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.Schemas;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.util.BuiltInMethod;

/**
 * Several D1 databases as one schema (operand {@code databases} or {@code databasePattern}): each table name found
 * in them is one {@link D1FanOutTable}, the UNION ALL of that table in every database plus a column naming the
 * database. Each database is also this schema's sub-schema, a plain {@link D1Schema} with its own convention, so that
 * every database's part of a query becomes one pushed statement of its own (docs/scaling.md).
 */
public final class D1FanOutSchema extends AbstractSchema {
  private final D1SchemaConfig config;
  private final List<String> path;
  /** The databases by the name the database column shows, in the order their rows come. */
  private final Map<String, D1Schema> databases;
  private Map<String, Table> tables;
  private List<D1Catalog> tablesCatalogs;

  public D1FanOutSchema(SchemaPlus parentSchema, String name, D1SchemaConfig config, D1Client client,
      java.util.function.Function<D1Schema, Multimap<String, Function>> functions) {
    this.config = config;
    List<String> parentPath = new ArrayList<>();
    for (SchemaPlus s = parentSchema; s != null && s.getParentSchema() != null; s = s.getParentSchema()) {
      parentPath.add(0, s.getName());
    }
    parentPath.add(name);
    this.path = List.copyOf(parentPath);
    Map<String, String> ids = resolve(config, client, name);
    Expression self = Schemas.subSchemaExpression(parentSchema, name, null);
    // The catalogs of the databases are read at connect time, like a single D1 schema's, and in parallel: with
    // D1's round trip of 50-300 ms, fifty databases one after another would take seconds.
    List<String> names = List.copyOf(ids.keySet());
    List<D1Schema> schemas = D1FanOutRuntime.inParallel(config.maxParallelRequests(), names, db -> {
      List<String> dbPath = new ArrayList<>(path);
      dbPath.add(db);
      Expression dbExpression = Expressions.call(self, BuiltInMethod.SCHEMA_GET_SUB_SCHEMA.method,
          Expressions.constant(db));
      return new D1Schema(dbPath, dbExpression, config.forDatabase(ids.get(db)), client, functions);
    });
    Map<String, D1Schema> byName = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      byName.put(names.get(i), schemas.get(i));
    }
    this.databases = byName;
  }

  /**
   * The databases' ids by the name the database column shows: the entries of {@code databases} as written, or the
   * names matching {@code databasePattern} in name order. One request lists the account's databases, none if every
   * entry is an id.
   */
  private static Map<String, String> resolve(D1SchemaConfig config, D1Client client, String schemaName) {
    try {
      Map<String, String> ids = new LinkedHashMap<>();
      if (config.databasePattern() == null) {
        Map<String, List<String>> byName = config.databases().stream().allMatch(D1FanOutSchema::isUuid)
            ? Map.of() : idsByName(client.listDatabases(null));
        for (String db : config.databases()) {
          if (isUuid(db)) {
            ids.put(db, db);
            continue;
          }
          List<String> found = byName.getOrDefault(db, List.of());
          if (found.size() != 1) {
            String said = (found.isEmpty() ? "No D1 database is named '" : "Several D1 databases are named '") + db
                + "' in account " + config.accountId();
            throw new D1DatabaseNotFoundException(said + " (operand 'databases' of schema '" + schemaName + "')."
                + (found.isEmpty() ? " Check the name (wrangler d1 list shows them), or remove it from the list."
                    : " List its id instead: " + found), "3D000", 200, 0, said, null);
          }
          ids.put(db, found.get(0));
        }
        return ids;
      }
      Pattern pattern = globPattern(config.databasePattern());
      Map<String, List<String>> byName = idsByName(client.listDatabases(literalPrefix(config.databasePattern())));
      new TreeMap<>(byName).forEach((db, found) -> {
        if (pattern.matcher(db).matches()) {
          ids.put(db, found.get(0));
        }
      });
      for (Map.Entry<String, List<String>> e : byName.entrySet()) {
        if (ids.containsKey(e.getKey()) && e.getValue().size() > 1) {
          String said = "Several D1 databases are named '" + e.getKey() + "' in account " + config.accountId();
          throw new D1DatabaseNotFoundException(said + ": " + e.getValue() + ". Name the databases by id in operand"
              + " 'databases' instead of 'databasePattern'.", "3D000", 200, 0, said, null);
        }
      }
      if (ids.isEmpty()) {
        String said = "No D1 database of account " + config.accountId() + " matches the pattern '"
            + config.databasePattern() + "'";
        throw new D1DatabaseNotFoundException(said + " (operand 'databasePattern' of schema '" + schemaName + "': * is"
            + " any characters, ? one). Check the pattern against the names wrangler d1 list shows.", "3D000", 200,
            0, said, null);
      }
      return ids;
    } catch (D1Exception e) {
      throw new D1SchemaException("Cannot open the D1 databases of schema '" + schemaName + "' (account "
          + config.accountId() + ", " + config.baseUrl() + "): " + e.getMessage(), e);
    }
  }

  private static Map<String, List<String>> idsByName(List<D1DatabaseInfo> listed) {
    Map<String, List<String>> byName = new LinkedHashMap<>();
    for (D1DatabaseInfo info : listed) {
      if (info.name() != null && info.uuid() != null) {
        byName.computeIfAbsent(info.name(), k -> new ArrayList<>()).add(info.uuid());
      }
    }
    return byName;
  }

  private static boolean isUuid(String s) {
    return s.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  }

  /** The pattern's characters before its first wildcard: D1's list filter (a substring match) narrows by them. */
  static String literalPrefix(String glob) {
    int i = 0;
    while (i < glob.length() && glob.charAt(i) != '*' && glob.charAt(i) != '?') {
      i++;
    }
    return glob.substring(0, i);
  }

  /** {@code *} any characters, {@code ?} one, everything else itself (case-sensitive, like D1's names). */
  static Pattern globPattern(String glob) {
    StringBuilder regex = new StringBuilder();
    for (char c : glob.toCharArray()) {
      regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }

  public D1SchemaConfig config() {
    return config;
  }

  /** The names from the root schema to this schema. */
  public List<String> path() {
    return path;
  }

  /** The databases by the name the database column shows, in the order their rows come. */
  public Map<String, D1Schema> databases() {
    return databases;
  }

  @Override protected Map<String, Schema> getSubSchemaMap() {
    return Map.copyOf(databases);
  }

  @Override protected synchronized Map<String, Table> getTableMap() {
    List<D1Catalog> current = databases.values().stream().map(D1Schema::catalog).toList();
    if (!current.equals(tablesCatalogs)) {
      Map<String, Table> map = new TreeMap<>();
      for (D1Schema db : databases.values()) {
        for (String table : db.getTableNames()) {
          map.computeIfAbsent(table, t -> new D1FanOutTable(this, t));
        }
      }
      tables = map;
      tablesCatalogs = current;
    }
    return tables;
  }

  @Override public String toString() {
    return "D1FanOutSchema{" + String.join(".", path) + " -> " + databases.keySet() + "}";
  }
}
