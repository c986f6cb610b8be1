package io.github.calcited1.shell;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Drops Java stack traces from a stream, line by line. sqlline prints a full stack trace for every failed statement
 * given with {@code -e} (it treats them as start-up errors); the one-line "Error: ..." message before it stays.
 */
final class StackTraceFilter extends OutputStream {
  private static final Pattern TRACE = Pattern.compile(
      "^(\\s+at .*|\\s*\\.\\.\\. \\d+ more|Caused by: .*|[\\w.$]+(Exception|Error|Throwable)(: .*)?)\\r?$");

  private final OutputStream out;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();

  StackTraceFilter(OutputStream out) {
    this.out = out;
  }

  @Override public synchronized void write(int b) throws IOException {
    line.write(b);
    if (b == '\n') {
      emit();
    }
  }

  @Override public synchronized void flush() throws IOException {
    out.flush();
  }

  @Override public synchronized void close() throws IOException {
    emit();
    out.flush();
  }

  private void emit() throws IOException {
    if (line.size() == 0) {
      return;
    }
    String s = line.toString(StandardCharsets.UTF_8);
    String noNewline = s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    if (!TRACE.matcher(noNewline).matches()) {
      out.write(line.toByteArray());
    }
    line.reset();
  }
}
