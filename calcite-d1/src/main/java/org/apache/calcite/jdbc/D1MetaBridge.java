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

  /** The Meta of a Calcite connection (the object {@code DataContext.getQueryProvider()} returns), or null. */
  public static Object metaOf(Object connection) {
    if (connection instanceof CalciteConnectionImpl) {
      return ((CalciteConnectionImpl) connection).meta();
    }
    return null;
  }
}
