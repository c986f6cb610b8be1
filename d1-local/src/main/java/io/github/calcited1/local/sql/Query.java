package io.github.calcited1.local.sql;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One {@code {sql, params}} of a request. Parameters are already D1's bound values: Double (every
 * JSON number and boolean), String, byte[] (a JSON array of bytes) or null.
 */
public record Query(String sql, List<Object> params) {
  public Query {
    params = Collections.unmodifiableList(new ArrayList<>(params)); // List.copyOf refuses nulls
  }
}
