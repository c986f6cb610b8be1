package io.github.calcited1.jdbc;

import io.github.calcited1.config.D1ConfigurationException;
import io.github.calcited1.rel.D1SchemaException;
import io.github.calcited1.rel.D1SqlDialect;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.ConnectStringParser;
import org.apache.calcite.avatica.DriverVersion;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.config.CalciteConnectionProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The {@code jdbc:d1:} driver: Calcite's driver with a Meta that has a transaction path ({@link D1JdbcMeta}), and
 * defaults that fit SQLite users.
 *
 * <p>URLs:
 * <ul>
 *   <li>{@code jdbc:d1:model=PATH} (or {@code model=inline:...}), exactly like {@code jdbc:calcite:};</li>
 *   <li>{@code jdbc:d1:database=NAME_OR_ID;accountId=...;baseUrl=...}: one D1 database as the default schema
 *       (named {@code schema=...}, else after the database), so {@code SELECT * FROM orders} works. Every other
 *       key that is not a Calcite connection property goes to the schema operand (e.g. {@code readOnly=true},
 *       {@code strictAtomicity=true}, {@code apiTokenEnv=...}); the API token comes from the environment as the
 *       schema factory reads it.</li>
 *   <li>{@code jdbc:d1:databasePattern=tenant_*;...} or {@code databases=a,b;...}: several databases as one schema
 *       (docs/scaling.md), named {@code schema=...}, else {@code d1}.</li>
 * </ul>
 *
 * <p>Defaults (each can be overridden in the URL or properties): {@code caseSensitive=false} and
 * {@code unquotedCasing=UNCHANGED}, {@code quotedCasing=UNCHANGED}, {@code quoting=DOUBLE_QUOTE}: identifiers match
 * D1's names whatever their case, quoted or not, as in SQLite.
 */
public class D1Driver extends org.apache.calcite.jdbc.Driver {
  public static final String CONNECT_STRING_PREFIX = "jdbc:d1:";
  /** Schema factory used by the one-database shortcut. */
  public static final String SCHEMA_FACTORY = "io.github.calcited1.schema.D1SchemaFactory";

  private static final Map<String, String> DEFAULTS = Map.of(
      CalciteConnectionProperty.CASE_SENSITIVE.camelName(), "false",
      CalciteConnectionProperty.UNQUOTED_CASING.camelName(), "UNCHANGED",
      CalciteConnectionProperty.QUOTED_CASING.camelName(), "UNCHANGED",
      CalciteConnectionProperty.QUOTING.camelName(), "DOUBLE_QUOTE",
      // DDL on D1 (CREATE/DROP/ALTER; docs/ddl.md); queries keep Calcite's core grammar.
      CalciteConnectionProperty.PARSER_FACTORY.camelName(), io.github.calcited1.ddl.D1DdlParserFactory.class.getName()
          + "#FACTORY");

  static {
    new D1Driver().register();
  }

  public D1Driver() {
    super();
  }

  @Override
  protected String getConnectStringPrefix() {
    return CONNECT_STRING_PREFIX;
  }

  /**
   * The product is D1, at the version of the SQLite it runs: workerd's, as {@link D1SqlDialect#CONTEXT} says (D1 does
   * not allow {@code sqlite_version()}, so it cannot be asked).
   */
  @Override
  protected DriverVersion createDriverVersion() {
    int major = D1SqlDialect.CONTEXT.databaseMajorVersion();
    int minor = D1SqlDialect.CONTEXT.databaseMinorVersion();
    return new DriverVersion("calcite-d1 JDBC driver", "0.1.0", PRODUCT_NAME, major + "." + minor + ".0",
        false, 0, 1, major, minor);
  }

  /** {@code DatabaseMetaData.getDatabaseProductName()}. */
  public static final String PRODUCT_NAME = "Cloudflare D1";

  /** Not {@code jdbc:d1:remote:}, the thin client's ({@code io.github.calcited1.remote.D1RemoteDriver}); named as
   * text so that this package does not depend on the thin client's. */
  @Override
  public boolean acceptsURL(String url) throws SQLException {
    return super.acceptsURL(url) && !url.startsWith("jdbc:d1:remote:");
  }

  /**
   * By name, as Calcite's own Driver names its factory: Avatica instantiates it, and the factory (in Calcite's package,
   * for package-private access) builds on this package, which therefore does not refer to it.
   */
  @Override
  protected String getFactoryClassName(JdbcVersion jdbcVersion) {
    return "org.apache.calcite.jdbc.D1JdbcFactory";
  }

