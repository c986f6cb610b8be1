package io.github.calcited1.config;

import static io.github.calcited1.config.D1Operands.bool;
import static io.github.calcited1.config.D1Operands.millis;
import static io.github.calcited1.config.D1Operands.number;
import static io.github.calcited1.config.D1Operands.shown;
import static io.github.calcited1.config.D1Operands.text;
import static io.github.calcited1.config.D1Operands.textList;

import io.github.calcited1.client.D1ClientConfig;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The operands of a D1 schema in a Calcite model, validated (read by {@link D1Operands}; docs/configuration.md). It is
 * composed of the client's settings ({@link D1ClientConfig}), the write path's ({@link D1WriteOptions}) and the
 * read path's own (page size, snapshot scans, catalog TTL).
 *
 * <p>{@link #toString()} never shows the token.
 */
public final class D1SchemaConfig {
  public static final String DEFAULT_TOKEN_ENV = "CLOUDFLARE_API_TOKEN";
  public static final String ACCOUNT_ENV = "CLOUDFLARE_ACCOUNT_ID";
  public static final int DEFAULT_PAGE_SIZE = 10_000;
  public static final Duration DEFAULT_CATALOG_TTL = Duration.ofMinutes(5);
  public static final String DEFAULT_DATABASE_COLUMN = "_database";
  public static final int DEFAULT_MAX_PARALLEL_REQUESTS = 50;

  private static final Set<String> OPERANDS = Set.of("accountId", "database", "apiToken", "apiTokenEnv", "baseUrl",
      "readOnly", "connectTimeoutMillis", "readTimeoutMillis", "callTimeoutMillis", "pageSize",
      "catalogTtlSeconds", "snapshotScans",
      // many databases as one schema (io.github.calcited1.rel.D1FanOutSchema, docs/scaling.md)
      "databases", "databasePattern", "databaseColumn", "maxParallelRequests",
      // write path (D1WriteOptions, docs/transactions.md)
      "strictAtomicity", "maxValueBytes", "maxStatementsPerRequest", "maxRequestBytes", "diagnoseFailedCommit",
      // reliability and transport (docs/reliability.md)
      "maxAttempts", "retryBaseDelayMillis", "retryMaxDelayMillis", "maxRetryAfterSeconds", "allowInsecureHttp",
      "commitLedger", "commitLedgerTable");

  /** Added to every custom schema's operand by Calcite's ModelHandler itself. */
  private static final Set<String> CALCITE_OPERANDS = Set.of("modelUri", "baseDirectory", "tables");

  private final D1ClientConfig client;
  private final String database;
  private final int pageSize;
  private final boolean snapshotScans;
  private final Duration catalogTtl;
  private final D1WriteOptions writeOptions;
  /** The databases of a fan-out schema as listed in operand {@code databases}; empty otherwise. */
  private final List<String> databases;
  private final String databasePattern;
  private final String databaseColumn;
  private final int maxParallelRequests;
  /** Kept to derive one database's configuration from a fan-out schema's ({@link #forDatabase}). */
  private final Map<String, Object> operand;
  private final Function<String, String> env;

  private D1SchemaConfig(Map<String, Object> operand, Function<String, String> env) {
    this.operand = java.util.Collections.unmodifiableMap(new java.util.HashMap<>(operand));
    this.env = env;
    for (String key : operand.keySet()) {
      if (!OPERANDS.contains(key) && !CALCITE_OPERANDS.contains(key)) {
        throw new D1ConfigurationException(key, "Unknown D1 schema operand '" + key + "'; the operands are "
            + String.join(", ", OPERANDS.stream().sorted().toList()) + " (see docs/configuration.md)");
      }
    }
    String baseUrl = text(operand, "baseUrl", D1ClientConfig.DEFAULT_BASE_URL);
    if (!baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
      throw new D1ConfigurationException("baseUrl", "Operand 'baseUrl' must be an http(s) URL such as "
          + D1ClientConfig.DEFAULT_BASE_URL + ", not " + shown(baseUrl));
    }
    String host = host(baseUrl);
    String account = text(operand, "accountId", env.apply(ACCOUNT_ENV));
    if (account == null) {
      throw new D1ConfigurationException("accountId", "No Cloudflare account id: set operand 'accountId' in the"
          + " model or the environment variable " + ACCOUNT_ENV + " (the id is on the dashboard's Workers & Pages"
          + " overview)");
    }
    if (host.equals(CLOUDFLARE_API_HOST) && !account.matches("[0-9a-fA-F]{32}")) {
      // checked before anything is sent: the id travels in every request's path and in DEBUG logs
      throw new D1ConfigurationException("accountId", "Operand 'accountId' (or " + ACCOUNT_ENV + ") must be a"
          + " Cloudflare account id, 32 hexadecimal digits (the dashboard's Workers & Pages overview shows it), not "
          + shown(account));
    }
    String db = text(operand, "database", null);
    this.databases = textList(operand, "databases");
    this.databasePattern = text(operand, "databasePattern", null);
    int given = (db == null ? 0 : 1) + (operand.containsKey("databases") ? 1 : 0) + (databasePattern == null ? 0 : 1);
    if (given == 0) {
      throw new D1ConfigurationException("database", "Operand 'database' is missing: set it to the D1 database's"
          + " name or id (as listed by 'wrangler d1 list'), or give several databases as one schema with"
          + " 'databases' (a list) or 'databasePattern' (a name pattern such as tenant_*)");
    }
    if (given > 1) {
      throw new D1ConfigurationException(db == null ? "databasePattern" : "database", "Give only one of the operands"
          + " 'database' (one database), 'databases' (a list) and 'databasePattern' (a name pattern)");
    }
    this.database = db;
    this.databaseColumn = text(operand, "databaseColumn", DEFAULT_DATABASE_COLUMN);
    this.maxParallelRequests = (int) number(operand, "maxParallelRequests", DEFAULT_MAX_PARALLEL_REQUESTS, 1, 256);
    String tokenEnv = text(operand, "apiTokenEnv", DEFAULT_TOKEN_ENV);
    String token = text(operand, "apiToken", null);
    if (token == null) {
      String fromEnv = env.apply(tokenEnv);
      token = fromEnv == null || fromEnv.isBlank() ? null : fromEnv.trim();
      if (token == null) {
        throw new D1ConfigurationException("apiToken", "No Cloudflare API token: set the environment variable "
            + tokenVariable(operand, tokenEnv) + ", or operand 'apiToken' in the model; the token needs the D1 read"
            + " (and, to write, edit) permission");
      }
      if (!envTokenMayGoTo(host)) {
        throw new D1ConfigurationException("baseUrl", "The API token from the environment ("
            + tokenVariable(operand, tokenEnv) + ") is sent only to "
            + CLOUDFLARE_API_HOST + " or this machine (loopback), not to " + shown(host) + " (operand 'baseUrl'),"
            + " so that a connect string alone cannot send it elsewhere. If that host is yours, allow it in the"
            + " program: the JVM system property " + ENV_TOKEN_HOSTS + "=HOST[,HOST...], or give the token itself"
            + " (operand or driver property 'apiToken').");
      }
    }
    Duration retryBaseDelay = millis(operand, "retryBaseDelayMillis", D1ClientConfig.DEFAULT_RETRY_BASE_DELAY);
    Duration retryMaxDelay = millis(operand, "retryMaxDelayMillis", D1ClientConfig.DEFAULT_RETRY_MAX_DELAY);
    if (retryMaxDelay.compareTo(retryBaseDelay) < 0) {
      throw new D1ConfigurationException("retryMaxDelayMillis", "Operand 'retryMaxDelayMillis' ("
          + retryMaxDelay.toMillis() + ") must not be less than 'retryBaseDelayMillis' (" + retryBaseDelay.toMillis()
          + ")");
    }
    D1ClientConfig.Builder clientSettings = D1ClientConfig.builder().baseUrl(baseUrl).accountId(account).apiToken(token)
        .connectTimeout(millis(operand, "connectTimeoutMillis", D1ClientConfig.DEFAULT_CONNECT_TIMEOUT))
        .readTimeout(millis(operand, "readTimeoutMillis", D1ClientConfig.DEFAULT_READ_TIMEOUT))
        .callTimeout(millis(operand, "callTimeoutMillis", D1ClientConfig.DEFAULT_CALL_TIMEOUT))
        .maxAttempts((int) number(operand, "maxAttempts", D1ClientConfig.DEFAULT_MAX_ATTEMPTS, 1,
            D1ClientConfig.MAX_ATTEMPTS_LIMIT))
        .retryBaseDelay(retryBaseDelay).retryMaxDelay(retryMaxDelay)
        .maxRetryAfter(Duration.ofSeconds(number(operand, "maxRetryAfterSeconds",
            D1ClientConfig.DEFAULT_MAX_RETRY_AFTER.toSeconds(), 0, 3600)))
        .allowInsecureHttp(bool(operand, "allowInsecureHttp"));
    this.pageSize = (int) number(operand, "pageSize", DEFAULT_PAGE_SIZE, 1, 1_000_000);
    this.snapshotScans = bool(operand, "snapshotScans");
    this.catalogTtl = Duration.ofSeconds(
        number(operand, "catalogTtlSeconds", DEFAULT_CATALOG_TTL.toSeconds(), 0, Integer.MAX_VALUE));
    this.writeOptions = D1WriteOptions.fromOperand(operand);
    try {
      this.client = clientSettings.build();
    } catch (D1ClientConfig.InvalidSettingException e) {
      // What the operands above cannot rule out: a token that cannot go in an HTTP header, plain HTTP to another
      // machine. Those settings have the operands' names.
      throw new D1ConfigurationException(e.setting(), "Operand " + e.getMessage());
    }
  }

  /** Cloudflare's API host, the default {@code baseUrl}'s. */
  public static final String CLOUDFLARE_API_HOST = "api.cloudflare.com";
  /**
   * JVM system property: further hosts (comma-separated; {@code *} for any) the environment's API token may be sent
   * to. A system property, not an operand or a URL key: only the program or its operator can widen where the token
   * goes.
   */
  public static final String ENV_TOKEN_HOSTS = "calcite-d1.envTokenHosts";

  private static boolean envTokenMayGoTo(String host) {
    if (host.equals(CLOUDFLARE_API_HOST) || D1ClientConfig.isLoopback(host)) {
      return true;
    }
    for (String allowed : System.getProperty(ENV_TOKEN_HOSTS, "").split(",")) {
      if (allowed.trim().equals("*") || allowed.trim().equalsIgnoreCase(host)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The token's environment variable for a message: named when it looks like one (upper case, digits, {@code _}); a
   * token pasted into {@code apiTokenEnv} (mixed case) is not echoed.
   */
  private static String tokenVariable(Map<String, Object> operand, String tokenEnv) {
    if (!operand.containsKey("apiTokenEnv")) {
      return tokenEnv;
    }
    return tokenEnv.matches("[A-Z_][A-Z0-9_]*") ? tokenEnv + " (named by operand 'apiTokenEnv')"
        : "named by operand 'apiTokenEnv' (its value, not an upper-case variable name, is not shown: it could be a"
          + " secret)";
  }

  /** The host of an http(s) URL, lower case ("" when there is none). */
  private static String host(String url) {
    try {
      String h = java.net.URI.create(url).getHost();
      return h == null ? "" : h.toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  /** The write path's settings (readOnly, strictAtomicity, request budget); see docs/transactions.md. */
  public D1WriteOptions writeOptions() {
    return writeOptions;
  }

  /** Validates the operands of a model's schema; the environment supplies defaults for account and token. */
  public static D1SchemaConfig of(Map<String, Object> operand, Function<String, String> env) {
    return new D1SchemaConfig(operand, env);
  }

  /**
   * Whether this schema presents several databases as one ({@code databases} or {@code databasePattern}, see
   * {@link io.github.calcited1.rel.D1FanOutSchema}); {@link #database()} is then null.
   */
  public boolean isFanOut() {
    return database == null;
  }

  /** Operand {@code databases}: the databases' names or ids, in the model's order; empty if not given. */
  public List<String> databases() {
    return databases;
  }

  /**
   * Operand {@code databasePattern}: a name pattern in which {@code *} stands for any characters and {@code ?} for
   * one; null if not given.
   */
  public String databasePattern() {
    return databasePattern;
  }

  /** The name of the column that says which database a row of a fan-out table comes from. */
  public String databaseColumn() {
    return databaseColumn;
  }

  /** The most D1 requests one query sends at the same time when it reads several databases. */
  public int maxParallelRequests() {
    return maxParallelRequests;
  }

  /** This fan-out schema's settings for one of its databases (its name or id). */
  public D1SchemaConfig forDatabase(String nameOrId) {
    Map<String, Object> one = new java.util.HashMap<>(operand);
    one.remove("databases");
    one.remove("databasePattern");
    one.put("database", nameOrId);
    return new D1SchemaConfig(one, env);
  }

  /** The client's settings: URL, account, token, timeouts, retries. */
  public D1ClientConfig clientConfig() {
    return client;
  }

  public String baseUrl() {
    return client.baseUrl();
  }

  /** A SHA-256 digest of the token: tells tokens apart without revealing them. */
  public String tokenDigest() {
    return client.tokenDigest();
  }

  public String accountId() {
    return client.accountId();
  }

  /** The database's name or id, as given. */
  public String database() {
    return database;
  }

  /** Rows per request when a large scan is read page by page. */
  public int pageSize() {
    return pageSize;
  }

  /**
   * Whether a plain scan is read in one request (one statement: its rows as of one moment) rather than by keyset
   * pages, each of which sees the table as it is when that page is read (docs/pushdown.md).
   */
  public boolean snapshotScans() {
    return snapshotScans;
  }

  /** How long a catalog read from D1 is reused by new connections. */
  public Duration catalogTtl() {
    return catalogTtl;
  }

  @Override public String toString() {
    return "D1SchemaConfig{baseUrl=" + baseUrl() + ", accountId=" + accountId() + ", database="
        + (database != null ? database : databasePattern != null ? databasePattern : databases)
        + ", apiToken=<redacted>, readOnly=" + writeOptions.readOnly() + ", pageSize=" + pageSize
        + ", snapshotScans=" + snapshotScans + "}";
  }
}
