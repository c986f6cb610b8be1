package org.apache.calcite.jdbc;

import org.apache.calcite.avatica.AvaticaConnection;

/**
 * The one class calcite-d1 puts into Calcite's package (a split package on the class path).
 *
 * <p>{@link CalciteMetaImpl}'s constructors take the package-private {@code CalciteConnectionImpl}, so a Meta subclass
 * outside this package cannot be compiled; and a connection's Meta is reachable only through the package-private
 * {@code CalciteConnectionImpl.meta()}. This bridge exposes exactly those two things and nothing else. The Meta that
 * gives calcite-d1 its commit/rollback path is {@code io.github.calcited1.jdbc.D1JdbcMeta}.
 */
public abstract class D1MetaBridge extends CalciteMetaImpl {
  protected D1MetaBridge(AvaticaConnection connection) {
    super((CalciteConnectionImpl) connection, CalciteMetaTableFactoryImpl.INSTANCE,
        CalciteMetaColumnFactoryImpl.INSTANCE);
  }

  /**
   * As Calcite's, but an SQLException thrown while the statement starts (e.g. an autocommit write sent at once, or a
   * value refused before sending) reaches the JDBC caller as itself, with its SQLState and type. Calcite's own
   * version rethrows it as {@code new RuntimeException(e.getMessage())}, dropping both.
   */
  @Override
  Iterable<Object> _createIterable(StatementHandle handle, Signature signature, java.util.List<
      org.apache.calcite.avatica.remote.TypedValue> parameterValues, Frame firstFrame) {
    try {
      return getConnection().enumerable(handle, (CalcitePrepare.CalciteSignature<Object>) signature, parameterValues);
    } catch (java.sql.SQLException e) {
      throw D1MetaBridge.<RuntimeException>sneaky(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> E sneaky(Throwable e) throws E {
    throw (E) e;
  }

  /** The Meta of a Calcite connection (the object {@code DataContext.getQueryProvider()} returns), or null. */
  public static Object metaOf(Object connection) {
    if (connection instanceof CalciteConnectionImpl) {
      return ((CalciteConnectionImpl) connection).meta();
    }
    return null;
  }
}
