package io.github.calcited1.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.List;
import okio.Buffer;
import okio.ByteString;

/**
 * Writes request bodies, {@code {"sql":..,"params":[..]}} and {@code {"batch":[..]}}, with the parameter encoding
 * documented on {@link D1Statement}. A body is built once as bytes: statements are bounded by D1's limits, and a
 * byte body can be sent again by a retry.
 */
final class RequestJson {
  private final JsonFactory json;

  RequestJson(JsonFactory json) {
    this.json = json;
  }

  ByteString single(D1Statement statement) {
    Buffer out = new Buffer();
    try (JsonGenerator g = json.createGenerator(out.outputStream())) {
      writeStatement(g, statement);
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return out.readByteString();
  }

  ByteString batch(List<D1Statement> statements) {
    Buffer out = new Buffer();
    try (JsonGenerator g = json.createGenerator(out.outputStream())) {
      g.writeStartObject();
      g.writeArrayFieldStart("batch");
      for (D1Statement s : statements) {
        writeStatement(g, s);
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return out.readByteString();
  }

  private static void writeStatement(JsonGenerator g, D1Statement statement) throws IOException {
    g.writeStartObject();
    g.writeStringField("sql", statement.sql());
    if (!statement.params().isEmpty()) {
      g.writeArrayFieldStart("params");
      for (Object p : statement.params()) {
        writeParam(g, p);
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  /** D1Statement has checked the types and rejected NaN/infinity already. */
  private static void writeParam(JsonGenerator g, Object p) throws IOException {
    if (p == null) {
      g.writeNull();
    } else if (p instanceof String) {
      g.writeString((String) p);
    } else if (p instanceof Boolean) {
      g.writeString((Boolean) p ? "1" : "0");
    } else if (p instanceof Double) {
      g.writeNumber((Double) p);
    } else if (p instanceof Float) {
      g.writeNumber((Float) p);
    } else if (p instanceof BigDecimal) {
      g.writeString(((BigDecimal) p).toPlainString());
    } else if (p instanceof byte[]) {
      byte[] bytes = (byte[]) p;
      g.writeStartArray();
      for (byte b : bytes) {
        g.writeNumber(b & 0xff);
      }
      g.writeEndArray();
    } else {
      // Long, Integer, Short, Byte, BigInteger: decimal digits in a string keep every digit (see D1Statement).
      g.writeString(p.toString());
    }
  }
}
