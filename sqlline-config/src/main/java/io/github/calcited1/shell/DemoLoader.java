package io.github.calcited1.shell;

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

/** Loads statements into a d1-local database through d1-local's own REST API (batches of 20 statements). */
public final class DemoLoader {
  /** d1-local serves any account id; this one is what the demo's model and the tests use. */
  public static final String ACCOUNT_ID = "d1-local-account";

  private DemoLoader() {
  }

  public static void load(D1LocalServer server, String token, String database, List<String> statements)
      throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    ObjectMapper json = new ObjectMapper();
    URI uri = URI.create(server.baseUrl() + "/accounts/" + DemoLoader.ACCOUNT_ID + "/d1/database/"
        + server.databaseId(database) + "/query");
    for (int i = 0; i < statements.size(); i += 20) {
      List<Map<String, Object>> batch = new ArrayList<>();
      for (String sql : statements.subList(i, Math.min(statements.size(), i + 20))) {
        batch.add(Map.of("sql", sql));
      }
      HttpRequest request = HttpRequest.newBuilder(uri)
          .header("Authorization", "Bearer " + token)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(Map.of("batch", batch))))
          .build();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IOException("d1-local refused the data: HTTP " + response.statusCode() + " " + response.body());
      }
    }
  }
}
