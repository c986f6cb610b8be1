package io.github.calcited1.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.calcited1.local.D1LocalServer;

/** Runs statements on a d1-local database through its REST API, as one batch (test fixture). */
final class LocalData {
  /** d1-local serves any account id. */
  static final String ACCOUNT_ID = "d1-local-account";

  private LocalData() {
  }

  static void exec(D1LocalServer server, String token, String database, String... statements)
      throws IOException, InterruptedException {
    List<Map<String, Object>> batch = new ArrayList<>();
    for (String sql : statements) {
      batch.add(Map.of("sql", sql));
    }
    HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/accounts/" + LocalData.ACCOUNT_ID
            + "/d1/database/" + server.databaseId(database) + "/query"))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(new ObjectMapper().writeValueAsBytes(Map.of("batch", batch))))
        .build();
    HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("d1-local: HTTP " + response.statusCode() + " " + response.body());
    }
  }
}