  @Override
  public Meta createMeta(AvaticaConnection connection) {
    return new D1JdbcMeta(connection);
  }

  @Override
  public Connection connect(String url, Properties info) throws SQLException {
    if (!acceptsURL(url)) {
      return null;
    }
    Properties merged = ConnectStringParser.parse(url.substring(CONNECT_STRING_PREFIX.length()),
        info == null ? new Properties() : info);
    Properties info2 = new Properties();
    if (info != null) {
      info2.putAll(info);
    }
    for (Map.Entry<String, String> d : DEFAULTS.entrySet()) {
      if (lookup(merged, d.getKey()) == null) {
        info2.setProperty(d.getKey(), d.getValue());
      }
    }
    if ((lookup(merged, "database") != null || lookup(merged, "databases") != null
        || lookup(merged, "databasePattern") != null) && lookup(merged, "model") == null) {
      info2.setProperty("model", shortcutModel(merged));
    }
    try {
      return super.connect(withoutToken(url, info2), info2);
    } catch (RuntimeException e) {
      throw connectFailure(e);
    }
  }

  /** One {@code apiToken=...} or {@code model=...} entry of the connect string, with its separator. */
  private static final java.util.regex.Pattern SECRET_ENTRY = java.util.regex.Pattern.compile(
      "(?i)(?<=^|;)\\s*(apiToken|model)\\s*=\\s*('(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|[^;]*)\\s*(?:;|$)");
  /**
   * A token key inside a model (JSON {@code "apiToken":}, YAML {@code apiToken:}); {@code apiTokenEnv} does not match.
   */
  private static final java.util.regex.Pattern TOKEN_IN_MODEL = java.util.regex.Pattern.compile(
      "(?i)(?<![A-Za-z0-9_])['\"]?apiToken['\"]?\\s*:");
  /** Whether {@code text} (a connect string, a model) sets an {@code apiToken} the way a JSON or YAML model does. */
  public static boolean modelHoldsToken(String text) {
    return TOKEN_IN_MODEL.matcher(text).find();
  }

  /** A token assignment left after the cut; any means the cut was not clean. */
  private static final java.util.regex.Pattern TOKEN_KEY = java.util.regex.Pattern.compile(
      "(?i)(?<![A-Za-z0-9_])apiToken\\s*=");

  /**
   * The URL the connection will report ({@code DatabaseMetaData.getURL()}, shown and logged by tools and pools)
   * without the token it held: an {@code apiToken=...}, and a {@code model=inline:...} whose operand holds an
   * {@code apiToken}, move to {@code info} (which Calcite reads them from just the same). Never the raw URL: when they
   * cannot be cut out cleanly (a key spelled twice in different cases, a value that hides {@code ;apiToken=}, odd
   * quoting), an SQLException (SQLState 28000) asks for the token as a driver property or through the environment.
   */
  static String withoutToken(String url, Properties info) throws SQLException {
    String suffix = url.substring(CONNECT_STRING_PREFIX.length());
    Properties inUrl;
    try {
      inUrl = ConnectStringParser.parse(suffix);
    } catch (SQLException e) {
      if (suffix.toLowerCase(Locale.ROOT).contains("apitoken")) {
        throw tokenInUrl("the connect string cannot be parsed (its message would quote the token)");
      }
      throw e;
    }
    Map<String, String> secret = new LinkedHashMap<>();
    for (String name : inUrl.stringPropertyNames()) {
      String value = inUrl.getProperty(name);
      if (name.equalsIgnoreCase("apiToken")
          || (name.equalsIgnoreCase("model") && TOKEN_IN_MODEL.matcher(value).find())) {
        secret.put(name, value);
      }
    }
    if (secret.isEmpty()) {
      return url;
    }
    Set<String> kinds = new java.util.HashSet<>();
    for (String name : secret.keySet()) {
      if (!kinds.add(name.toLowerCase(Locale.ROOT))) {
        throw tokenInUrl("the URL sets " + name + " more than once (in different cases)");
      }
    }
    String cut = SECRET_ENTRY.matcher(suffix).replaceAll(m -> m.group(1).equalsIgnoreCase("apiToken")
        || TOKEN_IN_MODEL.matcher(m.group(2)).find() ? "" : java.util.regex.Matcher.quoteReplacement(m.group()));
    cut = cut.replaceFirst(";\\s*$", "");
    Properties after;
    try {
      after = ConnectStringParser.parse(cut);
    } catch (SQLException e) {
      throw tokenInUrl("the apiToken in the URL cannot be cut out cleanly");
    }
    boolean clean = after.size() == inUrl.size() - secret.size() && !TOKEN_KEY.matcher(cut).find();
    for (String name : after.stringPropertyNames()) {
      clean &= !secret.containsKey(name) && after.getProperty(name).equals(inUrl.getProperty(name));
    }
    if (!clean) {
      throw tokenInUrl("the apiToken in the URL cannot be cut out cleanly");
    }
    for (Map.Entry<String, String> e : secret.entrySet()) {
      info.setProperty(e.getKey(), e.getValue());
    }
    return CONNECT_STRING_PREFIX + cut;
  }

