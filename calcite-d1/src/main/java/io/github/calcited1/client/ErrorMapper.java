package io.github.calcited1.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import okhttp3.Response;

/**
 * Turns what went wrong (an error envelope, an HTTP status, an I/O failure) into the fitting {@link D1Exception}
 * with a SQLState and a next step. D1 reports SQL errors as HTTP 400 / code 7500 with SQLite's text, so the kind is
 * read from that text.
 */
final class ErrorMapper {
  /** Error bodies are small; a proxy's HTML page is not worth reading in full. */
  private static final long MAX_ERROR_BODY = 64 * 1024;
  private static final String NOTHING_APPLIED = "Nothing in this request was applied (a D1 request is atomic).";

  private final D1ClientConfig config;
  private final TokenScrubber scrubber;
  private final JsonFactory json;

  ErrorMapper(D1ClientConfig config, TokenScrubber scrubber, JsonFactory json) {
    this.config = config;
    this.scrubber = scrubber;
    this.json = json;
  }

  /** For a non-2xx response; reads (a bounded copy of) its body but does not close it. */
  D1Exception fromErrorResponse(Response response) {
    int status = response.code();
    String retryAfter = response.header("Retry-After");
    String body;
    try {
      body = response.peekBody(MAX_ERROR_BODY).string();
    } catch (IOException e) {
      return fromD1(status, 0, "HTTP " + status + " with an unreadable body (" + e + ")", retryAfter, e);
    }
    List<ApiError> errors;
    try (JsonParser p = json.createParser(body)) {
      errors = RawReader.readErrorEnvelope(p);
    } catch (IOException | RuntimeException e) {
      errors = List.of();
    }
    if (errors.isEmpty()) {
      String snippet = body.length() > 200 ? body.substring(0, 200) + "..." : body;
      return fromD1(status, 0, "HTTP " + status + " without a D1 error"
          + (snippet.isBlank() ? "" : ": " + snippet.strip()), retryAfter, null);
    }
    ApiError first = errors.get(0);
    return fromD1(status, first.code(), first.message(), retryAfter, null);
  }

  /** Maps D1's status, code and message to an exception; the message is scrubbed here. */
  D1Exception fromD1(int status, int code, String message, String retryAfterHeader, Throwable cause) {
    String said = scrubber.scrub(message == null || message.isBlank() ? "HTTP " + status : message);
    String m = said.toLowerCase(Locale.ROOT);
    Throwable c = scrubber.scrub(cause);
    if (status == 401 || status == 403 || code == 10000 || code == 7403 || code == 9109) {
      return new D1AuthenticationException(text(said, status, code,
          "Check the API token and its D1 permissions (D1 Read to query, D1 Edit to write) and that it belongs to"
              + " account " + config.accountId() + "."), "28000", status, code, said, c);
    }
    if (code == 7404 || (status == 404 && m.contains("could not be found"))) {
      return new D1DatabaseNotFoundException(text(said, status, code,
          "Check the database name or id and the account id (" + config.accountId() + ")."),
          "3D000", status, code, said, c);
    }
    // "D1 DB is overloaded. ..." may come without 429; a SQLite error that merely names "overloaded" has a suffix.
    if (status == 429 || code == 971 || (m.contains("overloaded") && !m.contains(": sqlite_"))) {
      Duration retryAfter = parseRetryAfter(retryAfterHeader);
      String when = retryAfter == null ? "later" : "after " + retryAfter.toSeconds() + " s";
      return new D1RateLimitException(text(said, status, code,
          "Too many requests: Cloudflare allows 1,200 API requests per 5 minutes and a D1 database serves one"
              + " query at a time. Retry " + when + ", send fewer and larger batches."),
          "53000", status, code, said, c, retryAfter);
    }
    if (m.contains("sqlite_constraint") || m.contains("constraint failed")) {
      return constraint(said, m, status, code, c);
    }
    if (m.contains("sqlite_toobig") || m.startsWith("too many sql variables")
        || m.startsWith("variable number must be between")) {
      return new D1TooBigException(text(said, status, code,
          "D1 allows 100 bound parameters and 100,000 bytes per statement and about 2 MB per value: split the"
              + " statement or the value. " + NOTHING_APPLIED), "54000", status, code, said, c);
    }
    String sqlState = null;
    String hint = null;
    if (m.startsWith("no such table")) {
      sqlState = "42S02";
      hint = "Check the table name; PRAGMA table_list lists the tables.";
    } else if (m.startsWith("no such column")) {
      sqlState = "42S22";
      hint = "Check the column name; PRAGMA table_info(<table>) lists the columns.";
    } else if (m.contains("syntax error") || m.startsWith("incomplete input") || m.startsWith("unrecognized token")
        || m.startsWith("no sql statements detected") || m.startsWith("sql code did not contain a statement")) {
      sqlState = "42000";
      hint = "Fix the SQL; D1 speaks SQLite's dialect.";
    } else if (m.contains("already exists")) {
      sqlState = "42S01";
      hint = "Use IF NOT EXISTS, or drop the object first.";
    } else if (m.contains("sqlite_auth") || m.startsWith("not authorized")) {
      sqlState = "42501";
      hint = "D1 forbids this: its internal _cf_* tables, ATTACH, TEMP objects, most PRAGMAs and functions outside"
          + " its allowlist.";
    } else if (m.startsWith("to execute a transaction")) {
      sqlState = "0A000";
      hint = "D1 refuses BEGIN/COMMIT/SAVEPOINT; send the statements as one batch, which D1 runs atomically.";
    } else if (m.startsWith("wrong number of parameter bindings")
        || m.contains("only the last statement can have parameters")) {
      sqlState = "07001";
      hint = "Pass exactly one parameter per placeholder, and send several statements as a batch.";
    }
    if (sqlState != null) {
      return new D1StatementException(text(said, status, code, hint + " " + NOTHING_APPLIED),
          sqlState, status, code, said, c);
    }
    if (status == 404) {
      return new D1ConnectionException(text(said, status, code,
          "There is no D1 API at " + config.baseUrl() + ": check baseUrl (the default is "
              + D1ClientConfig.DEFAULT_BASE_URL + ")."), "08001", status, code, said, c);
    }
    if (status >= 500) {
      return new D1Exception(text(said, status, code,
          "D1 failed on its side; retry later. For a write, check whether it was applied before retrying."),
          "HY000", status, code, said, c);
    }
    return new D1Exception(text(said, status, code, null), "HY000", status, code, said, c);
  }

