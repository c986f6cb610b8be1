package io.github.calcited1.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/** A MockWebServer standing in for D1, with a client pointed at it. Close it after each test. */
final class MockD1 implements AutoCloseable {
  static final String TOKEN = "tok_S3CRET-abcdef0123456789";
  static final String ACCOUNT = "acc0123";
  static final String DB = "6b4e7b2c-1c9d-4f44-9b8e-0d3f3a2c1e55";

  final MockWebServer server = new MockWebServer();
  final D1Client client;

  MockD1() {
    this(Duration.ofSeconds(10));
  }

  MockD1(Duration readTimeout) {
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    client = new D1Client(config().readTimeout(readTimeout).build());
  }

  D1ClientConfig.Builder config() {
    return D1ClientConfig.builder()
        .baseUrl(server.url("/client/v4").toString())
        .accountId(ACCOUNT)
        .apiToken(TOKEN)
        // One response per call, as these tests enqueue them; retries have their own tests (reliability/).
        .maxAttempts(1)
        .userAgent("calcite-d1-test");
  }

  MockD1 answer(int code, String body) {
    server.enqueue(new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json")
        .body(body).build());
    return this;
  }

  MockD1 answer(MockResponse response) {
    server.enqueue(response);
    return this;
  }

  RecordedRequest request() {
    try {
      return server.takeRequest();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A /raw success envelope with one result, in local D1's key order (meta before results). */
  static String localEnvelope(String columns, String rows) {
    return "{\"result\":[{\"success\":true,\"meta\":{\"served_by\":\"miniflare.db\",\"duration\":1,\"changes\":0,"
        + "\"last_row_id\":2,\"changed_db\":false,\"size_after\":12288,\"rows_read\":2,\"rows_written\":0},"
        + "\"results\":{\"columns\":" + columns + ",\"rows\":" + rows + "}}],"
        + "\"success\":true,\"errors\":[],\"messages\":[]}";
  }

  /** A D1 error envelope as real D1 sends it. */
  static String errorEnvelope(int code, String message) {
    return "{\"result\":[],\"success\":false,\"errors\":[{\"code\":" + code + ",\"message\":\""
        + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}],\"messages\":[]}";
  }

  @Override
  public void close() {
    server.close();
  }
}