  private static SQLException tokenInUrl(String why) {
    return new SQLException(why + ", so the URL the connection reports (DatabaseMetaData.getURL(), shown and logged by"
        + " tools and pools) would carry it. Pass apiToken as a driver property (Properties / the pool's data source"
        + " properties) or through the environment (CLOUDFLARE_API_TOKEN, or the variable named by apiTokenEnv)"
        + " instead.", "28000");
  }

  /**
   * Calcite reports a schema it cannot create as a RuntimeException ("Error instantiating JsonCustomSchema(...)").
   * JDBC callers expect an SQLException, and the useful part is the D1 cause: a bad operand (named) or D1's answer
   * with what to do. Its SQLState is kept (28000 token, 3D000 database, 08001 unreachable); a bad operand is 08001.
   */
  static SQLException connectFailure(RuntimeException e) {
    Throwable specific = null;
    String state = null;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (specific == null && (t instanceof D1SchemaException || t instanceof D1ConfigurationException)) {
        specific = t;
      }
      if (state == null && t instanceof SQLException && ((SQLException) t).getSQLState() != null) {
        state = ((SQLException) t).getSQLState();
      }
    }
    if (specific == null) {
      throw e;
    }
    return new SQLException(specific.getMessage(), state == null ? "08001" : state, e);
  }

  private static String lookup(Properties p, String key) {
    for (String name : p.stringPropertyNames()) {
      if (name.equalsIgnoreCase(key)) {
        return p.getProperty(name);
      }
    }
    return null;
  }

  /** The schema name of the shortcut for several databases ({@code databases=} or {@code databasePattern=}). */
  static final String FAN_OUT_SCHEMA = "d1";

  /** The inline model of the {@code database=...} (or {@code databases=}, {@code databasePattern=}) shortcut. */
  static String shortcutModel(Properties p) throws SQLException {
    Set<String> calciteKeys = new java.util.HashSet<>();
    for (CalciteConnectionProperty c : CalciteConnectionProperty.values()) {
      calciteKeys.add(c.camelName().toLowerCase(Locale.ROOT));
    }
    for (org.apache.calcite.avatica.BuiltInConnectionProperty c
        : org.apache.calcite.avatica.BuiltInConnectionProperty.values()) {
      calciteKeys.add(c.camelName().toLowerCase(Locale.ROOT));
    }
    Map<String, Object> operand = new LinkedHashMap<>();
    for (String name : p.stringPropertyNames()) {
      // "avatica.*": settings of an Avatica server's JdbcMeta (calcite-d1 serve), which it passes to the driver too.
      if (!calciteKeys.contains(name.toLowerCase(Locale.ROOT)) && !name.equalsIgnoreCase("user")
          && !name.equalsIgnoreCase("password") && !name.startsWith("avatica.")) {
        operand.put(name, p.getProperty(name));
      }
    }
    String database = lookup(p, "database");
    String schema = lookup(p, "schema");
    if (schema == null || schema.isEmpty()) {
      schema = database != null ? database : FAN_OUT_SCHEMA;
    }
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("type", "custom");
    s.put("name", schema);
    s.put("factory", SCHEMA_FACTORY);
    s.put("operand", operand);
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("version", "1.0");
    model.put("defaultSchema", schema);
    model.put("schemas", List.of(s));
    try {
      return "inline:" + new ObjectMapper().writeValueAsString(model);
    } catch (JsonProcessingException e) {
      throw new SQLException("cannot build the model of " + p, e);
    }
  }
}
