package io.github.calcited1.client;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One statement's complete result: column names (in order, duplicates kept, present even with no rows), rows and
 * meta. Immutable as far as Java allows: the lists are unmodifiable, the row arrays are not copied on access.
 * Values are as listed on {@link D1Cursor#row()}.
 */
public final class D1Result {
  private final List<String> columns;
  private final List<Object[]> rows;
  private final D1Meta meta;

  public D1Result(List<String> columns, List<Object[]> rows, D1Meta meta) {
    this.columns = List.copyOf(columns);
    this.rows = Collections.unmodifiableList(new ArrayList<>(rows));
    this.meta = Objects.requireNonNull(meta, "meta");
  }

  /** Column names; empty for statements that return no rows (DDL, INSERT without RETURNING). */
  public List<String> columns() {
    return columns;
  }

  public List<Object[]> rows() {
    return rows;
  }

  public D1Meta meta() {
    return meta;
  }

  @Override
  public String toString() {
    return "D1Result{columns=" + columns + ", rows=" + rows.size() + ", meta=" + meta + "}";
  }
}
