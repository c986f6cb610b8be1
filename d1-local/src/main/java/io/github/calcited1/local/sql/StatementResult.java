package io.github.calcited1.local.sql;

import io.github.calcited1.local.json.SpillBuffer;

/** One element of a response's {@code result}: meta and the spooled JSON of {@code results}. */
public record StatementResult(Meta meta, SpillBuffer results) implements AutoCloseable {
  @Override
  public void close() {
    results.close();
  }
}
