package io.github.calcited1.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Validation of a D1 schema's operands: each bad operand is named, with how to fix it. No server. */
class D1SchemaConfigTest {
  private static final String TOKEN = "s3cret-token-value";
  private static final Map<String, String> NO_ENV = Map.of();
  /** A Cloudflare account id has 32 hexadecimal digits. */
  private static final String ACCOUNT = "0123456789abcdef0123456789ABCDEF";

  private static Map<String, Object> good() {
    Map<String, Object> m = new HashMap<>();
    m.put("database", "shop");
    m.put("accountId", ACCOUNT);
    m.put("apiToken", TOKEN);
    return m;
  }

  private static D1ConfigurationException fails(Map<String, Object> operand, Map<String, String> env) {
    D1ConfigurationException e = assertThrows(D1ConfigurationException.class,
        () -> D1SchemaConfig.of(operand, env::get));
    assertFalse(e.getMessage().contains(TOKEN), "the token never appears: " + e.getMessage());
    return e;
  }

  static Stream<Arguments> badOperands() {
    return Stream.of(
        Arguments.of("pagesize", 10, "Unknown D1 schema operand 'pagesize'"),
        Arguments.of("baseUrl", "ftp://example.com", "must be an http(s) URL"),
        Arguments.of("database", "  ", "must be a non-empty string"),
        Arguments.of("database", 42, "must be a non-empty string"),
        Arguments.of("accountId", "", "must be a non-empty string"),
        Arguments.of("apiToken", "", "must be a non-empty string"),
        Arguments.of("readOnly", "yes", "must be true or false, not 'yes'"),
        Arguments.of("allowInsecureHttp", "maybe", "must be true or false"),
        Arguments.of("connectTimeoutMillis", "soon", "must be a whole number, not 'soon'"),
        Arguments.of("readTimeoutMillis", -1, "must be between 0 and"),
        Arguments.of("callTimeoutMillis", 1.5, "must be a whole number"),
        Arguments.of("pageSize", "many", "Operand 'pageSize' must be a whole number, not 'many'"),
        Arguments.of("pageSize", 0, "must be between 1 and 1000000, not 0"),
        Arguments.of("catalogTtlSeconds", -5, "must be between 0 and"),
        Arguments.of("maxAttempts", 0, "'maxAttempts' must be between 1 and"),
        Arguments.of("maxRetryAfterSeconds", 99_999, "must be between 0 and 3600"),
        Arguments.of("retryMaxDelayMillis", 1, "must not be less than 'retryBaseDelayMillis'"),
        // One reader for every operand (D1Operands): the write path's operands take the same forms as the rest.
        Arguments.of("strictAtomicity", "yes", "Operand 'strictAtomicity' must be true or false, not 'yes'"),
        Arguments.of("commitLedger", "1", "Operand 'commitLedger' must be true or false, not '1'"),
        Arguments.of("diagnoseFailedCommit", 0, "Operand 'diagnoseFailedCommit' must be true or false, not '0'"),
        Arguments.of("maxValueBytes", 1500.7, "Operand 'maxValueBytes' must be a whole number, not '1500.7'"),
        Arguments.of("maxValueBytes", 10, "Operand 'maxValueBytes' must be between 1000 and 2000000, not 10"),
        Arguments.of("maxStatementsPerRequest", "1_000",
            "Operand 'maxStatementsPerRequest' must be a whole number, not '1_000'"),
        Arguments.of("maxStatementsPerRequest", 0, "Operand 'maxStatementsPerRequest' must be 1 or more, not 0"),
        Arguments.of("maxRequestBytes", "1e7", "Operand 'maxRequestBytes' must be a whole number, not '1e7'"),
        Arguments.of("maxRequestBytes", 1, "Operand 'maxRequestBytes' must be at least maxValueBytes + 100000"),
        Arguments.of("commitLedgerTable", "_cf_x", "Operand 'commitLedgerTable' must be a table name that D1"),
        Arguments.of("pageSize", 10.5, "Operand 'pageSize' must be a whole number, not '10.5'"));
  }

