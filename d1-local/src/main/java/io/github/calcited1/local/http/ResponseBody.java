package io.github.calcited1.local.http;

import io.github.calcited1.local.json.SpillBuffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A response body assembled from small byte strings and spooled results, so its length is known
 * before sending (Content-Length) and large results are copied, never joined in memory.
 */
final class ResponseBody implements AutoCloseable {
  private final List<Object> parts = new ArrayList<>();
  private long length;

  ResponseBody ascii(String text) {
    return bytes(text.getBytes(StandardCharsets.UTF_8));
  }

  ResponseBody bytes(byte[] bytes) {
    parts.add(bytes);
    length += bytes.length;
    return this;
  }

  ResponseBody spool(SpillBuffer spool) {
    parts.add(spool);
    length += spool.size();
    return this;
  }

  ResponseBody json(JsonWriting writing) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      writing.writeTo(out);
    } catch (IOException e) {
      throw new IllegalStateException("writing JSON to memory cannot fail", e);
    }
    return bytes(out.toByteArray());
  }

  /** Writes JSON to a stream. */
  interface JsonWriting {
    void writeTo(OutputStream out) throws IOException;
  }

  long length() {
    return length;
  }

  void writeTo(OutputStream out) throws IOException {
    for (Object part : parts) {
      if (part instanceof byte[]) {
        out.write((byte[]) part);
      } else {
        ((SpillBuffer) part).copyTo(out);
      }
    }
  }

  @Override
  public void close() {
    for (Object part : parts) {
      if (part instanceof SpillBuffer) {
        ((SpillBuffer) part).close();
      }
    }
  }
}
