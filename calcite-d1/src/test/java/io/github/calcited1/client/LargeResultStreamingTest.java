package io.github.calcited1.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.calcited1.testing.D1LocalExtension;
import java.io.InputStream;
import java.time.Duration;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The "done when": a 1,000,000-row /raw result from d1-local is read with a flat heap. Used heap after GC is
 * sampled while iterating; its growth must stay far below the response size, which only holds if rows are parsed
 * off the socket one at a time. The server runs in this JVM but spools its result to a file before answering, so
 * it adds nothing to the heap while the client reads.
 */
class LargeResultStreamingTest {
  @RegisterExtension static final D1LocalExtension D1 = new D1LocalExtension("shop");
  private static final int ROWS = 1_000_000;
  private static final String SQL = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < "
      + ROWS + ") SELECT x AS id, 'row-' || x AS name, x * 0.5 AS half FROM c";
  /**
   * Growth allowed: parser buffers, OkHttp segments, GC noise. The response is ~30 MB; held as Java objects its rows
   * would take several times that.
   */
  private static final long MAX_GROWTH = 4L << 20;
  /**
   * d1-local builds and spools the whole million-row answer before its first byte: on a loaded machine that takes
   * far longer than OkHttp's 10 s default read timeout or the client's defaults, which are about D1, not this test.
   */
  private static final Duration PATIENCE = Duration.ofMinutes(10);

  @Test
  void millionRowsWithFlatHeap() throws Exception {
    D1Client client = new D1Client(D1ClientConfig.builder().baseUrl(D1.baseUrl()).accountId(D1.accountId())
        .apiToken(D1.token()).readTimeout(PATIENCE).callTimeout(PATIENCE).build());
    String db = client.resolveDatabaseId("shop");
    long responseBytes = responseSize(D1.baseUrl() + "/accounts/" + D1.accountId() + "/d1/database/" + db + "/raw");

    long baseline = usedHeapAfterGc();
    long maxUsed = baseline;
    long count = 0;
    long idSum = 0;
    long start = System.nanoTime();
    try (D1Cursor cursor = client.query(db, D1Statement.of(SQL))) {
      while (cursor.next()) {
        Object[] row = cursor.row();
        idSum += (Long) row[0];
        if (++count % 100_000 == 0) {
          maxUsed = Math.max(maxUsed, usedHeapAfterGc());
        }
      }
      assertNotNull(cursor.meta());
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(ROWS, count);
    assertEquals((long) ROWS * (ROWS + 1) / 2, idSum);
    long growth = maxUsed - baseline;
    System.out.printf("1,000,000-row /raw read: response %,d bytes, heap baseline %,d bytes, max used during"
        + " iteration %,d bytes, growth %,d bytes, %,d ms%n", responseBytes, baseline, maxUsed, growth, millis);
    assertTrue(responseBytes > 4 * MAX_GROWTH, "response only " + responseBytes + " bytes");
    assertTrue(growth < MAX_GROWTH, "heap grew by " + growth + " bytes while streaming " + responseBytes);
  }

  /** The body size, counted on a separate plain request so the measured read stays untouched. */
  private static long responseSize(String url) throws Exception {
    Request request = new Request.Builder().url(url).header("Authorization", "Bearer " + D1.token())
        .post(RequestBody.create("{\"sql\":\"" + SQL + "\"}", MediaType.get("application/json"))).build();
    OkHttpClient http = new OkHttpClient.Builder().readTimeout(PATIENCE).callTimeout(PATIENCE).build();
    try (Response response = http.newCall(request).execute()) {
      assertEquals(200, response.code());
      long n = 0;
      byte[] buf = new byte[1 << 16];
      try (InputStream in = response.body().byteStream()) {
        for (int r = in.read(buf); r >= 0; r = in.read(buf)) {
          n += r;
        }
      }
      return n;
    }
  }

  private static long usedHeapAfterGc() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 2; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
