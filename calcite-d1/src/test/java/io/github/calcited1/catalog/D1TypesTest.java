package io.github.calcited1.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Declared SQLite type to Calcite type, by SQLite's affinity rules (https://sqlite.org/datatype3.html 3.1). No server. */
class D1TypesTest {
  private static final RelDataTypeFactory TYPES = new JavaTypeFactoryImpl();

  private static RelDataType map(String declared) {
    return D1Types.columnType(TYPES, declared, true);
  }

  @ParameterizedTest(name = "''{0}'' -> {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      // rule 1: contains INT
      "INTEGER | BIGINT", "int | BIGINT", "BIGINT | BIGINT", "UNSIGNED BIG INT | BIGINT", "TINYINT | BIGINT",
      "SMALLINT | BIGINT", "MEDIUMINT | BIGINT", "INT2 | BIGINT", "INT8 | BIGINT",
      // SQLite's quirks, followed: INT wins wherever it appears
      "FLOATING POINT | BIGINT", "CHARINT | BIGINT", "INTERVAL | BIGINT",
      // rule 2: CHAR, CLOB, TEXT; no length enforced
      "VARCHAR(20) | VARCHAR", "varchar ( 255 ) | VARCHAR", "CHARACTER(20) | VARCHAR",
      "VARYING CHARACTER(255) | VARCHAR", "NCHAR(55) | VARCHAR", "NATIVE CHARACTER(70) | VARCHAR",
      "NVARCHAR(100) | VARCHAR", "TEXT | VARCHAR", "CLOB | VARCHAR", "BLOBTEXT | VARCHAR",
      // rule 3: BLOB, or no type at all
      "BLOB | VARBINARY", "blob | VARBINARY", "\"\" | ANY", "\"   \" | ANY",
      // rule 4: REAL, FLOA, DOUB
      "REAL | DOUBLE", "DOUBLE | DOUBLE", "DOUBLE PRECISION | DOUBLE", "FLOAT | DOUBLE", "float8 | DOUBLE",
      // rule 5: NUMERIC affinity; without precision only DOUBLE describes INTEGER-or-REAL values
      "NUMERIC | DOUBLE", "DECIMAL | DOUBLE", "MONEY | DOUBLE", "STRING | DOUBLE",
      // names with a known text form in D1, before the affinity rules
      "BOOLEAN | BOOLEAN", "bool | BOOLEAN", "BIT | BOOLEAN", "BIT(1) | BOOLEAN", "bit (1) | BOOLEAN",
      "BIT(8) | DOUBLE", "DATE | DATE", "date | DATE", "TIME | VARCHAR"})
  void affinity(String declared, SqlTypeName expected) {
    assertEquals(expected, map(declared).getSqlTypeName(), declared);
  }

  @Test void nullDeclaredTypeIsAny() {
    assertEquals(SqlTypeName.ANY, map(null).getSqlTypeName());
  }

  @Test void dateTimesAreMillisecondTimestamps() {
    for (String declared : new String[] {"DATETIME", "datetime", "TIMESTAMP", "DATETIME(6)"}) {
      RelDataType t = map(declared);
      assertEquals(SqlTypeName.TIMESTAMP, t.getSqlTypeName(), declared);
      assertEquals(D1Types.TIMESTAMP_PRECISION, t.getPrecision(), declared);
    }
  }

  @Test void decimalsKeepPrecisionAndScale() {
    RelDataType t = map("DECIMAL(10,2)");
    assertEquals(SqlTypeName.DECIMAL, t.getSqlTypeName());
    assertEquals(10, t.getPrecision());
    assertEquals(2, t.getScale());
    t = map("numeric( 8 , 3 )");
    assertEquals(8, t.getPrecision());
    assertEquals(3, t.getScale());
    t = map("NUMERIC(5)");
    assertEquals(SqlTypeName.DECIMAL, t.getSqlTypeName());
    assertEquals(5, t.getPrecision());
    assertEquals(0, t.getScale());
    int max = TYPES.getTypeSystem().getMaxPrecision(SqlTypeName.DECIMAL);
    t = map("DECIMAL(1000,999)");
    assertEquals(max, t.getPrecision(), "clamped to Calcite's maximum");
    assertTrue(t.getScale() <= t.getPrecision());
  }

  @Test void nullabilityIsTheCallers() {
    assertTrue(D1Types.columnType(TYPES, "INTEGER", true).isNullable());
    assertFalse(D1Types.columnType(TYPES, "INTEGER", false).isNullable());
    assertFalse(D1Types.columnType(TYPES, "", false).isNullable());
  }
}
