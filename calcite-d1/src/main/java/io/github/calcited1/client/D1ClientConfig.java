package io.github.calcited1.client;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import okhttp3.HttpUrl;

/**
 * Where and how to reach D1: base URL, account, API token, timeouts and the retry policy. Immutable; build with
 * {@link #builder()}.
 *
 * <p>The API token has no public getter and never appears in {@link #toString()}: configs get logged and printed,
 * tokens must not. Plain {@code http://} is accepted only for a loopback host (d1-local, a test server) unless
 * {@link Builder#allowInsecureHttp(boolean)} says otherwise, so the token never crosses a network unencrypted by
 * accident.
 *
 * <p>Retries (see docs/reliability.md): a request D1 certainly did not run (connection refused, HTTP 429) is sent
 * again, and so is a read after a 5xx, a broken connection, a timeout or a malformed/cut-short body, up to
 * {@link #maxAttempts()} attempts in all, with exponential backoff and full jitter between
 * {@link #retryBaseDelay()} and {@link #retryMaxDelay()}, or after the {@code Retry-After} D1 asked for (at most
 * {@link #maxRetryAfter()}). A write whose fate is unknown is never sent again here.
 */
public final class D1ClientConfig {
  /** Cloudflare's API root; {@code /accounts/{id}/d1/...} is appended to it. */
  public static final String DEFAULT_BASE_URL = "https://api.cloudflare.com/client/v4";
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /**
   * D1 caps a request at 30 s of work, so a healthy server starts answering within that; the margin covers the
   * network.
   */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(45);
  /**
   * The most one attempt may take, from connecting to the last byte of the answer (a streamed result: to the end of
   * its read-ahead, after which the application paces it). D1 resolves an API request within 30 s; the rest is for
   * sending up to 10 MB of COMMIT and receiving the answer. Without it, a server trickling its answer (one byte
   * before each {@link #DEFAULT_READ_TIMEOUT}) could hold a read or a COMMIT for hours.
   */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(90);
  public static final String DEFAULT_USER_AGENT = "calcite-d1";
  /** Attempts per request, the first included. */
  public static final int DEFAULT_MAX_ATTEMPTS = 4;
  public static final Duration DEFAULT_RETRY_BASE_DELAY = Duration.ofMillis(250);
  public static final Duration DEFAULT_RETRY_MAX_DELAY = Duration.ofSeconds(8);
  /**
   * The longest {@code Retry-After} waited for. Cloudflare blocks a token for 5 minutes once it made 1,200 requests
   * in 5 minutes; waiting that long inside a query is rarely what a user wants, so longer waits fail at once.
   */
  public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofSeconds(60);
  /** Upper bound of {@link #maxAttempts()}. */
  public static final int MAX_ATTEMPTS_LIMIT = 20;

  private final String baseUrl;
  private final HttpUrl parsedBaseUrl;
  private final String accountId;
  private final String apiToken;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final Duration callTimeout;
  private final String userAgent;
  private final int maxAttempts;
  private final Duration retryBaseDelay;
  private final Duration retryMaxDelay;
  private final Duration maxRetryAfter;
  private final boolean allowInsecureHttp;

