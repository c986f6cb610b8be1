package io.github.calcited1.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Concurrent writers are serialised; large results arrive whole. */
class ConcurrencyAndStreamingTest extends D1LocalTestBase {
  @Test
  void concurrentWritersAllSucceed() throws Exception {
    execute("CREATE TABLE t (id INTEGER PRIMARY KEY, thread INTEGER, n INTEGER)");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> statuses = new ArrayList<>();
      for (int thread = 0; thread < 4; thread++) {
        int t = thread;
        for (int n = 0; n < 25; n++) {
          int i = n;
          statuses.add(pool.submit(() -> query("{\"batch\":[{\"sql\":\"INSERT INTO t (thread, n) VALUES (?, ?)\","
              + "\"params\":[" + t + "," + i + "]},{\"sql\":\"SELECT count(*) FROM t\"}]}").status()));
        }
      }
      for (Future<Integer> status : statuses) {
        assertEquals(200, status.get());
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals("[{\"n\":100,\"d\":100}]",
        firstResults(query("{\"sql\":\"SELECT count(*) AS n, count(DISTINCT thread * 100 + n) AS d FROM t\"}")));
  }

  @Test
  void largeRawResultArrivesWhole() throws Exception {
    execute("CREATE TABLE big (id INTEGER PRIMARY KEY, name TEXT, score REAL)");
    execute("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200000) "
        + "INSERT INTO big SELECT x, 'name-' || x, x * 0.5 FROM c");
    HttpRequest request = HttpRequest.newBuilder(URI.create(databaseUrl() + "/raw"))
        .header("Authorization", "Bearer " + TOKEN)
        .POST(HttpRequest.BodyPublishers.ofString("{\"sql\":\"SELECT * FROM big\"}")).build();
    HttpResponse<InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, response.statusCode());
    long length = response.headers().firstValueAsLong("Content-Length").orElseThrow();
    assertTrue(length > 4_000_000, "a result large enough to be spooled to disk: " + length);
    long rows = 0;
    byte[] tail = new byte[0];
    try (InputStream body = response.body()) {
      byte[] buffer = new byte[1 << 16];
      int read;
      while ((read = body.read(buffer)) > 0) {
        for (int i = 0; i < read; i++) {
          if (buffer[i] == ']') {
            rows++;
          }
        }
        tail = java.util.Arrays.copyOfRange(buffer, Math.max(0, read - 100), read);
      }
    }
    // one ']' per row, plus "columns", "rows", "result", "errors" and "messages"
    assertEquals(200_000 + 5, rows);
    assertTrue(new String(tail, java.nio.charset.StandardCharsets.UTF_8)
        .endsWith("[200000,\"name-200000\",100000]]}}],\"success\":true,\"errors\":[],\"messages\":[]}"));
  }
}
