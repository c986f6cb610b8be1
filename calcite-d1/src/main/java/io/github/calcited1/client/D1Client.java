package io.github.calcited1.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.AsyncTimeout;
import okio.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Talks to D1's REST API: statements and batches through {@code POST .../d1/database/{id}/raw}, and database names
 * through {@code GET .../d1/database?name=}. With {@code RequestJson}, {@code RawReader} and {@code ErrorMapper} it is
 * the only code that knows D1's HTTP API and its JSON.
 *
 * <p>Always {@code /raw}: unlike {@code /query} it keeps duplicate column names and reports columns for empty
 * results. Thread-safe; create one per configuration and share it. All clients share one OkHttp connection pool.
 *
 * <p><b>Retries</b> (settings in {@link D1ClientConfig}; docs/reliability.md). A request is sent again only when
 * that cannot change the outcome:
 * <ul>
 *   <li>D1 certainly did not run it: no connection could be made, or HTTP 429 (after {@code Retry-After});</li>
 *   <li>it only reads ({@link ReadOnlySql}): also after a 5xx, a broken or timed-out connection, or a malformed or
 *       cut-short body; a streamed result only until its first row was handed out.</li>
 * </ul>
 * A write that failed after it was completely written (timeout, reset, 5xx, an unreadable 2xx answer) is never sent
 * again here: it fails with {@link D1OutcomeUnknownException} (SQLState 08007). One that failed before its last byte
 * was written (no connection, a kept-alive connection the server had closed: {@link RequestSending}) was certainly not
 * run, and is sent again like a read. When the attempts run out the error is a
 * {@link D1RetriesExhaustedException} saying how many attempts over how long.
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
  private final Sleeper sleeper;

  /** How the client waits between two attempts; a test passes one that records the delays instead of sleeping. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(long millis) throws InterruptedException;
  }

  public D1Client(D1ClientConfig config) {
    this(config, Thread::sleep);
  }

  /** A client that waits between attempts with {@code sleeper} (for tests: the backoff delays without the time). */
  public D1Client(D1ClientConfig config, Sleeper sleeper) {
    this.config = Objects.requireNonNull(config, "config");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
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
   * The account's databases (all pages), in D1's order; with {@code nameFilter} non-empty, those whose name contains
   * it (D1's own filter).
   */
  public List<D1DatabaseInfo> listDatabases(String nameFilter) throws D1Exception {
    List<D1DatabaseInfo> all = new ArrayList<>();
    int seen = 0;
    for (int page = 1; ; page++) {
      HttpUrl.Builder url = databasesUrl().newBuilder();
      if (nameFilter != null && !nameFilter.isEmpty()) {
        url.addQueryParameter("name", nameFilter);
      }
      url.addQueryParameter("page", Integer.toString(page))
          .addQueryParameter("per_page", Integer.toString(LIST_PAGE_SIZE));
      List<D1DatabaseInfo> found = new ArrayList<>();
      Attempts attempts = new Attempts(D1Cancellation.NONE);
      DatabasePage listed = call(request(url.build()).get().build(), "list databases", true, attempts, r -> {
        try (Response response = r) {
          found.clear();
          return readDatabasePage(response, found);
        }
      });
      all.addAll(found);
      seen += listed.count;
      // Stop on an empty page too, so a server that misreports total_count cannot loop us forever.
      if (listed.count == 0 || seen >= listed.totalCount) {
        return all;
      }
    }
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
    for (D1DatabaseInfo database : listDatabases(nameOrId)) {
      // The API's name filter may match more loosely than the exact name.
      if (nameOrId.equals(database.name()) && database.uuid() != null) {
        ids.add(database.uuid());
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
    return query(databaseId, statement, null);
  }

  /**
   * As {@link #query(String, D1Statement)}; the columns flagged in {@code integerText} hold integers sent as text
   * (e.g. {@code CAST(x AS TEXT)}, exact past 2^53): their values that are plain decimal integers of up to 18 digits
   * come back as {@link Long}s, decoded without an intermediate String; any other text stays a String.
   */
  public D1Cursor query(String databaseId, D1Statement statement, boolean[] integerText) throws D1Exception {
    return query(databaseId, statement, integerText, D1Cancellation.NONE);
  }

  /**
   * As {@link #query(String, D1Statement, boolean[])}, for a JDBC statement that may time out or be cancelled
   * ({@code stop}): a read then fails with {@link D1CanceledException} (HYT00 or HY008) once it is. A write is
   * never stopped this way (cut after it was sent, its outcome would be unknown): it keeps the client's timeouts.
   */
  public D1Cursor query(String databaseId, D1Statement statement, boolean[] integerText, D1Cancellation stop)
      throws D1Exception {
    Objects.requireNonNull(statement, "statement");
    boolean[] hints = integerText == null ? null : integerText.clone();
    Request request = raw(databaseId, requests.single(statement), 1);
    boolean read = ReadOnlySql.isReadOnly(statement.sql());
    Attempts attempts = new Attempts(read ? Objects.requireNonNull(stop, "stop") : D1Cancellation.NONE);
    D1Cursor cursor = call(request, "statement", read, attempts,
        response -> RawCursor.open(response, JSON, errors, hints));
    return read ? new RetryingCursor(cursor, request, attempts, hints) : cursor;
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
    boolean read = true;
    for (D1Statement st : statements) {
      read &= ReadOnlySql.isReadOnly(st.sql());
    }
    Request request = raw(databaseId, requests.batch(statements), statements.size());
    Attempts attempts = new Attempts(D1Cancellation.NONE);
    return call(request, "batch", read, attempts, response -> readBatch(response, statements.size()));
  }

  private List<D1Result> readBatch(Response r, int statements) throws D1Exception {
    List<D1Result> results = new ArrayList<>(statements);
    try (Response response = r) {
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
      if (results.size() != statements) {
        throw errors.malformed(response.code(), "D1 applied the batch of " + statements
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

  /** Reads a 2xx response; closes it when it fails (and when it is done, unless it hands it on, like a cursor). */
  @FunctionalInterface
  private interface BodyReader<T> {
    T read(Response response) throws D1Exception;
  }

  /** The attempts made for one request (a streamed read's re-reads count too). */
  private final class Attempts {
    final long start = System.nanoTime();
    /** What may stop the statement these attempts are made for. */
    final D1Cancellation stop;
    int count;
    /** The call of the last attempt. */
    Call call;

    Attempts(D1Cancellation stop) {
      this.stop = stop;
    }

    Duration elapsed() {
      return Duration.ofNanos(System.nanoTime() - start);
    }

    /**
     * {@code failure}, or the statement's own failure if it was cancelled or timed out: a broken exchange is then what
     * the abort caused (D1's own answers, such as a refused statement, are reported as they are).
     */
    D1Exception orStopped(D1Exception failure) {
      return broken(failure) && stop.stoppedBy(failure) ? stop.failure(failure) : failure;
    }

    /**
     * Waits before the next attempt, or throws when the policy says stop: the last failure itself after one attempt,
     * else a {@link D1RetriesExhaustedException} saying why.
     */
    void backOff(D1Exception failure, String what) throws D1Exception {
      String stop = null;
      long waitMillis;
      Duration retryAfter = failure instanceof D1RateLimitException
          ? ((D1RateLimitException) failure).retryAfter().orElse(null) : null;
      if (retryAfter != null && retryAfter.compareTo(config.maxRetryAfter()) > 0) {
        stop = "D1 asked to wait " + retryAfter.toSeconds() + " s (Retry-After), longer than maxRetryAfterSeconds ("
            + config.maxRetryAfter().toSeconds() + " s)";
        waitMillis = 0;
      } else if (count >= config.maxAttempts()) {
        stop = "maxAttempts is " + config.maxAttempts();
        waitMillis = 0;
      } else {
        long cap = Math.min(config.retryMaxDelay().toMillis(),
            config.retryBaseDelay().toMillis() << Math.min(20, count - 1));
        long jitter = cap <= 0 ? 0 : ThreadLocalRandom.current().nextLong(cap + 1); // full jitter
        waitMillis = retryAfter != null ? retryAfter.toMillis() + jitter / 4 : jitter;
      }
      if (stop != null) {
        if (config.maxAttempts() == 1) {
          throw failure; // retries are off: the failure as it is
        }
        String rate = failure instanceof D1RateLimitException
            ? " Cloudflare allows 1,200 API requests per 5 minutes per token and, once over, refuses every call with"
                + " that token for 5 minutes: wait, then send fewer and larger requests (batch writes, cache reads)."
            : "";
        throw new D1RetriesExhaustedException(failure.getMessage() + " -- gave up after " + count + " attempt"
            + (count == 1 ? "" : "s") + " over " + seconds(elapsed()) + " (" + stop + ")." + rate, failure, count,
            elapsed());
      }
      LOG.info("D1 {} attempt {} of {} failed ({}); retrying in {} ms", what, count, config.maxAttempts(),
          failure.d1Message(), waitMillis);
      this.stop.sleepBeforeRetry(waitMillis, sleeper, failure);
    }
  }

  private static String seconds(Duration d) {
    return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  /**
   * Performs a call and reads its 2xx answer with {@code reader}, retrying as the class comment says. Every request
   * goes through here.
   *
   * @param read whether the request only reads (so may be sent again after it left)
   */
  private <T> T call(Request request, String what, boolean read, Attempts attempts, BodyReader<T> reader)
      throws D1Exception {
    boolean staleConnectionSeen = false;
    while (true) {
      attempts.count++;
      long start = System.nanoTime();
      D1Exception failure = null;
      Response response = null;
      RequestSending.Progress sending = new RequestSending.Progress(!read);
      D1Cancellation stop = attempts.stop;
      stop.check();
      try {
        attempts.call = http.newCall(RequestSending.attempt(request, sending, stop));
        if (stop != D1Cancellation.NONE) {
          attempts.call.timeout().timeout(stop.callTimeoutMillis(config.callTimeout()), TimeUnit.MILLISECONDS);
        }
        response = attempts.call.execute();
      } catch (IOException e) {
        failure = attempts.orStopped(sending.written ? errors.fromIo(e, 0) : errors.notSent(e));
        LOG.debug("D1 {} failed: {}", what, failure.getMessage());
        if (failure instanceof D1CanceledException) {
          throw failure;
        }
        if (e instanceof javax.net.ssl.SSLException) {
          throw failure; // a certificate or TLS problem: sending again cannot help
        }
        if (!read && sending.written) {
          throw errors.outcomeUnknown(failure, 0);
        }
        if (e instanceof RequestSending.StaleConnectionException) {
          // The server closed its kept-alive connections (a restart): the others in the pool are dead too. Nothing
          // was sent; the first such attempt is not counted against maxAttempts.
          http.connectionPool().evictAll();
          if (!staleConnectionSeen) {
            staleConnectionSeen = true;
            attempts.count--;
            continue;
          }
        }
      }
      if (response != null) {
        long millis = (System.nanoTime() - start) / 1_000_000;
        if (response.isSuccessful()) {
          LOG.debug("D1 {} answered HTTP {} after {} ms", what, response.code(), millis);
          int status = response.code();
          try {
            return reader.read(response);
          } catch (D1Exception e) {
            failure = attempts.orStopped(e);
            if (failure instanceof D1CanceledException) {
              throw failure;
            }
            if (!broken(e)) {
              // An error envelope. On a 2xx it contradicts the status: definite for a read (sending it again would
              // get the same answer), unknown for a write, which may have run.
              throw read ? e : errors.errorOnSuccess(e, status);
            }
            if (!read) {
              // Cut short or broken: D1 answered 2xx, so it ran the write, and only the answer is lost. Malformed
              // (08S01): the answer is not D1's; the caller must treat the outcome as unknown.
              throw "08S01".equals(e.getSQLState()) ? e : errors.outcomeUnknown(e, status);
            }
          }
        } else {
          try (Response answered = response) {
            failure = errors.fromErrorResponse(answered);
          }
          LOG.debug("D1 {} failed after {} ms: {}", what, millis, failure.getMessage());
          boolean rateLimited = failure instanceof D1RateLimitException;
          if (!rateLimited && response.code() < 500) {
            throw failure; // 4xx: D1 refused the request, nothing was applied
          }
          if (!rateLimited && !read) {
            throw errors.outcomeUnknown(failure, response.code());
          }
        }
      }
      attempts.backOff(failure, what);
    }
  }

  /** Whether the exchange broke (connection lost, answer cut short or unreadable), rather than D1 saying no. */
  private static boolean broken(D1Exception e) {
    return e instanceof D1ProtocolException || e instanceof D1ConnectionException;
  }

  /** Rows a read holds back before handing out the first one, so that a failure among them can still be retried. */
  static final int READ_AHEAD_ROWS = 10_000;
  /** ... and their approximate size. */
  static final long READ_AHEAD_BYTES = 4L << 20;

  /**
   * A streamed read that is read again from the start if it fails before its first row is handed out. To make that
   * cover most results, it first reads ahead up to {@value #READ_AHEAD_ROWS} rows or about 4 MB: a result that fits
   * is retried whole on a cut-short body or a reset; a bigger one streams on, and a failure after its first row was
   * handed out fails the read (never a silently short or repeated result). With retries off it reads ahead only the
   * first row. The call's deadline ({@code callTimeout}) covers the read-ahead; the rest of a bigger result is paced
   * by the application, each read bounded by {@code readTimeout}.
   */
  private final class RetryingCursor implements D1Cursor {
    private final Request request;
    private final Attempts attempts;
    private final boolean[] integerText;
    private final java.util.ArrayDeque<Object[]> ahead = new java.util.ArrayDeque<>();
    private D1Cursor cursor;
    private boolean filled;
    private boolean ended;
    private Object[] row;

    RetryingCursor(D1Cursor cursor, Request request, Attempts attempts, boolean[] integerText) {
      this.cursor = cursor;
      this.request = request;
      this.attempts = attempts;
      this.integerText = integerText;
    }

    @Override
    public List<String> columns() {
      return cursor.columns();
    }

    @Override
    public boolean next() throws D1Exception {
      if (!filled) {
        fill();
        filled = true;
        endDeadline(attempts.call);
      }
      row = ahead.poll();
      if (row != null) {
        return true;
      }
      if (ended) {
        return false;
      }
      boolean more;
      try {
        more = cursor.next();
      } catch (D1Exception e) {
        throw attempts.orStopped(e);
      }
      row = more ? cursor.row() : null;
      ended = !more;
      return more;
    }

    private void fill() throws D1Exception {
      while (true) {
        try {
          long bytes = 0;
          // Retries off: nothing to read ahead for, only the first row (so the deadline still covers its wait).
          int rows = config.maxAttempts() > 1 ? READ_AHEAD_ROWS : 1;
          while (ahead.size() < rows && bytes < READ_AHEAD_BYTES) {
            if (!cursor.next()) {
              ended = true;
              return;
            }
            Object[] r = cursor.row();
            ahead.add(r);
            bytes += estimate(r);
          }
          return;
        } catch (D1Exception e) {
          D1Exception failure = attempts.orStopped(e);
          if (failure != e || !broken(e)) {
            throw failure;
          }
          ahead.clear();
          cursor.close();
          attempts.backOff(e, "statement (read again)");
          D1Cursor again = call(request, "statement", true, attempts,
              response -> RawCursor.open(response, JSON, errors, integerText));
          if (!again.columns().equals(cursor.columns())) {
            again.close();
            throw e;
          }
          cursor = again;
        }
      }
    }

    private long estimate(Object[] r) {
      long n = 16;
      for (Object v : r) {
        n += v instanceof String ? 2L * ((String) v).length() : v instanceof byte[] ? ((byte[]) v).length : 16;
      }
      return n;
    }

    @Override
    public Object[] row() {
      if (row == null) {
        throw new IllegalStateException("no current row: call next() first and only while it returns true");
      }
      return row;
    }

    @Override
    public D1Meta meta() {
      return ended && ahead.isEmpty() && row == null ? cursor.meta() : null; // after next() said false
    }

    @Override
    public void close() {
      ahead.clear();
      cursor.close();
    }
  }

  /**
   * Ends the call's deadline ({@code callTimeout}) once the read-ahead is done: from then on the application paces
   * the rows, and a slow consumer of a big result must not be failed by it. OkHttp's call timeout is an okio
   * {@link AsyncTimeout}; leaving it early is what OkHttp itself does for calls that outlive their setup.
   */
  private static void endDeadline(Call call) {
    if (call != null && call.timeout() instanceof AsyncTimeout) {
      ((AsyncTimeout) call.timeout()).exit();
    }
  }

  /** Page facts of a database list response. */
  private static final class DatabasePage {
    int count;
    long totalCount = Long.MAX_VALUE;
  }

  /**
   * Reads one page of {@code {"result":[{"uuid","name",...}],"result_info":{count,total_count,...},...}}, adding
   * its entries to {@code databases}.
   */
  private DatabasePage readDatabasePage(Response response, List<D1DatabaseInfo> databases) throws D1Exception {
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
            String version = null;
            Long numTables = null;
            Long fileSize = null;
            String createdAt = null;
            for (JsonToken f = p.nextToken(); f == JsonToken.FIELD_NAME; f = p.nextToken()) {
              String key = p.currentName();
              JsonToken value = p.nextToken();
              boolean number = value == JsonToken.VALUE_NUMBER_INT;
              switch (key) {
                case "uuid" -> uuid = p.getValueAsString();
                case "name" -> dbName = p.getValueAsString();
                case "version" -> version = p.getValueAsString();
                case "num_tables" -> numTables = number ? p.getLongValue() : null;
                case "file_size" -> fileSize = number ? p.getLongValue() : null;
                case "created_at" -> createdAt = p.getValueAsString();
                default -> { }
              }
              p.skipChildren();
            }
            databases.add(new D1DatabaseInfo(uuid, dbName, version, numTables, fileSize, createdAt));
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