  private D1ClientConfig(Builder b) {
    String url = Objects.requireNonNull(b.baseUrl, "baseUrl");
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    this.parsedBaseUrl = HttpUrl.parse(url);
    if (parsedBaseUrl == null) {
      throw new InvalidSettingException("baseUrl", "baseUrl is not an http(s) URL: " + url);
    }
    this.baseUrl = url;
    this.accountId = requireText(b.accountId, "accountId");
    this.apiToken = requireHeaderSafe(requireText(b.apiToken, "apiToken"));
    this.connectTimeout = requireTimeout(b.connectTimeout, "connectTimeout");
    this.readTimeout = requireTimeout(b.readTimeout, "readTimeout");
    this.callTimeout = requireTimeout(b.callTimeout, "callTimeout");
    this.userAgent = requireText(b.userAgent, "userAgent");
    if (b.maxAttempts < 1 || b.maxAttempts > MAX_ATTEMPTS_LIMIT) {
      throw new InvalidSettingException("maxAttempts", "maxAttempts must be between 1 (no retries) and "
          + MAX_ATTEMPTS_LIMIT + ", not " + b.maxAttempts);
    }
    this.maxAttempts = b.maxAttempts;
    this.retryBaseDelay = requireTimeout(b.retryBaseDelay, "retryBaseDelay");
    this.retryMaxDelay = requireTimeout(b.retryMaxDelay, "retryMaxDelay");
    if (retryMaxDelay.compareTo(retryBaseDelay) < 0) {
      throw new InvalidSettingException("retryMaxDelay", "retryMaxDelay (" + retryMaxDelay
          + ") must not be less than retryBaseDelay (" + retryBaseDelay + ")");
    }
    this.maxRetryAfter = requireTimeout(b.maxRetryAfter, "maxRetryAfter");
    this.allowInsecureHttp = b.allowInsecureHttp;
    if (!parsedBaseUrl.isHttps() && !allowInsecureHttp && !isLoopback(parsedBaseUrl.host())) {
      throw new InvalidSettingException("baseUrl", "baseUrl " + url + " is plain HTTP to " + parsedBaseUrl.host()
          + ", which is not this machine: the API token would cross the network unencrypted. Use https://, or set"
          + " allowInsecureHttp (operand allowInsecureHttp: true) if a trusted network requires plain HTTP.");
    }
  }

  /** localhost, 127.0.0.0/8 or ::1, judged from the text alone (no name lookup). */
  public static boolean isLoopback(String host) {
    String h = host.toLowerCase(java.util.Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return h.equals("localhost") || h.endsWith(".localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
        || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this config's values, to derive a variant. */
  public Builder toBuilder() {
    return new Builder()
        .baseUrl(baseUrl)
        .accountId(accountId)
        .apiToken(apiToken)
        .connectTimeout(connectTimeout)
        .readTimeout(readTimeout)
        .callTimeout(callTimeout)
        .userAgent(userAgent)
        .maxAttempts(maxAttempts)
        .retryBaseDelay(retryBaseDelay)
        .retryMaxDelay(retryMaxDelay)
        .maxRetryAfter(maxRetryAfter)
        .allowInsecureHttp(allowInsecureHttp);
  }

  /** The base URL without a trailing slash. */
  public String baseUrl() {
    return baseUrl;
  }

  public String accountId() {
    return accountId;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  public Duration readTimeout() {
    return readTimeout;
  }

  /** Zero means no limit on a whole call. */
  public Duration callTimeout() {
    return callTimeout;
  }

  public String userAgent() {
    return userAgent;
  }

  /** Attempts per request, the first included; 1 means no retries. */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** The first backoff's upper bound; each retry doubles it, up to {@link #retryMaxDelay()} (full jitter). */
  public Duration retryBaseDelay() {
    return retryBaseDelay;
  }

  public Duration retryMaxDelay() {
    return retryMaxDelay;
  }

  /** The longest {@code Retry-After} honoured; a longer one ends the retries at once. */
  public Duration maxRetryAfter() {
    return maxRetryAfter;
  }

  /** Whether plain HTTP to a host other than this machine is allowed. */
  public boolean allowInsecureHttp() {
    return allowInsecureHttp;
  }

  /** Package-private on purpose: only the client may see the token. */
  String apiToken() {
    return apiToken;
  }

  HttpUrl parsedBaseUrl() {
    return parsedBaseUrl;
  }

  @Override
  public String toString() {
    return "D1ClientConfig{baseUrl=" + baseUrl + ", accountId=" + accountId + ", apiToken=<redacted>"
        + ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout
        + ", callTimeout=" + callTimeout + ", userAgent=" + userAgent + ", maxAttempts=" + maxAttempts
        + ", retryBaseDelay=" + retryBaseDelay + ", retryMaxDelay=" + retryMaxDelay + ", maxRetryAfter="
        + maxRetryAfter + (allowInsecureHttp ? ", allowInsecureHttp=true" : "") + "}";
  }

  private static String requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new InvalidSettingException(name, name + " is required");
    }
    return value;
  }

  /** Checked here, because OkHttp would otherwise fail later, deep in a call. The message never quotes the token. */
  private static String requireHeaderSafe(String token) {
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new InvalidSettingException("apiToken", "apiToken contains whitespace or a non-ASCII character at index "
            + i + ", which cannot go in an HTTP header; was it copied with a line break?");
      }
    }
    return token;
  }

