package io.github.calcited1.schema;

import io.github.calcited1.client.D1ClientConfig;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The operands of a D1 schema in a Calcite model, validated. See docs/configuration.md.
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
      // many databases as one schema (D1FanOutSchema, docs/scaling.md)
      "databases", "databasePattern", "databaseColumn", "maxParallelRequests",
      // write path (io.github.calcited1.write.D1WriteOptions, docs/transactions.md)
      "strictAtomicity", "maxValueBytes", "maxStatementsPerRequest", "maxRequestBytes", "diagnoseFailedCommit",
      // reliability and transport (docs/reliability.md)
      "maxAttempts", "retryBaseDelayMillis", "retryMaxDelayMillis", "maxRetryAfterSeconds", "allowInsecureHttp",
      "commitLedger", "commitLedgerTable");

  /** Added to every custom schema's operand by Calcite's ModelHandler itself. */
  private static final Set<String> CALCITE_OPERANDS = Set.of("modelUri", "baseDirectory", "tables");

  private final String baseUrl;
  private final String accountId;
  private final String database;
  private final String apiToken;
  private final boolean readOnly;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final Duration callTimeout;
  private final int maxAttempts;
  private final Duration retryBaseDelay;
  private final Duration retryMaxDelay;
  private final Duration maxRetryAfter;
  private final boolean allowInsecureHttp;
  private final int pageSize;
  private final boolean snapshotScans;
  private final Duration catalogTtl;
  private final io.github.calcited1.write.D1WriteOptions writeOptions;
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
    this.baseUrl = text(operand, "baseUrl", D1ClientConfig.DEFAULT_BASE_URL);
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
    this.accountId = account;
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
    this.apiToken = token;
    this.readOnly = bool(operand, "readOnly");
    this.connectTimeout = millis(operand, "connectTimeoutMillis", D1ClientConfig.DEFAULT_CONNECT_TIMEOUT);
    this.readTimeout = millis(operand, "readTimeoutMillis", D1ClientConfig.DEFAULT_READ_TIMEOUT);
    this.callTimeout = millis(operand, "callTimeoutMillis", D1ClientConfig.DEFAULT_CALL_TIMEOUT);
    this.maxAttempts = (int) number(operand, "maxAttempts", D1ClientConfig.DEFAULT_MAX_ATTEMPTS, 1,
        D1ClientConfig.MAX_ATTEMPTS_LIMIT);
    this.retryBaseDelay = millis(operand, "retryBaseDelayMillis", D1ClientConfig.DEFAULT_RETRY_BASE_DELAY);
    this.retryMaxDelay = millis(operand, "retryMaxDelayMillis", D1ClientConfig.DEFAULT_RETRY_MAX_DELAY);
    if (retryMaxDelay.compareTo(retryBaseDelay) < 0) {
      throw new D1ConfigurationException("retryMaxDelayMillis", "Operand 'retryMaxDelayMillis' ("
          + retryMaxDelay.toMillis() + ") must not be less than 'retryBaseDelayMillis' (" + retryBaseDelay.toMillis()
          + ")");
    }
    this.maxRetryAfter = Duration.ofSeconds(number(operand, "maxRetryAfterSeconds",
        D1ClientConfig.DEFAULT_MAX_RETRY_AFTER.toSeconds(), 0, 3600));
    this.allowInsecureHttp = bool(operand, "allowInsecureHttp");
    this.pageSize = (int) number(operand, "pageSize", DEFAULT_PAGE_SIZE, 1, 1_000_000);
    this.snapshotScans = bool(operand, "snapshotScans");
    this.catalogTtl = Duration.ofSeconds(
        number(operand, "catalogTtlSeconds", DEFAULT_CATALOG_TTL.toSeconds(), 0, Integer.MAX_VALUE));
    try {
      this.writeOptions = io.github.calcited1.write.D1WriteOptions.fromOperand(operand);
    } catch (IllegalArgumentException e) {
      throw new D1ConfigurationException(writeOperand(String.valueOf(e.getMessage())), e.getMessage());
    }
    try {
      clientConfig();
    } catch (IllegalArgumentException e) {
      String m = String.valueOf(e.getMessage());
      throw new D1ConfigurationException(m.startsWith("apiToken") ? "apiToken" : "baseUrl",
          m.startsWith("apiToken") || m.startsWith("baseUrl") ? "Operand " + m : m);
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

  /**
   * An operand's value for a message: quoted when it cannot be an API token (shorter than 20 characters, or with
   * characters a token does not have), else only its length, so a token put in the wrong operand is never echoed.
   */
  public static String shown(Object value) {
    String v = String.valueOf(value);
    return v.length() < 20 || !v.matches("[A-Za-z0-9_-]+") ? "'" + v + "'"
        : "a value of " + v.length() + " characters (not shown: it could be a secret)";
  }

  /** The operand a write-option message is about (it starts with the name, quoted or not), else "writeOptions". */
  private static String writeOperand(String message) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(?:operand ')?([A-Za-z]+)").matcher(message);
    return m.find() && OPERANDS.contains(m.group(1)) ? m.group(1) : "writeOptions";
  }

  /** The write path's settings (readOnly, strictAtomicity, request budget); see docs/transactions.md. */
  public io.github.calcited1.write.D1WriteOptions writeOptions() {
    return writeOptions;
  }

  /** Validates the operands of a model's schema; the environment supplies defaults for account and token. */
  public static D1SchemaConfig of(Map<String, Object> operand, Function<String, String> env) {
    return new D1SchemaConfig(operand, env);
  }

  /**
   * Whether this schema presents several databases as one ({@code databases} or {@code databasePattern}, see
   * {@link D1FanOutSchema}); {@link #database()} is then null.
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

  public D1ClientConfig clientConfig() {
    return D1ClientConfig.builder().baseUrl(baseUrl).accountId(accountId).apiToken(apiToken)
        .connectTimeout(connectTimeout).readTimeout(readTimeout).callTimeout(callTimeout)
        .maxAttempts(maxAttempts).retryBaseDelay(retryBaseDelay).retryMaxDelay(retryMaxDelay)
        .maxRetryAfter(maxRetryAfter).allowInsecureHttp(allowInsecureHttp).build();
  }

  public String baseUrl() {
    return baseUrl;
  }

  /** A SHA-256 digest of the token: tells tokens apart without revealing them. */
  public String tokenDigest() {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
          .digest(apiToken.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(digest);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  public String accountId() {
    return accountId;
  }

  /** The database's name or id, as given. */
  public String database() {
    return database;
  }

  public boolean readOnly() {
    return readOnly;
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
    return "D1SchemaConfig{baseUrl=" + baseUrl + ", accountId=" + accountId + ", database="
        + (database != null ? database : databasePattern != null ? databasePattern : databases)
        + ", apiToken=<redacted>, readOnly=" + readOnly + ", pageSize=" + pageSize + ", snapshotScans="
        + snapshotScans + "}";
  }

  private static String text(Map<String, Object> operand, String key, String fallback) {
    Object v = operand.get(key);
    if (v == null) {
      return fallback == null || fallback.isBlank() ? null : fallback.trim();
    }
    if (!(v instanceof String) || ((String) v).isBlank()) {
      throw new D1ConfigurationException(key, "Operand '" + key + "' must be a non-empty string");
    }
    return ((String) v).trim();
  }

  /** A list of distinct non-empty strings: a JSON array, or one string of comma-separated names (a JDBC URL's). */
  private static List<String> textList(Map<String, Object> operand, String key) {
    Object v = operand.get(key);
    if (v == null) {
      return List.of();
    }
    List<?> items = v instanceof List<?> l ? l : List.of(v.toString().split(",", -1));
    List<String> names = new java.util.ArrayList<>();
    for (Object item : items) {
      if (!(item instanceof String s) || s.isBlank()) {
        throw new D1ConfigurationException(key, "Operand '" + key + "' must list database names or ids, not "
            + shown(item));
      }
      if (names.contains(s.trim())) {
        throw new D1ConfigurationException(key, "Operand '" + key + "' lists " + shown(s.trim()) + " twice");
      }
      names.add(s.trim());
    }
    if (names.isEmpty()) {
      throw new D1ConfigurationException(key, "Operand '" + key + "' must list at least one database");
    }
    return List.copyOf(names);
  }

  private static boolean bool(Map<String, Object> operand, String key) {
    Object v = operand.get(key);
    if (v == null || v instanceof Boolean) {
      return Boolean.TRUE.equals(v);
    }
    String s = v.toString().trim().toLowerCase(Locale.ROOT);
    if (s.equals("true") || s.equals("false")) {
      return s.equals("true");
    }
    throw new D1ConfigurationException(key, "Operand '" + key + "' must be true or false, not " + shown(v));
  }

  private static long number(Map<String, Object> operand, String key, long fallback, long min, long max) {
    Object v = operand.get(key);
    if (v == null) {
      return fallback;
    }
    long n;
    try {
      n = v instanceof Number num && num.doubleValue() == num.longValue()
          ? num.longValue() : Long.parseLong(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new D1ConfigurationException(key, "Operand '" + key + "' must be a whole number, not " + shown(v));
    }
    if (n < min || n > max) {
      throw new D1ConfigurationException(key, "Operand '" + key + "' must be between " + min + " and " + max
          + ", not " + n);
    }
    return n;
  }

  private static Duration millis(Map<String, Object> operand, String key, Duration fallback) {
    return operand.containsKey(key) ? Duration.ofMillis(number(operand, key, 0, 0, Integer.MAX_VALUE)) : fallback;
  }
}
