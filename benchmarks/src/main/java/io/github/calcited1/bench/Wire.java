package io.github.calcited1.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import io.github.calcited1.client.NoDelaySocketFactory;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The baseline: what a user would hand-write with OkHttp and Jackson's streaming parser, no Calcite, no adapter.
 * POSTs to D1's {@code /raw} endpoint and materializes each row as an {@code Object[]} (long, double, String, null),
 * the least any JDBC-like consumer needs.
 */
final class Wire {
  static final MediaType JSON_TYPE = MediaType.get("application/json; charset=utf-8");
  static final JsonFactory JSON = new JsonFactory();

  /** Receives the rows of a response; the array is fresh for every row. */
  interface RowSink {
    void row(Object[] row);
  }

  static final RowSink DISCARD = row -> { };

  private final OkHttpClient http;
  private final String rawUrl;
  private final String token;

  Wire(String baseUrl, String accountId, String databaseId, String token) {
    this.http = new OkHttpClient.Builder().readTimeout(120, TimeUnit.SECONDS).callTimeout(300, TimeUnit.SECONDS)
        .socketFactory(NoDelaySocketFactory.INSTANCE).build(); // as calcite-d1 sends: both sides equal
    this.rawUrl = baseUrl + "/accounts/" + accountId + "/d1/database/" + databaseId + "/raw";
    this.token = token;
  }

  OkHttpClient http() {
    return http;
  }

  /** One statement; returns the number of rows. */
  long query(RowSink sink, String sql, Object... params) throws IOException {
    return post(statementBody(sql, params), sink);
  }

  /** Several statements as one D1 batch (one request); returns the number of rows of all results. */
  long batch(List<String> sqls, List<Object[]> params) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeArrayFieldStart("batch");
      for (int i = 0; i < sqls.size(); i++) {
        writeStatement(g, sqls.get(i), params == null ? new Object[0] : params.get(i));
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    return post(out.toByteArray(), DISCARD);
  }

  static byte[] statementBody(String sql, Object... params) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + sql.length());
    try (JsonGenerator g = JSON.createGenerator(out)) {
      writeStatement(g, sql, params);
    }
    return out.toByteArray();
  }

  private static void writeStatement(JsonGenerator g, String sql, Object[] params) throws IOException {
    g.writeStartObject();
    g.writeStringField("sql", sql);
    if (params.length > 0) {
      g.writeArrayFieldStart("params");
      for (Object p : params) {
        if (p == null) {
          g.writeNull();
        } else if (p instanceof Integer || p instanceof Long) {
          g.writeNumber(((Number) p).longValue());
        } else if (p instanceof Number) {
          g.writeNumber(((Number) p).doubleValue());
        } else {
          g.writeString(p.toString());
        }
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  /** POSTs a prepared {@code /raw} body and streams its rows into {@code sink}; returns the number of rows. */
  long post(byte[] body, RowSink sink) throws IOException {
    Request request = new Request.Builder().url(rawUrl)
        .header("Authorization", "Bearer " + token)
        .post(RequestBody.create(body, JSON_TYPE)).build();
    try (Response response = http.newCall(request).execute()) {
      if (response.code() != 200) {
        throw new IOException("HTTP " + response.code() + ": " + response.body().string());
      }
      return parseRows(response.body().byteStream(), sink);
    }
  }

  /** Minimal streaming parse of a {@code /raw} envelope: every {@code rows} array, row by row. */
  static long parseRows(InputStream in, RowSink sink) throws IOException {
    try (JsonParser p = JSON.createParser(in)) {
      return parseRows(p, sink);
    }
  }

  static long parseRows(byte[] in, RowSink sink) throws IOException {
    try (JsonParser p = JSON.createParser(in)) {
      return parseRows(p, sink);
    }
  }

  private static long parseRows(JsonParser p, RowSink sink) throws IOException {
    long rows = 0;
    int width = 8;
    boolean success = false;
    for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
      if (t != JsonToken.FIELD_NAME) {
        continue;
      }
      String name = p.currentName();
      JsonToken v = p.nextToken();
      if (name.equals("columns") && v == JsonToken.START_ARRAY) {
        int n = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
          n++;
        }
        width = Math.max(n, 1);
      } else if (name.equals("rows") && v == JsonToken.START_ARRAY) {
        for (JsonToken r = p.nextToken(); r == JsonToken.START_ARRAY; r = p.nextToken()) {
          Object[] row = new Object[width];
          int i = 0;
          for (JsonToken c = p.nextToken(); c != JsonToken.END_ARRAY; c = p.nextToken()) {
            Object value;
            switch (c) {
              case VALUE_NUMBER_INT: value = p.getLongValue(); break;
              case VALUE_NUMBER_FLOAT: value = p.getDoubleValue(); break;
              case VALUE_STRING: value = p.getText(); break;
              case VALUE_NULL: value = null; break;
              default: p.skipChildren(); value = null; break;
            }
            if (i == row.length) {
              row = Arrays.copyOf(row, i * 2);
            }
            row[i++] = value;
          }
          sink.row(row);
          rows++;
        }
      } else if (name.equals("success") && p.getParsingContext().getParent().inRoot()) {
        success = v == JsonToken.VALUE_TRUE;
      }
    }
    if (!success) {
      throw new IOException("the response does not report success");
    }
    return rows;
  }
}