  /**
   * Whether the request certainly never reached D1: no connection was made (refused, unknown host, no route,
   * connect timeout). Anything else may have happened after the request left.
   */
  static boolean neverSent(IOException e) {
    return e instanceof ConnectException || e instanceof UnknownHostException || e instanceof NoRouteToHostException
        || (e instanceof SocketTimeoutException && String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT)
            .contains("connect"));
  }

  /**
   * A failure before the request was completely written ({@link RequestSending}): D1 cannot have run it, since it runs
   * only requests it received whole.
   */
  D1Exception notSent(IOException e) {
    if (neverSent(e)) {
      return fromIo(e, 0); // no connection at all: the "could not connect" advice
    }
    String said = scrubber.scrub(e.toString());
    return new D1ConnectionException(text(said, 0, 0, "The connection failed before the request was completely sent,"
        + " so D1 did not run it; it is sent again on a new connection while attempts remain."), "08001", 0, 0, said,
        scrubber.scrub(e));
  }

  /**
   * A write that failed after it left: {@code failure} is what happened; {@code status} is D1's HTTP status if it
   * answered (5xx, or 2xx with an unreadable body), else 0.
   */
  D1OutcomeUnknownException outcomeUnknown(D1Exception failure, int status) {
    boolean applied = status >= 200 && status < 300;
    String what = applied
        ? "D1 answered HTTP " + status + ", so it applied the write, but its answer could not be read; the update"
            + " counts are unknown"
        : "the write request had been sent when this happened, so D1 may or may not have applied it";
    return new D1OutcomeUnknownException(failure.getMessage() + " -- OUTCOME UNKNOWN: " + what
        + ". It was not sent again: a write is never repeated blindly.", status, failure.d1Code(),
        failure.d1Message(), failure, applied);
  }

  /**
   * A write answered with a 2xx status whose body is an error envelope ({@code "success": false}). D1 refuses a
   * request with a 4xx and sends 2xx only for one it ran, so the answer contradicts itself: whether the write was
   * applied is unknown.
   */
  D1OutcomeUnknownException errorOnSuccess(D1Exception failure, int status) {
    return new D1OutcomeUnknownException(failure.getMessage() + " -- OUTCOME UNKNOWN: D1 answered HTTP " + status
        + ", which it sends only for a request it ran, but with an error instead of results, so the write may or"
        + " may not have been applied. It was not sent again: a write is never repeated blindly.", status,
        failure.d1Code(), failure.d1Message(), failure, false);
  }

  /** For a network failure: before any response ({@code status} 0) or while reading one. */
  D1Exception fromIo(IOException e, int status) {
    String said = scrubber.scrub(e.toString());
    Throwable c = scrubber.scrub(e);
    if (neverSent(e)) {
      return new D1ConnectionException(text(said, status, 0,
          "Could not connect to " + config.parsedBaseUrl().host() + ": check baseUrl (" + config.baseUrl()
              + "), the network and any proxy; connectTimeout is " + config.connectTimeout() + "."),
          "08001", status, 0, said, c);
    }
    String text = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    boolean timedOut = e instanceof InterruptedIOException && (text.contains("timeout") || text.contains("timed out"));
    String hint = timedOut
        ? "D1 did not answer in time (readTimeout " + config.readTimeout() + ", callTimeout "
            + config.callTimeout() + "); D1 stops a request after 30 s, so narrow the query or raise the timeout."
        : "The connection to D1 failed; a read can be retried, a write may or may not have been applied.";
    return new D1ConnectionException(text(said, status, 0, hint), "08006", status, 0, said, c);
  }

  /** For a failure while reading a response body: a cut-short body and bad JSON are protocol errors. */
  D1Exception fromRead(IOException e, int status) {
    if (e instanceof JsonEOFException || e instanceof ProtocolException || e instanceof EOFException) {
      String detail = e instanceof JsonProcessingException
          ? ((JsonProcessingException) e).getOriginalMessage() : e.getMessage();
      String said = scrubber.scrub("the response body is cut short: " + detail);
      return new D1ProtocolException(text(said, status, 0,
          "No result is returned in its place. The connection probably broke: a read can be retried, a write may"
              + " or may not have been applied."), "08006", status, 0, said, scrubber.scrub(e));
    }
    if (e instanceof JsonProcessingException) {
      JsonProcessingException j = (JsonProcessingException) e;
      String where = j.getLocation() == null ? "" : " (at " + j.getLocation().offsetDescription() + ")";
      return malformed(status, "malformed JSON: " + j.getOriginalMessage() + where, e);
    }
    return fromIo(e, status);
  }

  /** For a body that is not what D1 sends; {@code detail} says what was wrong. */
  D1ProtocolException malformed(int status, String detail, Throwable cause) {
    String said = scrubber.scrub(detail);
    return new D1ProtocolException(text(said, status, 0,
        "No result is returned in its place. Check that baseUrl (" + config.baseUrl() + ") is D1's API."),
        "08S01", status, 0, said, scrubber.scrub(cause));
  }

  private D1Exception constraint(String said, String m, int status, int code, Throwable c) {
    String sqlState;
    if (m.contains("sqlite_constraint_unique") || m.contains("sqlite_constraint_primarykey")
        || m.startsWith("unique constraint failed")) {
      sqlState = "23505";
    } else if (m.contains("sqlite_constraint_notnull") || m.startsWith("not null constraint failed")) {
      sqlState = "23502";
    } else if (m.contains("sqlite_constraint_foreignkey") || m.startsWith("foreign key constraint failed")) {
      sqlState = "23503";
    } else if (m.contains("sqlite_constraint_check") || m.startsWith("check constraint failed")) {
      sqlState = "23514";
    } else {
      sqlState = "23000";
    }
    return new D1ConstraintException(text(said, status, code, "A constraint rejected a row. " + NOTHING_APPLIED),
        sqlState, status, code, said, c);
  }

  private static String text(String said, int status, int code, String hint) {
    StringBuilder sb = new StringBuilder(said).append(" (");
    sb.append(status == 0 ? "no HTTP response" : "HTTP " + status);
    if (code != 0) {
      sb.append(", D1 code ").append(code);
    }
    sb.append(')');
    if (hint != null) {
      sb.append(". ").append(hint);
    }
    return sb.toString();
  }

  /** {@code Retry-After} is either delta-seconds or an HTTP date; null when absent or unreadable. */
  static Duration parseRetryAfter(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    String v = header.trim();
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = Duration.between(ZonedDateTime.now(), at);
        return d.isNegative() ? Duration.ZERO : d;
      } catch (DateTimeParseException notDate) {
        return null;
      }
    }
  }
}
