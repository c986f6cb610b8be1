package io.github.calcited1.local.json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Bytes written once and copied out later: kept in memory up to a threshold, then moved to a
 * temporary file, so a 1,000,000-row result never sits on the heap.
 *
 * <p>Results are spooled rather than written straight to the socket because D1 puts
 * {@code meta} (known only after the last row) before {@code results}, and because a statement
 * failing mid-request must still turn the whole answer into an HTTP 400.
 */
public final class SpillBuffer extends OutputStream {
  private static final int MEMORY_LIMIT = 1 << 20;

  private ByteArrayOutputStream memory = new ByteArrayOutputStream();
  private Path file;
  private OutputStream fileOut;
  private long size;

  @Override
  public void write(int b) throws IOException {
    target(1).write(b);
    size++;
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    target(length).write(bytes, offset, length);
    size += length;
  }

  private OutputStream target(int extra) throws IOException {
    if (fileOut == null && memory.size() + extra > MEMORY_LIMIT) {
      file = Files.createTempFile("d1-local-result", ".json");
      fileOut = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
      memory.writeTo(fileOut);
      memory = null;
    }
    return fileOut != null ? fileOut : memory;
  }

  public long size() {
    return size;
  }

  /** Copies everything written so far to out. */
  public void copyTo(OutputStream out) throws IOException {
    if (fileOut == null) {
      memory.writeTo(out);
      return;
    }
    fileOut.flush();
    try (InputStream in = Files.newInputStream(file)) {
      in.transferTo(out);
    }
  }

  /** Frees the memory or deletes the temporary file. */
  @Override
  public void close() {
    memory = null;
    if (fileOut != null) {
      try {
        fileOut.close();
        Files.deleteIfExists(file);
      } catch (IOException e) {
        throw new UncheckedIOException("could not delete the spooled result " + file, e);
      }
      fileOut = null;
    }
  }
}
