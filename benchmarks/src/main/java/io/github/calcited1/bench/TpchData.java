package io.github.calcited1.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A TPC-H-like decision-support database, generated deterministically by SQLite itself (recursive CTEs) into the file
 * d1-local then serves: money as {@code DECIMAL(15,2)} (stored as SQLite stores it, REAL), dates as {@code DATE}
 * (ISO-8601 text), the eight TPC-H tables with their keys, sized by the number of line items (the fact rows). The
 * values follow TPC-H's shapes (5 regions, 25 nations, 4 suppliers per part, a third
 * of the customers without orders, 4 line items per order, dates 1992-1998), not its exact distributions.
 */
final class TpchData {
  private TpchData() {
  }

  static void generate(Path file, int lineItems) throws SQLException {
    int orders = Math.max(10, lineItems / 4);
    int customers = Math.max(30, orders / 10);
    int parts = Math.max(20, lineItems / 30);
    int suppliers = Math.max(8, lineItems / 600);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      String seq = "WITH RECURSIVE q(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM q WHERE x < %d) ";
      s.execute("CREATE TABLE region (r_regionkey INTEGER PRIMARY KEY, r_name TEXT NOT NULL)");
      s.execute("INSERT INTO region VALUES (0, 'AFRICA'), (1, 'AMERICA'), (2, 'ASIA'), (3, 'EUROPE'), "
          + "(4, 'MIDDLE EAST')");
      s.execute("CREATE TABLE nation (n_nationkey INTEGER PRIMARY KEY, n_name TEXT NOT NULL, "
          + "n_regionkey INTEGER NOT NULL)");
      s.execute("INSERT INTO nation VALUES (0, 'ALGERIA', 0), (1, 'ARGENTINA', 1), (2, 'BRAZIL', 1), "
          + "(3, 'CANADA', 1), (4, 'EGYPT', 4), (5, 'ETHIOPIA', 0), (6, 'FRANCE', 3), (7, 'GERMANY', 3), "
          + "(8, 'INDIA', 2), (9, 'INDONESIA', 2), (10, 'IRAN', 4), (11, 'IRAQ', 4), (12, 'JAPAN', 2), "
          + "(13, 'JORDAN', 4), (14, 'KENYA', 0), (15, 'MOROCCO', 0), (16, 'MOZAMBIQUE', 0), (17, 'PERU', 1), "
          + "(18, 'CHINA', 2), (19, 'ROMANIA', 3), (20, 'SAUDI ARABIA', 4), (21, 'VIETNAM', 2), "
          + "(22, 'RUSSIA', 3), (23, 'UNITED KINGDOM', 3), (24, 'UNITED STATES', 1)");
      s.execute("CREATE TABLE supplier (s_suppkey INTEGER PRIMARY KEY, s_name TEXT NOT NULL, "
          + "s_nationkey INTEGER NOT NULL, s_acctbal DECIMAL(15,2) NOT NULL)");
      s.execute(String.format(seq, suppliers) + "INSERT INTO supplier SELECT x, printf('Supplier#%09d', x), "
          + "(x * 7) % 25, round(((x * 7919) % 1100000) / 100.0 - 999.99, 2) FROM q");
      s.execute("CREATE TABLE customer (c_custkey INTEGER PRIMARY KEY, c_name TEXT NOT NULL, "
          + "c_nationkey INTEGER NOT NULL, c_phone TEXT NOT NULL, c_acctbal DECIMAL(15,2) NOT NULL, "
          + "c_mktsegment TEXT NOT NULL)");
      s.execute(String.format(seq, customers) + "INSERT INTO customer SELECT x, printf('Customer#%09d', x), "
          + "x % 25, (10 + x % 25) || '-' || (100 + x % 900) || '-' || (1000 + (x * 37) % 9000), "
          + "round(((x * 104729) % 1100000) / 100.0 - 999.99, 2), "
          + "CASE x % 5 WHEN 0 THEN 'AUTOMOBILE' WHEN 1 THEN 'BUILDING' WHEN 2 THEN 'FURNITURE' "
          + "WHEN 3 THEN 'HOUSEHOLD' ELSE 'MACHINERY' END FROM q");
      s.execute("CREATE TABLE part (p_partkey INTEGER PRIMARY KEY, p_name TEXT NOT NULL, p_brand TEXT NOT NULL, "
          + "p_type TEXT NOT NULL, p_size INTEGER NOT NULL, p_container TEXT NOT NULL, "
          + "p_retailprice DECIMAL(15,2) NOT NULL)");
      String color = "CASE (%s) %% 10 WHEN 0 THEN 'almond' WHEN 1 THEN 'blue' WHEN 2 THEN 'forest' WHEN 3 THEN "
          + "'green' WHEN 4 THEN 'ivory' WHEN 5 THEN 'khaki' WHEN 6 THEN 'lime' WHEN 7 THEN 'navy' WHEN 8 THEN "
          + "'red' ELSE 'tan' END";
      s.execute(String.format(seq, parts) + "INSERT INTO part SELECT x, "
          + String.format(color, "x * 7") + " || ' ' || " + String.format(color, "x / 10") + ", "
          + "'Brand#' || (1 + x % 5) || (1 + (x / 5) % 5), "
          + "CASE x % 6 WHEN 0 THEN 'STANDARD' WHEN 1 THEN 'SMALL' WHEN 2 THEN 'MEDIUM' WHEN 3 THEN 'LARGE' "
          + "WHEN 4 THEN 'ECONOMY' ELSE 'PROMO' END || ' ' || CASE (x / 6) % 5 WHEN 0 THEN 'ANODIZED' "
          + "WHEN 1 THEN 'BURNISHED' WHEN 2 THEN 'PLATED' WHEN 3 THEN 'POLISHED' ELSE 'BRUSHED' END || ' ' || "
          + "CASE (x / 30) % 5 WHEN 0 THEN 'TIN' WHEN 1 THEN 'NICKEL' WHEN 2 THEN 'BRASS' WHEN 3 THEN 'STEEL' "
          + "ELSE 'COPPER' END, 1 + (x * 7) % 50, "
          + "CASE x % 5 WHEN 0 THEN 'SM' WHEN 1 THEN 'MED' WHEN 2 THEN 'LG' WHEN 3 THEN 'JUMBO' ELSE 'WRAP' END"
          + " || ' ' || CASE (x / 5) % 8 WHEN 0 THEN 'CASE' WHEN 1 THEN 'BOX' WHEN 2 THEN 'BAG' WHEN 3 THEN 'JAR' "
          + "WHEN 4 THEN 'PKG' WHEN 5 THEN 'PACK' WHEN 6 THEN 'CAN' ELSE 'DRUM' END, "
          + "round(900 + (x % 200) + (x % 100) / 100.0, 2) FROM q");
      // Part p is supplied by suppliers 1 + (p + j * stride) % S, j = 0..3; a line item picks one of them.
      int stride = Math.max(1, suppliers / 4);
      s.execute("CREATE TABLE partsupp (ps_partkey INTEGER NOT NULL, ps_suppkey INTEGER NOT NULL, "
          + "ps_availqty INTEGER NOT NULL, ps_supplycost DECIMAL(15,2) NOT NULL,"
          + " PRIMARY KEY (ps_partkey, ps_suppkey))");
      s.execute(String.format(seq, parts * 4) + "INSERT INTO partsupp SELECT 1 + (x - 1) / 4, "
          + "1 + ((1 + (x - 1) / 4) + ((x - 1) % 4) * " + stride + ") % " + suppliers + ", "
          + "1 + (x * 7919) % 9999, round(1 + ((x * 104729) % 100000) / 100.0, 2) FROM q");
      s.execute("CREATE TABLE orders (o_orderkey INTEGER PRIMARY KEY, o_custkey INTEGER NOT NULL, "
          + "o_orderstatus TEXT NOT NULL, o_totalprice DECIMAL(15,2) NOT NULL, o_orderdate DATE NOT NULL, "
          + "o_orderpriority TEXT NOT NULL)");
      // Every third customer has no order: k = 0, 1, 2, 3, ... maps to 1, 2, 4, 5, 7, ...
      int withOrders = customers * 2 / 3;
      s.execute(String.format(seq, orders) + "INSERT INTO orders SELECT x, "
          + "((x * 7919) % " + withOrders + ") + ((x * 7919) % " + withOrders + ") / 2 + 1, "
          + "CASE x % 3 WHEN 0 THEN 'F' WHEN 1 THEN 'O' ELSE 'P' END, "
          + "round(1000 + ((x * 104729) % 40000000) / 100.0, 2), "
          + "date('1992-01-01', '+' || ((x * 97) % 2400) || ' days'), "
          + "CASE x % 5 WHEN 0 THEN '1-URGENT' WHEN 1 THEN '2-HIGH' WHEN 2 THEN '3-MEDIUM' "
          + "WHEN 3 THEN '4-NOT SPECIFIED' ELSE '5-LOW' END FROM q");
      s.execute("CREATE TABLE lineitem (l_orderkey INTEGER NOT NULL, l_partkey INTEGER NOT NULL, "
          + "l_suppkey INTEGER NOT NULL, l_linenumber INTEGER NOT NULL, l_quantity INTEGER NOT NULL, "
          + "l_extendedprice DECIMAL(15,2) NOT NULL, l_discount DECIMAL(15,2) NOT NULL, "
          + "l_tax DECIMAL(15,2) NOT NULL, l_returnflag TEXT NOT NULL, l_linestatus TEXT NOT NULL, "
          + "l_shipdate DATE NOT NULL, l_commitdate DATE NOT NULL, l_receiptdate DATE NOT NULL, "
          + "l_shipmode TEXT NOT NULL, PRIMARY KEY (l_orderkey, l_linenumber))");
      // Line x belongs to order 1 + (x - 1) / 4; its dates follow the order's.
      String orderDays = "((1 + (x - 1) / 4) * 97) % 2400";
      String part = "(1 + (x * 7919) % " + parts + ")";
      String ship = "date('1992-01-01', '+' || (" + orderDays + " + 1 + x % 120) || ' days')";
      String receipt = "date('1992-01-01', '+' || (" + orderDays + " + 2 + x % 120 + (x * 7) % 30) || ' days')";
      s.execute(String.format(seq, orders * 4) + "INSERT INTO lineitem SELECT 1 + (x - 1) / 4, " + part + ", "
          + "1 + (" + part + " + (x % 4) * " + stride + ") % " + suppliers + ", 1 + (x - 1) % 4, "
          + "1 + (x * 13) % 50, round((1 + (x * 13) % 50) * (900 + " + part + " % 200 + (" + part
          + " % 100) / 100.0), 2), ((x * 7) % 11) / 100.0, ((x * 3) % 9) / 100.0, "
          + "CASE WHEN " + receipt + " <= '1995-06-17' THEN CASE x % 2 WHEN 0 THEN 'R' ELSE 'A' END ELSE 'N' END, "
          + "CASE WHEN " + ship + " > '1995-06-17' THEN 'O' ELSE 'F' END, " + ship + ", "
          + "date('1992-01-01', '+' || (" + orderDays + " + 30 + x % 60) || ' days'), " + receipt + ", "
          + "CASE x % 7 WHEN 0 THEN 'REG AIR' WHEN 1 THEN 'AIR' WHEN 2 THEN 'RAIL' WHEN 3 THEN 'SHIP' "
          + "WHEN 4 THEN 'TRUCK' WHEN 5 THEN 'MAIL' ELSE 'FOB' END FROM q");
      s.execute("CREATE INDEX lineitem_part ON lineitem (l_partkey, l_suppkey)");
      s.execute("CREATE INDEX lineitem_supp ON lineitem (l_suppkey)");
      s.execute("CREATE INDEX orders_cust ON orders (o_custkey)");
      s.execute("CREATE INDEX orders_date ON orders (o_orderdate)");
      s.execute("CREATE INDEX partsupp_supp ON partsupp (ps_suppkey)");
      c.commit();
      c.setAutoCommit(true);
      s.execute("ANALYZE");
    }
  }
}
