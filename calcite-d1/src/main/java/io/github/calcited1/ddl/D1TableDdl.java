package io.github.calcited1.ddl;

import static io.github.calcited1.catalog.D1Names.quote;

import io.github.calcited1.rel.D1SqlDialect;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.ColumnStrategy;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlUserDefinedTypeNameSpec;
import org.apache.calcite.sql.ddl.SqlCheckConstraint;
import org.apache.calcite.sql.ddl.SqlColumnDeclaration;
import org.apache.calcite.sql.ddl.SqlCreateTable;
import org.apache.calcite.sql.ddl.SqlKeyConstraint;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Calcite's {@code CREATE TABLE} and {@code CREATE VIEW} as SQLite DDL for D1. Each Calcite type becomes the SQLite
 * declaration that calcite-d1 reads back as the same type, or the nearest wider one (docs/ddl.md has the table):
 * {@code INTEGER}/{@code BIGINT}/{@code SMALLINT}/{@code TINYINT} become {@code INTEGER} (read as BIGINT; a one-column
 * {@code PRIMARY KEY} on it is the rowid), {@code DECIMAL(p,s)} stays, {@code VARCHAR(n)}/{@code CHAR(n)} become
 * {@code VARCHAR(n)}/{@code TEXT} (SQLite enforces no length), {@code REAL}/{@code FLOAT}/{@code DOUBLE} become
 * {@code DOUBLE}, {@code VARBINARY}/{@code BINARY} become {@code BLOB}, {@code BOOLEAN}, {@code DATE} and
 * {@code TIMESTAMP} stay, {@code TIME} stays (read as text). A type name Calcite does not know ({@code TEXT},
 * {@code BLOB}) goes to D1 as written.
 */
final class D1TableDdl {
  private static final java.util.Set<String> BARE_DEFAULTS = java.util.Set.of("CURRENT_TIMESTAMP", "CURRENT_DATE",
      "CURRENT_TIME");

  private D1TableDdl() {
  }

  static String createTable(SqlCreateTable create, String table, RelDataTypeFactory typeFactory)
      throws SQLException {
    if (create.query != null) {
      throw unsupported("CREATE TABLE ... AS query is not supported on D1; create the table with its columns, then"
          + " INSERT INTO it ... SELECT");
    }
    if (create.getReplace()) {
      throw unsupported("CREATE OR REPLACE TABLE is not supported on D1; DROP TABLE IF EXISTS first");
    }
    if (create.columnList == null || create.columnList.isEmpty()) {
      throw unsupported("CREATE TABLE " + table + " needs at least one column");
    }
    List<String> elements = new ArrayList<>();
    for (SqlNode element : create.columnList) {
      elements.add(element(element, typeFactory));
    }
    return "CREATE TABLE " + (create.ifNotExists ? "IF NOT EXISTS " : "") + quote(table) + " ("
        + String.join(", ", elements) + ")";
  }

  private static String element(SqlNode element, RelDataTypeFactory typeFactory) throws SQLException {
    if (element instanceof SqlIdentifier column) {
      return quote(column.getSimple()); // a column without a type: any value, read as ANY
    }
    if (element instanceof SqlColumnDeclaration column) {
      StringBuilder sb = new StringBuilder(quote(column.name.getSimple())).append(' ')
          .append(declaration(column.dataType, typeFactory));
      if (Boolean.FALSE.equals(column.dataType.getNullable())) {
        sb.append(" NOT NULL");
      }
      if (column.strategy == ColumnStrategy.DEFAULT) {
        SqlNode e = column.expression;
        // SQLite takes a literal, a signed number and CURRENT_* (niladic: identifiers when parsed) bare, any other
        // expression in parentheses.
        boolean literal = e instanceof SqlLiteral
            || (e.getKind() == SqlKind.MINUS_PREFIX && ((SqlCall) e).operand(0) instanceof SqlLiteral)
            || (e instanceof SqlIdentifier id && id.isSimple() && BARE_DEFAULTS.contains(id.getSimple()));
        sb.append(" DEFAULT ").append(literal ? sql(e) : "(" + sql(e) + ")");
      } else if (column.strategy == ColumnStrategy.VIRTUAL || column.strategy == ColumnStrategy.STORED) {
        sb.append(" GENERATED ALWAYS AS (").append(sql(column.expression)).append(") ")
            .append(column.strategy == ColumnStrategy.STORED ? "STORED" : "VIRTUAL");
      }
      return sb.toString();
    }
    if (element instanceof SqlKeyConstraint key) {
      SqlIdentifier name = (SqlIdentifier) key.getOperandList().get(0);
      SqlNodeList columns = (SqlNodeList) key.getOperandList().get(1);
      List<String> names = new ArrayList<>();
      for (SqlNode c : columns) {
        names.add(quote(((SqlIdentifier) c).getSimple()));
      }
      return constraintName(name) + (key.getKind() == SqlKind.PRIMARY_KEY ? "PRIMARY KEY (" : "UNIQUE (")
          + String.join(", ", names) + ")";
    }
    if (element instanceof SqlCheckConstraint check) {
      SqlIdentifier name = (SqlIdentifier) check.getOperandList().get(0);
      return constraintName(name) + "CHECK (" + sql(check.getOperandList().get(1)) + ")";
    }
    throw unsupported("table element not supported on D1: " + element);
  }