  @ParameterizedTest(name = "{0} = {1}")
  @MethodSource("badOperands")
  void badOperandIsNamed(String operand, Object value, String message) {
    Map<String, Object> m = good();
    m.put(operand, value);
    D1ConfigurationException e = fails(m, NO_ENV);
    assertEquals(operand, e.operand(), e.getMessage());
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test void writeOperandsAreNamedInTheMessage() {
    for (Object[] c : new Object[][] {{"strictAtomicity", "perhaps"}, {"maxValueBytes", 10},
        {"maxStatementsPerRequest", 0}}) {
      Map<String, Object> m = good();
      m.put((String) c[0], c[1]);
      D1ConfigurationException e = fails(m, NO_ENV);
      assertEquals(c[0], e.operand(), e.getMessage());
      assertTrue(e.getMessage().contains((String) c[0]), e.getMessage());
    }
  }

  /** What only the client's settings check is still reported against the operand, by the setting's name. */
  @Test void clientSettingErrorsNameTheOperand() {
    Map<String, Object> m = good();
    m.put("apiToken", TOKEN.substring(0, 10) + "\n" + TOKEN.substring(10)); // pasted with a line break
    D1ConfigurationException e = fails(m, NO_ENV);
    assertEquals("apiToken", e.operand());
    assertTrue(e.getMessage().startsWith("Operand apiToken contains whitespace"), e.getMessage());
    m = good();
    m.put("baseUrl", "http://d1.example.com/client/v4");
    e = fails(m, NO_ENV);
    assertEquals("baseUrl", e.operand());
    assertTrue(e.getMessage().contains("is plain HTTP") && e.getMessage().contains("allowInsecureHttp"),
        e.getMessage());
  }

  @Test void missingDatabase() {
    Map<String, Object> m = good();
    m.remove("database");
    D1ConfigurationException e = fails(m, NO_ENV);
    assertEquals("database", e.operand());
    assertTrue(e.getMessage().contains("wrangler d1 list"), e.getMessage());
  }

  /** Several databases as one schema: exactly one of database, databases, databasePattern; a clean list. */
  @Test void fanOutOperands() {
    Map<String, Object> m = good();
    m.remove("database");
    m.put("databases", List.of("eu", "us"));
    D1SchemaConfig config = D1SchemaConfig.of(m, NO_ENV::get);
    assertTrue(config.isFanOut());
    assertEquals(List.of("eu", "us"), config.databases());
    assertEquals("_database", config.databaseColumn());
    assertEquals(50, config.maxParallelRequests());
    assertEquals("us", config.forDatabase("us").database());
    assertFalse(config.forDatabase("us").isFanOut());
    m.put("databases", "eu, us"); // a connect string's form
    assertEquals(List.of("eu", "us"), D1SchemaConfig.of(m, NO_ENV::get).databases());

    m.put("databases", List.of("eu", "eu"));
    assertTrue(fails(m, NO_ENV).getMessage().contains("lists 'eu' twice"));
    m.put("databases", List.of());
    assertEquals("databases", fails(m, NO_ENV).operand());
    m.put("databases", List.of("eu", 7));
    assertTrue(fails(m, NO_ENV).getMessage().contains("must list database names or ids, not '7'"));
    m.put("databases", List.of("eu"));
    m.put("database", "shop");
    assertTrue(fails(m, NO_ENV).getMessage().contains("Give only one of the operands 'database'"));
    m.remove("database");
    m.put("maxParallelRequests", 0);
    assertEquals("maxParallelRequests", fails(m, NO_ENV).operand());
    m.remove("maxParallelRequests");
    m.remove("databases");
    m.put("databasePattern", "tenant_*");
    assertEquals("tenant_*", D1SchemaConfig.of(m, NO_ENV::get).databasePattern());
    m.put("databasePattern", " ");
    assertEquals("databasePattern", fails(m, NO_ENV).operand());
  }

  @Test void missingAccountNamesTheEnvironmentVariable() {
    Map<String, Object> m = good();
    m.remove("accountId");
    D1ConfigurationException e = fails(m, NO_ENV);
    assertEquals("accountId", e.operand());
    assertTrue(e.getMessage().contains(D1SchemaConfig.ACCOUNT_ENV), e.getMessage());
  }

  @Test void missingTokenNamesTheEnvironmentVariable() {
    Map<String, Object> m = good();
    m.remove("apiToken");
    D1ConfigurationException e = fails(m, NO_ENV);
    assertEquals("apiToken", e.operand());
    assertTrue(e.getMessage().contains(D1SchemaConfig.DEFAULT_TOKEN_ENV), e.getMessage());
    m.put("apiTokenEnv", "MY_D1_TOKEN");
    e = fails(m, NO_ENV);
    assertTrue(e.getMessage().contains("MY_D1_TOKEN") && e.getMessage().contains("apiTokenEnv"), e.getMessage());
  }

  @Test void environmentSuppliesAccountAndToken() {
    Map<String, Object> m = good();
    m.remove("accountId");
    m.remove("apiToken");
    m.put("apiTokenEnv", "MY_D1_TOKEN");
    D1SchemaConfig c = D1SchemaConfig.of(m, Map.of(D1SchemaConfig.ACCOUNT_ENV, "fedcba9876543210fedcba9876543210",
        "MY_D1_TOKEN", TOKEN)::get);
    assertEquals("fedcba9876543210fedcba9876543210", c.accountId());
    assertEquals(D1SchemaConfig.of(good(), NO_ENV::get).tokenDigest(), c.tokenDigest());
  }

  @Test void defaultsAndCalciteOwnOperands() {
    Map<String, Object> m = good();
    m.put("modelUri", "inline:...");
    m.put("baseDirectory", "/tmp");
    D1SchemaConfig c = D1SchemaConfig.of(m, NO_ENV::get);
    assertEquals("shop", c.database());
    assertEquals(D1SchemaConfig.DEFAULT_PAGE_SIZE, c.pageSize());
    assertEquals(D1SchemaConfig.DEFAULT_CATALOG_TTL, c.catalogTtl());
    assertFalse(c.writeOptions().readOnly());
    assertFalse(c.toString().contains(TOKEN), c.toString());
    assertFalse(c.tokenDigest().contains(TOKEN));
  }

  @Test void valuesAsStringsOrNumbers() {
    Map<String, Object> m = good();
    m.put("pageSize", "500");
    m.put("catalogTtlSeconds", 0);
    m.put("readOnly", "TRUE");
    m.put("strictAtomicity", " false ");
    m.put("commitLedger", true);
    m.put("maxValueBytes", 1500.0); // a JSON number without a fraction, as a model's parser may give it
    m.put("maxStatementsPerRequest", "250");
    D1SchemaConfig c = D1SchemaConfig.of(m, NO_ENV::get);
    assertEquals(500, c.pageSize());
    assertEquals(Duration.ZERO, c.catalogTtl());
    assertTrue(c.writeOptions().readOnly());
    assertFalse(c.writeOptions().strictAtomicity());
    assertTrue(c.writeOptions().commitLedger());
    assertEquals(1500, c.writeOptions().maxValueBytes());
    assertEquals(250, c.writeOptions().maxStatementsPerRequest());
  }

  /** A token put in the wrong operand is never echoed; ordinary bad values still are. */
  @Test void valuesThatCouldBeTokensAreNotEchoed() {
    String token = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-Xy"; // the shape of a Cloudflare API token
    for (String operand : List.of("pageSize", "readOnly", "baseUrl", "accountId", "strictAtomicity",
        "maxValueBytes")) {
      Map<String, Object> m = good();
      m.put(operand, token);
      D1ConfigurationException e = fails(m, NO_ENV);
      assertFalse(e.getMessage().contains(token), operand + ": " + e.getMessage());
      assertTrue(e.getMessage().contains("40 characters (not shown"), operand + ": " + e.getMessage());
    }
    Map<String, Object> m = good();
    m.remove("apiToken");
    m.put("apiTokenEnv", token);
    D1ConfigurationException e = fails(m, NO_ENV);
    assertFalse(e.getMessage().contains(token), e.getMessage());
    assertEquals("'many'", D1Operands.shown("many"));
    assertEquals("'http://x y'", D1Operands.shown("http://x y"));
  }

  /** The environment's token goes only to Cloudflare's API host or loopback, unless the program allows a host. */
  @Test void environmentTokenIsSentOnlyToTrustedHosts() {
    Map<String, Object> m = good();
    m.remove("apiToken");
    Map<String, String> env = Map.of(D1SchemaConfig.DEFAULT_TOKEN_ENV, TOKEN);
    assertEquals(D1SchemaConfig.CLOUDFLARE_API_HOST, java.net.URI.create(D1SchemaConfig.of(m, env::get).baseUrl())
        .getHost());
    for (String local : List.of("http://127.0.0.1:8787/client/v4", "http://localhost:1/client/v4",
        "http://[::1]:2/client/v4")) {
      m.put("baseUrl", local);
      assertEquals(local, D1SchemaConfig.of(m, env::get).baseUrl());
    }
    m.put("baseUrl", "https://d1-proxy.example.com/client/v4");
    D1ConfigurationException e = fails(m, env);
    assertEquals("baseUrl", e.operand());
    assertTrue(e.getMessage().contains(D1SchemaConfig.ENV_TOKEN_HOSTS)
        && e.getMessage().contains("d1-proxy.example.com"), e.getMessage());
    m.put("apiToken", TOKEN); // a token given explicitly goes where its giver says
    assertEquals("https://d1-proxy.example.com/client/v4", D1SchemaConfig.of(m, env::get).baseUrl());
    m.remove("apiToken");
    System.setProperty(D1SchemaConfig.ENV_TOKEN_HOSTS, "other.example.com, D1-PROXY.example.com");
    try {
      assertEquals("https://d1-proxy.example.com/client/v4", D1SchemaConfig.of(m, env::get).baseUrl());
    } finally {
      System.clearProperty(D1SchemaConfig.ENV_TOKEN_HOSTS);
    }
  }

  @Test void cloudflareAccountIdMustLookLikeOne() {
    Map<String, Object> m = good();
    m.put("accountId", "my-account");
    D1ConfigurationException e = fails(m, NO_ENV);
    assertEquals("accountId", e.operand());
    assertTrue(e.getMessage().contains("32 hexadecimal digits"), e.getMessage());
    m.put("baseUrl", "http://127.0.0.1:8787/client/v4"); // d1-local takes any account id
    assertEquals("my-account", D1SchemaConfig.of(m, NO_ENV::get).accountId());
  }
}
