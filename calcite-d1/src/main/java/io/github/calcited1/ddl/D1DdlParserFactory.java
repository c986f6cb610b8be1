package io.github.calcited1.ddl;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.regex.Pattern;
import org.apache.calcite.server.DdlExecutor;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlAbstractParserImpl;
import org.apache.calcite.sql.parser.SqlParserImplFactory;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.parser.ddl.SqlDdlParserImpl;
import org.apache.calcite.sql.parser.impl.SqlParserImpl;

/**
 * The parser of {@code jdbc:d1:} connections ({@code parserFactory=io.github.calcited1.ddl.D1DdlParserFactory#FACTORY},
 * the driver's default): statements that start with {@code CREATE}, {@code DROP} or {@code ALTER} go to Calcite's DDL
 * grammar (calcite-server), everything else to Calcite's core grammar, so queries and DML keep core 1.42's syntax.
 *
 * <p>A {@code CREATE}/{@code DROP}/{@code ALTER} statement that the DDL grammar cannot parse (SQLite's own forms:
 * {@code CREATE INDEX}, {@code ALTER TABLE}, column-level {@code PRIMARY KEY}/{@code REFERENCES}, triggers, FTS5
 * tables) becomes a {@link D1NativeDdl} holding the text as written, which {@link D1DdlExecutor} sends to D1.
 */
public final class D1DdlParserFactory implements SqlParserImplFactory {
  public static final D1DdlParserFactory FACTORY = new D1DdlParserFactory();

  /** The first word, after blanks and comments, of a statement for the DDL grammar. */
  static final Pattern DDL_START = Pattern.compile(
      "(?is)^" + D1NativeDdl.LEADING + "(CREATE|DROP|ALTER)\\b.*");

  private D1DdlParserFactory() {
  }

  @Override public SqlAbstractParserImpl getParser(Reader stream) {
    String sql = readAll(stream);
    if (DDL_START.matcher(sql).matches()) {
      return new Parser(sql);
    }
    return SqlParserImpl.FACTORY.getParser(new StringReader(sql));
  }

  @Override public DdlExecutor getDdlExecutor() {
    return D1DdlExecutor.INSTANCE;
  }

  private static String readAll(Reader reader) {
    StringBuilder sb = new StringBuilder();
    char[] buffer = new char[4096];
    try {
      for (int n = reader.read(buffer); n >= 0; n = reader.read(buffer)) {
        sb.append(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sb.toString();
  }

  /** Calcite's DDL grammar; a statement it rejects is kept as native SQLite DDL when it is one of SQLite's forms. */
  static final class Parser extends SqlDdlParserImpl {
    private final String sql;

    Parser(String sql) {
      super(new StringReader(sql));
      this.sql = sql;
    }

    @Override public SqlNode parseSqlStmtEof() throws Exception {
      try {
        return super.parseSqlStmtEof();
      } catch (Exception | org.apache.calcite.sql.parser.ddl.TokenMgrError e) {
        if (D1NativeDdl.isNative(sql)) {
          return new D1NativeDdl(SqlParserPos.ZERO, sql);
        }
        throw e;
      }
    }
  }
}