  private static Duration requireTimeout(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative()) {
      throw new InvalidSettingException(name, name + " must not be negative: " + value);
    }
    return value;
  }

  /** A SHA-256 digest of the token: tells tokens apart without revealing them. */
  public String tokenDigest() {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(apiToken.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  /** A setting {@link Builder#build()} refuses; {@link #setting()} names it, as the builder's method does. */
  public static final class InvalidSettingException extends IllegalArgumentException {
    private final String setting;

    InvalidSettingException(String setting, String message) {
      super(message);
      this.setting = setting;
    }

    public String setting() {
      return setting;
    }
  }

  /** Collects the options; {@link #build()} validates them. Not thread-safe. */
  public static final class Builder {
    private String baseUrl = DEFAULT_BASE_URL;
    private String accountId;
    private String apiToken;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration readTimeout = DEFAULT_READ_TIMEOUT;
    private Duration callTimeout = DEFAULT_CALL_TIMEOUT;
    private String userAgent = DEFAULT_USER_AGENT;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration retryBaseDelay = DEFAULT_RETRY_BASE_DELAY;
    private Duration retryMaxDelay = DEFAULT_RETRY_MAX_DELAY;
    private Duration maxRetryAfter = DEFAULT_MAX_RETRY_AFTER;
    private boolean allowInsecureHttp;

    private Builder() {}

    /** Attempts per request, the first included (1 to 20; 1 turns retries off). */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** The first backoff's upper bound (doubled per retry, full jitter). */
    public Builder retryBaseDelay(Duration retryBaseDelay) {
      this.retryBaseDelay = retryBaseDelay;
      return this;
    }

    /** The largest backoff between two attempts. */
    public Builder retryMaxDelay(Duration retryMaxDelay) {
      this.retryMaxDelay = retryMaxDelay;
      return this;
    }

    /** The longest {@code Retry-After} honoured; a longer one ends the retries at once. */
    public Builder maxRetryAfter(Duration maxRetryAfter) {
      this.maxRetryAfter = maxRetryAfter;
      return this;
    }

    /** Allow {@code http://} to hosts other than this machine (the token then travels unencrypted). */
    public Builder allowInsecureHttp(boolean allowInsecureHttp) {
      this.allowInsecureHttp = allowInsecureHttp;
      return this;
    }

    public Builder baseUrl(String baseUrl) {
      this.baseUrl = baseUrl;
      return this;
    }

    public Builder accountId(String accountId) {
      this.accountId = accountId;
      return this;
    }

    public Builder apiToken(String apiToken) {
      this.apiToken = apiToken;
      return this;
    }

    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
      return this;
    }

    /** The longest wait for the next bytes of a response (or for the first ones). Zero means none. */
    public Builder readTimeout(Duration readTimeout) {
      this.readTimeout = readTimeout;
      return this;
    }

    /** The longest a whole call may take, streaming the result included. Zero means none. */
    public Builder callTimeout(Duration callTimeout) {
      this.callTimeout = callTimeout;
      return this;
    }

    public Builder userAgent(String userAgent) {
      this.userAgent = userAgent;
      return this;
    }

    /**
     * @throws InvalidSettingException if accountId or apiToken is missing, baseUrl is not an http(s) URL (or is
     *     plain HTTP to another machine without allowInsecureHttp), a timeout is negative or the retry settings are
     *     out of range
     */
    public D1ClientConfig build() {
      return new D1ClientConfig(this);
    }

    @Override
    public String toString() {
      return "D1ClientConfig.Builder{baseUrl=" + baseUrl + ", accountId=" + accountId + ", apiToken=<redacted>}";
    }
  }
}