  private static String constraintName(SqlIdentifier name) {
    return name == null ? "" : "CONSTRAINT " + quote(name.getSimple()) + " ";
  }

  /** The SQLite declaration of a Calcite type (see the class comment). */
  static String declaration(SqlDataTypeSpec spec, RelDataTypeFactory typeFactory) throws SQLException {
    if (spec.getTypeNameSpec() instanceof SqlUserDefinedTypeNameSpec udt) {
      return udt.getTypeName().toString();
    }
    if (!(spec.getTypeNameSpec() instanceof SqlBasicTypeNameSpec basic)) {
      throw unsupported("the type " + spec + " has no SQLite equivalent; declare a basic type (INTEGER, TEXT,"
          + " DOUBLE, DECIMAL(p,s), BOOLEAN, DATE, TIMESTAMP, BLOB)");
    }
    SqlTypeName type = SqlTypeName.get(basic.getTypeName().getSimple());
    int precision = basic.getPrecision();
    int scale = basic.getScale();
    if (type == null) {
      return basic.getTypeName().getSimple();
    }
    switch (type) {
      case BOOLEAN:
        return "BOOLEAN";
      case TINYINT:
      case SMALLINT:
      case INTEGER:
      case BIGINT:
        return "INTEGER";
      case DECIMAL:
        if (precision < 0) {
          precision = typeFactory.getTypeSystem().getDefaultPrecision(SqlTypeName.DECIMAL);
        }
        return "DECIMAL(" + precision + ", " + Math.max(scale, 0) + ")";
      case REAL:
      case FLOAT:
      case DOUBLE:
        return "DOUBLE";
      case CHAR:
      case VARCHAR:
        return precision >= 0 ? "VARCHAR(" + precision + ")" : "TEXT";
      case BINARY:
      case VARBINARY:
        return "BLOB";
      case DATE:
        return "DATE";
      case TIME:
        return "TIME";
      case TIMESTAMP:
        return "TIMESTAMP";
      default:
        throw unsupported("the type " + type + " has no SQLite equivalent; declare a basic type (INTEGER, TEXT,"
            + " DOUBLE, DECIMAL(p,s), BOOLEAN, DATE, TIMESTAMP, BLOB)");
    }
  }

  static String createView(String view, SqlNodeList columns, SqlNode query) {
    StringBuilder sb = new StringBuilder("CREATE VIEW ").append(quote(view));
    if (columns != null) {
      List<String> names = new ArrayList<>();
      for (SqlNode c : columns) {
        names.add(quote(((SqlIdentifier) c).getSimple()));
      }
      sb.append(" (").append(String.join(", ", names)).append(')');
    }
    return sb.append(" AS ").append(sql(query)).toString();
  }

  /** An expression or query as SQLite text. */
  private static String sql(SqlNode node) {
    return node.toSqlString(D1SqlDialect.INSTANCE).getSql();
  }

  private static SQLException unsupported(String message) {
    return new SQLException(message + " (nothing was sent)", "0A000");
  }
}
