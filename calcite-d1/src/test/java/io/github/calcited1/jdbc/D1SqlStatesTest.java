package io.github.calcited1.jdbc;

import io.github.calcited1.testing.D1LocalExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Statement failures carry an SQLState at the top of the exception, not only on a cause. */
class D1SqlStatesTest {
  @RegisterExtension static final D1LocalExtension d1 = new D1LocalExtension("shop", "other");

  @BeforeAll
  static void schema() throws Exception {
    d1.d1Batch("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
        "INSERT INTO people VALUES (1, 'ann')");
  }

  /** A missing table is SQLState 42S02 at the top of the exception (Spark reads 42xxx as "no such table"). */
  @Test
  void missingTableIs42S02AndUnknownColumn42S22() throws Exception {
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      SQLException read = assertThrows(SQLException.class, () -> c.prepareStatement("SELECT * FROM nope WHERE 1=0"));
      assertEquals("42S02", read.getSQLState(), read.getMessage());
      SQLException append = assertThrows(SQLException.class, () -> s.executeUpdate("INSERT INTO nope VALUES (1)"));
      assertEquals("42S02", append.getSQLState(), append.getMessage());
      assertTrue(append.getMessage().contains("'nope' not found"), append.getMessage());
      SQLException column = assertThrows(SQLException.class, () -> s.executeQuery("SELECT nope FROM people"));
      assertEquals("42S22", column.getSQLState(), column.getMessage());
      SQLException syntax = assertThrows(SQLException.class, () -> s.executeQuery("SELEC 1"));
      assertEquals("42000", syntax.getSQLState(), syntax.getMessage());
    }
  }


  @Test
  void d1sOwnErrorKeepsItsState() throws Exception {
    try (Connection c = d1.connect(); Statement s = c.createStatement()) {
      SQLException unique = assertThrows(SQLException.class,
          () -> s.executeUpdate("INSERT INTO people (id, name) VALUES (2, 'ann')"));
      assertEquals("23505", unique.getSQLState(), unique.getMessage());
    }
  }
}
