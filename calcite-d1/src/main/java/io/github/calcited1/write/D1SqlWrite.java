package io.github.calcited1.write;

import io.github.calcited1.client.D1Statement;
import io.github.calcited1.config.D1WriteOptions;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;

/**
 * A write that is one SQL statement run inside D1: a pushed {@code UPDATE ... WHERE}, {@code DELETE ... WHERE} or
 * {@code INSERT ... SELECT} within one database. Checked against D1's per-statement limits when buffered, so an
 * oversized statement fails before anything is sent.
 */
public final class D1SqlWrite extends D1Write {
  private final Kind kind;
  private final String table;
  private final D1Statement statement;
  private final long knownRows;

  public D1SqlWrite(Kind kind, String table, String sql, List<Object> params, long knownRows) throws SQLException {
    this.kind = kind;
    this.table = table;
    this.knownRows = knownRows;
    if (params.size() > D1WriteOptions.D1_MAX_PARAMS) {
      throw new SQLException("The statement has " + params.size() + " bound parameters; D1 allows "
          + D1WriteOptions.D1_MAX_PARAMS + " per statement (nothing was sent): " + abbreviate(sql), "54023");
    }
    int bytes = sql.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > D1WriteOptions.D1_MAX_STATEMENT_BYTES) {
      throw new SQLException("The statement is " + bytes + " bytes of SQL; D1 allows "
          + D1WriteOptions.D1_MAX_STATEMENT_BYTES + " per statement (nothing was sent): " + abbreviate(sql), "54001");
    }
    try {
      this.statement = D1Statement.of(sql, params);
    } catch (IllegalArgumentException e) {
      throw new SQLException(e.getMessage(), "22023", e);
    }
  }

  @Override
  public Kind kind() {
    return kind;
  }

  @Override
  public String table() {
    return table;
  }

  /** The SQL sent to D1. */
  public String sql() {
    return statement.sql();
  }

  @Override
  public String describe() {
    return abbreviate(statement.sql());
  }

  @Override
  public long knownRows() {
    return knownRows;
  }

  @Override
  public long bufferedBytes() {
    return statement.sql().length() + valueBytes(statement.params());
  }

  @Override
  public List<D1Statement> toStatements(D1WriteOptions options) {
    return List.of(statement);
  }
}
