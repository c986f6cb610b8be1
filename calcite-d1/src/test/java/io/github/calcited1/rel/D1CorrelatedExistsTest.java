package io.github.calcited1.rel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.calcited1.testing.D1LocalExtension;
import io.github.calcited1.testing.Rows;
import io.github.calcited1.testing.ShopData;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.calcite.runtime.Hook;
import org.apache.calcite.tools.Program;
import org.apache.calcite.tools.Programs;
import org.apache.calcite.util.Holder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code EXISTS} sub-queries sent to D1 as written ({@link D1CorrelatedExists}), through a {@code jdbc:d1:}
 * connection; D1CorpusTest compares more shapes with Calcite's own answers.
 */
class D1CorrelatedExistsTest {
  @RegisterExtension static final D1LocalExtension D1 = new D1LocalExtension("shop");

  /** Orders with another product than this row's, and none bought in a larger quantity (Q21's shape). */
  private static final String QUERY = "select oi.order_id, oi.product_id from order_items oi where exists"
      + " (select 1 from order_items oi2 where oi2.order_id = oi.order_id and oi2.product_id <> oi.product_id)"
      + " and not exists (select 1 from order_items oi3 where oi3.order_id = oi.order_id"
      + " and oi3.product_id <> oi.product_id and oi3.qty > oi.qty) order by 1, 2";

  @BeforeAll static void setUp() throws SQLException {
    try (Connection sqlite = D1.sqlite()) {
      ShopData.create(sqlite);
    }
  }

  /**
   * The sub-queries read the same table as the outer query: each outer column must carry the outer alias, or SQLite
   * resolves it to the inner table (a condition that is always true or false, and a wrong answer).
   */
  @Test void outerColumnsAreQualifiedWhenBothSidesReadOneTable() throws SQLException {
    List<String> sent = new ArrayList<>();
    long before = D1.requestCount();
    List<String> rows;
    try (Connection c = D1.connect()) {
      rows = Rows.query(c, QUERY, sent);
    }
    assertEquals(1, D1.requestCount() - before, sent::toString);
    String sql = sent.get(0).replaceAll("\\s+", " ");
    // the outer row is the derived table "t"; "order_items0" and "order_items1" are the sub-queries' own
    assertTrue(sql.contains("WHERE EXISTS (SELECT * FROM \"order_items\" AS \"order_items0\" WHERE"
        + " \"order_items0\".\"order_id\" = \"t\".\"order_id\" AND \"order_items0\".\"product_id\" <>"
        + " \"t\".\"product_id\")"), sql);
    assertTrue(sql.contains("NOT EXISTS (SELECT * FROM \"order_items\" AS \"order_items1\" WHERE"
        + " \"order_items1\".\"order_id\" = \"t\".\"order_id\""), sql);
    assertFalse(rows.isEmpty());
    assertEquals(sqliteAnswer(), rows);
  }

  /** Parameters inside and outside the sub-query are bound in the order the statement's text names them. */
  @Test void parametersInsideTheSubQueryAreBoundInTextOrder() throws SQLException {
    String sql = "select oi.order_id, oi.product_id from order_items oi where oi.qty >= ? and exists (select 1"
        + " from order_items oi2 where oi2.order_id = oi.order_id and oi2.product_id <> oi.product_id"
        + " and oi2.qty < ?) and oi.product_id <> ? order by 1, 2";
    List<String> sent = new ArrayList<>();
    List<String> rows = new ArrayList<>();
    try (Connection c = D1.connect();
         Hook.Closeable ignored = Hook.QUERY_PLAN.addThread((Consumer<Object>) s -> sent.add((String) s));
         PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setInt(1, 2);
      ps.setInt(2, 4);
      ps.setInt(3, 3);
      try (ResultSet rs = ps.executeQuery()) {
        rows.addAll(Rows.read(rs));
      }
    }
    assertTrue(sent.get(0).contains("EXISTS (SELECT"), sent::toString);
    List<String> expected = D1.fileRows(sql.replaceFirst("\\?", "2").replaceFirst("\\?", "4")
        .replaceFirst("\\?", "3")).stream().map(row -> row.replace("|", " | ")).toList();
    assertFalse(expected.isEmpty());
    assertEquals(expected, rows);
  }

  /** A program the application chose for its thread is used instead: the sub-queries are decorrelated. */
  @Test void aThreadsOwnProgramWins() throws SQLException {
    List<String> sent = new ArrayList<>();
    List<String> rows;
    try (Connection c = D1.connect(); Hook.Closeable ignored = Hook.PROGRAM.addThread(
        (Consumer<Holder<Program>>) holder -> holder.set(Programs.standard()))) {
      rows = Rows.query(c, QUERY, sent);
    }
    assertEquals(1, sent.size(), sent::toString);
    assertFalse(sent.get(0).contains("EXISTS"), sent.get(0));
    assertEquals(sqliteAnswer(), rows);
  }

  /** The same question asked of SQLite itself, on the database's file. */
  private static List<String> sqliteAnswer() throws SQLException {
    return D1.fileRows(QUERY).stream().map(row -> row.replace("|", " | ")).toList();
  }
}
