package io.github.calcited1.client;

import java.time.Duration;
import java.util.Objects;
import okhttp3.HttpUrl;

/**
 * Where and how to reach D1: base URL, account, API token and timeouts. Immutable; build with {@link #builder()}.
 *
 * <p>The API token has no public getter and never appears in {@link #toString()}: configs get logged and printed,
 * tokens must not.
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
  /** Zero means none: a whole call includes streaming the result, which may legitimately take long. */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ZERO;
  public static final String DEFAULT_USER_AGENT = "calcite-d1";

  private final String baseUrl;
  private final HttpUrl parsedBaseUrl;
  private final String accountId;
  private final String apiToken;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final Duration callTimeout;
  private final String userAgent;

  private D1ClientConfig(Builder b) {
    String url = Objects.requireNonNull(b.baseUrl, "baseUrl");
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    this.parsedBaseUrl = HttpUrl.parse(url);
    if (parsedBaseUrl == null) {
      throw new IllegalArgumentException("baseUrl is not an http(s) URL: " + url);
    }
    this.baseUrl = url;
    this.accountId = requireText(b.accountId, "accountId");
    this.apiToken = requireHeaderSafe(requireText(b.apiToken, "apiToken"));
    this.connectTimeout = requireTimeout(b.connectTimeout, "connectTimeout");
    this.readTimeout = requireTimeout(b.readTimeout, "readTimeout");
    this.callTimeout = requireTimeout(b.callTimeout, "callTimeout");
    this.userAgent = requireText(b.userAgent, "userAgent");
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
        .userAgent(userAgent);
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
        + ", callTimeout=" + callTimeout + ", userAgent=" + userAgent + "}";
  }

  private static String requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " is required");
    }
    return value;
  }

  /** Checked here, because OkHttp would otherwise fail later, deep in a call. The message never quotes the token. */
  private static String requireHeaderSafe(String token) {
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new IllegalArgumentException("apiToken contains whitespace or a non-ASCII character at index " + i
            + ", which cannot go in an HTTP header; was it copied with a line break?");
      }
    }
    return token;
  }

  private static Duration requireTimeout(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative: " + value);
    }
    return value;
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

    private Builder() {}

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
     * @throws IllegalArgumentException if accountId or apiToken is missing, baseUrl is not an http(s) URL or a
     *     timeout is negative
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
