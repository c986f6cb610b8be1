package io.github.calcited1.client;

import com.fasterxml.jackson.core.JsonFactory;
import java.io.IOException;
import java.util.List;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link D1Cursor} over a live {@code /raw} response; see {@link RawReader} for the parsing. */
final class RawCursor implements D1Cursor {
  private static final Logger LOG = LoggerFactory.getLogger(RawCursor.class);

  private final Response response;
  private final RawReader reader;
  private final ErrorMapper errors;
  private final List<String> columns;
  private Object[] row;
  private D1Meta meta;
  private boolean closed;

  private RawCursor(Response response, RawReader reader, ErrorMapper errors) {
    this.response = response;
    this.reader = reader;
    this.errors = errors;
    this.columns = reader.columns();
  }

  /** Reads the envelope up to the first row; closes the response if that fails. */
  static RawCursor open(Response response, JsonFactory json, ErrorMapper errors, boolean[] integerText)
      throws D1Exception {
    RawReader reader = null;
    try {
      reader = new RawReader(json.createParser(response.body().byteStream()), response.code(), errors, integerText);
      reader.openEnvelope();
      if (!reader.nextResult()) {
        reader.closeEnvelope();
        throw errors.malformed(response.code(), "the response holds no result for the statement", null);
      }
      return new RawCursor(response, reader, errors);
    } catch (IOException e) {
      closeQuietly(reader, response);
      throw errors.fromRead(e, response.code());
    } catch (D1Exception | RuntimeException e) {
      closeQuietly(reader, response);
      throw e;
    }
  }

  @Override
  public List<String> columns() {
    return columns;
  }

  @Override
  public boolean next() throws D1Exception {
    if (meta != null) {
      return false;
    }
    if (closed) {
      throw new IllegalStateException("the cursor is closed");
    }
    row = null;
    try {
      Object[] next = reader.nextRow();
      if (next != null) {
        row = next;
        return true;
      }
      D1Meta m = reader.meta();
      int extra = reader.skipResults();
      if (extra > 0) {
        LOG.warn("D1 answered one statement with {} results; returning the first. Send several statements with"
            + " batch().", extra + 1);
      }
      reader.closeEnvelope();
      meta = m;
      close();
      return false;
    } catch (IOException e) {
      close();
      throw errors.fromRead(e, response.code());
    } catch (D1Exception | RuntimeException e) {
      close();
      throw e;
    }
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
    return meta;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      closeQuietly(reader, response);
    }
  }

  private static void closeQuietly(RawReader reader, Response response) {
    try {
      if (reader != null) {
        reader.close();
      }
    } catch (IOException ignored) {
      // The response is closed next; nothing else holds resources.
    } finally {
      response.close();
    }
  }
}
