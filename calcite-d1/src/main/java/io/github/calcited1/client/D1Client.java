package io.github.calcited1.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Talks to D1's REST API: statements and batches through {@code POST .../d1/database/{id}/raw}, and database names
 * through {@code GET .../d1/database?name=}. The only code in the project that knows HTTP and JSON.
 *
 * <p>Always {@code /raw}: unlike {@code /query} it keeps duplicate column names and reports columns for empty
 * results. Thread-safe; create one per configuration and share it. All clients share one OkHttp connection pool.
 */
public final class D1Client {
  private static final Logger LOG = LoggerFactory.getLogger(D1Client.class);
  private static final MediaType JSON_TYPE = MediaType.get("application/json; charset=utf-8");
  /** Thread-safe and costly to build, so one for all clients. */
  private static final JsonFactory JSON = new JsonFactory();
  private static final Pattern UUID = Pattern.compile(
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  /** Cloudflare's page size maximum for the database list. */
  private static final int LIST_PAGE_SIZE = 100;

  private final D1ClientConfig config;
  private final OkHttpClient http;
  private final ErrorMapper errors;
  private final RequestJson requests;

  public D1Client(D1ClientConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.http = SharedHttp.CLIENT.newBuilder()
        .connectTimeout(config.connectTimeout())
        .readTimeout(config.readTimeout())
        .writeTimeout(config.readTimeout())
        .callTimeout(config.callTimeout())
        .build();
    this.errors = new ErrorMapper(config, new TokenScrubber(config.apiToken()), JSON);
    this.requests = new RequestJson(JSON);
  }

  public D1ClientConfig config() {
    return config;
  }

  /**
   * The id of a database given its id or name. A UUID is returned as is, without a request; anything else is looked
   * up by exact name in the account's database list (all pages).
   *
   * @throws D1DatabaseNotFoundException if no database has that name
   * @throws D1Exception if several have it, or the list cannot be read
   */
  public String resolveDatabaseId(String nameOrId) throws D1Exception {
    Objects.requireNonNull(nameOrId, "nameOrId");
    if (UUID.matcher(nameOrId).matches()) {
      return nameOrId;
    }
    List<String> ids = new ArrayList<>();
    int seen = 0;
    for (int page = 1; ; page++) {
      HttpUrl url = databasesUrl().newBuilder()
          .addQueryParameter("name", nameOrId)
          .addQueryParameter("page", Integer.toString(page))
          .addQueryParameter("per_page", Integer.toString(LIST_PAGE_SIZE))
          .build();
      DatabasePage listed;
      try (Response response = send(request(url).get().build(), "list databases")) {
        listed = readDatabasePage(response, nameOrId, ids);
      }
      seen += listed.count;
      // Stop on an empty page too, so a server that misreports total_count cannot loop us forever.
      if (listed.count == 0 || seen >= listed.totalCount) {
        break;
      }
    }
    if (ids.isEmpty()) {
      String said = "No D1 database is named '" + nameOrId + "' in account " + config.accountId();
      throw new D1DatabaseNotFoundException(said + ". Check the name (wrangler d1 list shows them), or pass the"
          + " database id, and check the account id.", "3D000", 200, 0, said, null);
    }
    if (ids.size() > 1) {
      String said = "Several D1 databases are named '" + nameOrId + "' in account " + config.accountId() + ": " + ids;
      throw new D1Exception(said + ". Pass the database id instead of the name.", "3D000", 200, 0, said, null);
    }
    return ids.get(0);
  }

  /**
   * Runs one statement and streams its rows. The caller must close the cursor.
   *
   * @throws D1Exception if D1 refuses the statement or cannot be reached; errors while streaming come from
   *     {@link D1Cursor#next()}
   */
  public D1Cursor query(String databaseId, D1Statement statement) throws D1Exception {
    Objects.requireNonNull(statement, "statement");
    Response response = send(raw(databaseId, requests.single(statement), 1), "statement");
    return RawCursor.open(response, JSON, errors);
  }

  /** Runs one statement and reads its whole result; for results known to be small. */
  public D1Result execute(String databaseId, D1Statement statement) throws D1Exception {
    try (D1Cursor cursor = query(databaseId, statement)) {
      List<Object[]> rows = new ArrayList<>();
      while (cursor.next()) {
        rows.add(cursor.row());
      }
      return new D1Result(cursor.columns(), rows, cursor.meta());
    }
  }

  /**
   * Runs statements as one D1 batch: atomically, so either all are applied or none (D1 then reports the failing
   * statement's error). Results are read whole, one per statement, in order. An empty list sends nothing.
   */
  public List<D1Result> batch(String databaseId, List<D1Statement> statements) throws D1Exception {
    Objects.requireNonNull(statements, "statements");
    if (statements.isEmpty()) {
      return List.of();
    }
    List<D1Result> results = new ArrayList<>(statements.size());
    try (Response response = send(raw(databaseId, requests.batch(statements), statements.size()), "batch")) {
      try (RawReader reader = new RawReader(JSON.createParser(response.body().byteStream()), response.code(),
          errors)) {
        reader.openEnvelope();
        while (reader.nextResult()) {
          List<Object[]> rows = new ArrayList<>();
          for (Object[] row = reader.nextRow(); row != null; row = reader.nextRow()) {
            rows.add(row);
          }
          results.add(new D1Result(reader.columns(), rows, reader.meta()));
        }
        reader.closeEnvelope();
      } catch (IOException e) {
        throw errors.fromRead(e, response.code());
      }
      if (results.size() != statements.size()) {
        throw errors.malformed(response.code(), "D1 applied the batch of " + statements.size()
            + " statements but answered with " + results.size() + " results; put one statement in each entry", null);
      }
    }
    return results;
  }

  @Override
  public String toString() {
    return "D1Client{" + config + "}";
  }

  private Request raw(String databaseId, ByteString body, int statements) {
    Objects.requireNonNull(databaseId, "databaseId");
    HttpUrl url = databasesUrl().newBuilder().addPathSegment(databaseId).addPathSegment("raw").build();
    if (LOG.isDebugEnabled()) {
      LOG.debug("D1 POST {} ({} statements, {} bytes)", url.encodedPath(), statements, body.size());
    }
    return request(url).post(RequestBody.create(body, JSON_TYPE)).build();
  }

  private HttpUrl databasesUrl() {
    return config.parsedBaseUrl().newBuilder()
        .addPathSegment("accounts").addPathSegment(config.accountId())
        .addPathSegment("d1").addPathSegment("database")
        .build();
  }

  private Request.Builder request(HttpUrl url) {
    return new Request.Builder()
        .url(url)
        .header("Authorization", "Bearer " + config.apiToken())
        .header("User-Agent", config.userAgent())
        .header("Accept", "application/json");
  }

  /**
   * Performs one HTTP call and returns its response if it succeeded (2xx); the caller closes it. Every request goes
   * through here, so this is where retries and backoff belong.
   */
  private Response send(Request request, String what) throws D1Exception {
    long start = System.nanoTime();
    Response response;
    try {
      response = http.newCall(request).execute();
    } catch (IOException e) {
      D1Exception mapped = errors.fromIo(e, 0);
      LOG.debug("D1 {} failed: {}", what, mapped.getMessage());
      throw mapped;
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    if (response.isSuccessful()) {
      LOG.debug("D1 {} answered HTTP {} after {} ms", what, response.code(), millis);
      return response;
    }
    try (response) {
      D1Exception mapped = errors.fromErrorResponse(response);
      LOG.debug("D1 {} failed after {} ms: {}", what, millis, mapped.getMessage());
      throw mapped;
    }
  }

  /** Page facts of a database list response. */
  private static final class DatabasePage {
    int count;
    long totalCount = Long.MAX_VALUE;
  }

  /**
   * Reads one page of {@code {"result":[{"uuid","name",...}],"result_info":{count,total_count,...},...}}, adding
   * the ids of exact name matches (the API's name filter may match more loosely).
   */
  private DatabasePage readDatabasePage(Response response, String name, List<String> ids) throws D1Exception {
    DatabasePage page = new DatabasePage();
    boolean sawResult = false;
    try (JsonParser p = JSON.createParser(response.body().byteStream())) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw errors.malformed(response.code(), "the database list is not a JSON object", null);
      }
      JsonToken t = p.nextToken();
      for (; t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        if (field.equals("result") && v == JsonToken.START_ARRAY) {
          sawResult = true;
          int entries = 0;
          JsonToken e = p.nextToken();
          for (; e == JsonToken.START_OBJECT; e = p.nextToken()) {
            entries++;
            String uuid = null;
            String dbName = null;
            for (JsonToken f = p.nextToken(); f == JsonToken.FIELD_NAME; f = p.nextToken()) {
              String key = p.currentName();
              p.nextToken();
              if (key.equals("uuid")) {
                uuid = p.getValueAsString();
              } else if (key.equals("name")) {
                dbName = p.getValueAsString();
              }
              p.skipChildren();
            }
            if (name.equals(dbName) && uuid != null) {
              ids.add(uuid);
            }
          }
          if (e != JsonToken.END_ARRAY) {
            throw errors.malformed(response.code(), "a database list entry is not an object but " + e, null);
          }
          page.count = entries;
        } else if (field.equals("result_info") && v == JsonToken.START_OBJECT) {
          for (JsonToken f = p.nextToken(); f == JsonToken.FIELD_NAME; f = p.nextToken()) {
            String key = p.currentName();
            p.nextToken();
            if (key.equals("total_count")) {
              page.totalCount = p.getValueAsLong(Long.MAX_VALUE);
            }
            p.skipChildren();
          }
        } else {
          p.skipChildren();
        }
      }
      if (t != JsonToken.END_OBJECT) {
        throw errors.malformed(response.code(), "the database list holds " + t + " where a field was expected", null);
      }
    } catch (IOException e) {
      throw errors.fromRead(e, response.code());
    }
    if (!sawResult) {
      throw errors.malformed(response.code(), "the database list has no result array", null);
    }
    return page;
  }
}
