package io.github.calcited1.jdbc;

import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaDatabaseMetaData;

import java.sql.Connection;

/**
 * Avatica's {@code DatabaseMetaData} (whose result sets come from {@link D1JdbcMeta}) with what it hard-codes told
 * as {@code jdbc:d1:} is: transactions are supported (writes wait for COMMIT, which sends them to D1 as one atomic
 * request per database), at READ COMMITTED only ({@link D1JdbcMeta#ISOLATION}), one per connection; generated keys
 * are returned after an INSERT run in autocommit mode.
 */
public class D1DatabaseMetaData extends AvaticaDatabaseMetaData {
  public D1DatabaseMetaData(AvaticaConnection connection) {
    super(connection);
  }

  @Override
  public boolean supportsTransactions() {
    return true;
  }

  @Override
  public boolean supportsMultipleTransactions() {
    return true;
  }

  @Override
  public boolean supportsTransactionIsolationLevel(int level) {
    return level == D1JdbcMeta.ISOLATION || level == Connection.TRANSACTION_NONE;
  }

  @Override
  public boolean supportsGetGeneratedKeys() {
    return true;
  }
}
