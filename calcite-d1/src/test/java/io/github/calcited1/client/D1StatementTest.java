package io.github.calcited1.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

class D1StatementTest {
  @Test
  void unsupportedTypeNamesTypeAndIndex() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> D1Statement.of("SELECT ?, ?", 1L, new Date()));
    assertTrue(e.getMessage().contains("Parameter 2"), e.getMessage());
    assertTrue(e.getMessage().contains("java.util.Date"), e.getMessage());
  }

  @Test
  void nanAndInfinityRefused() {
    for (Object bad : List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Float.NaN)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> D1Statement.of("SELECT ?", "x", bad));
      assertTrue(e.getMessage().startsWith("Parameter 2 is "), e.getMessage());
      assertTrue(e.getMessage().contains("JSON cannot carry"), e.getMessage());
    }
  }

  @Test
  void paramsAreAnUnmodifiableCopyAndMayHoldNull() {
    byte[] bytes = {1, 2};
    D1Statement s = D1Statement.of("SELECT ?, ?", Arrays.asList(null, bytes));
    bytes[0] = 9;
    assertNull(s.params().get(0));
    assertArrayEquals(new byte[] {1, 2}, (byte[]) s.params().get(1));
    assertThrows(UnsupportedOperationException.class, () -> s.params().add("x"));
    assertEquals(D1Statement.of("SELECT ?, ?", null, new byte[] {1, 2}), s);
    assertEquals(D1Statement.of("SELECT ?, ?", null, new byte[] {1, 2}).hashCode(), s.hashCode());
  }

  @Test
  void toStringLeavesOutValues() {
    String text = D1Statement.of("SELECT ?", "secret-value").toString();
    assertFalse(text.contains("secret-value"), text);
    assertTrue(text.contains("SELECT ?"), text);
  }
}
