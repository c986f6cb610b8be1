package io.github.calcited1.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.calcited1.rel.D1Schema;
import io.github.calcited1.testing.D1LocalExtension;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.spark.SparkException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apache Spark (local mode) using its JDBC data source over {@code jdbc:d1:} against d1-local, as a Spark job would
 * use it (docs/spark.md). Every answer is compared with what SQLite holds in the database's file (sqlite-jdbc), and
 * each write's outcome with the same Spark job writing to a plain SQLite file through sqlite-jdbc. Requests are
 * counted by d1-local. One SparkSession for the class.
 */
class SparkD1Test {
  static final String TOKEN = "spark-example-token-0123456789abcdefghij";
  static final String DATABASE = "shop";
  static final int ORDERS = 1000;

  @RegisterExtension static final D1LocalExtension D1 = new D1LocalExtension(DATABASE).withToken(TOKEN);
  /** The reference SQLite file. */
  @TempDir static Path tmp;
  static SparkSession spark;

  @BeforeAll static void start() throws Exception {
    // The tables exist before the first connection of this JVM reads (and caches) the catalog.
    try (Connection c = D1.sqlite(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT NOT NULL, amount REAL, qty INTEGER)");
      for (int i = 1; i <= ORDERS; i++) {
        s.execute("INSERT INTO orders VALUES (" + i + ", 'c" + (i % 17) + "', " + (i * 1.25) + ", "
            + (i % 7 == 0 ? "NULL" : i % 7) + ")");
      }
      s.execute("CREATE VIEW order_totals AS SELECT id, amount * qty AS total, upper(customer) AS name FROM orders");
      s.execute(ITEMS);
      s.execute(TYPED);
      s.execute("INSERT INTO typed VALUES"
          + " (1, 12.34, '2024-02-29', '2024-02-29 23:59:59.123', 1, 9007199254740993, 0.1, 'a'),"
          + " (2, -0.05, '1969-12-31', '1970-01-01T00:00:00Z', 0, -9223372036854775808, -1e300, ''),"
          + " (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL)");
      s.execute("CREATE TABLE replaced (id INTEGER PRIMARY KEY, old_column TEXT)");
      s.execute("INSERT INTO replaced VALUES (1, 'old')");
      c.commit();
    }
    try (Connection c = DriverManager.getConnection(url(), tokenOnly())) {
      // warm: the catalog is read once per JVM (cached for catalogTtlSeconds), so the counts below are per job
    }
    try (Connection c = DriverManager.getConnection(referenceUrl()); Statement s = c.createStatement()) {
      s.execute(ITEMS);
    }
    spark = SparkSession.builder().master("local[2]").appName("calcite-d1 spark-example")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
  }

  static final String ITEMS =
      "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL CHECK (length(name) < 6))";
  static final String TYPED = "CREATE TABLE typed (id BIGINT PRIMARY KEY, price DECIMAL(10,2), day DATE,"
      + " at TIMESTAMP, ok BOOLEAN, big BIGINT, r REAL, t TEXT)";

  @AfterAll static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  /** What a Spark job is given: the driver's one-database URL (no token in it; Spark logs URLs). */
  static String url() {
    return "jdbc:d1:database=" + DATABASE + ";accountId=" + D1.accountId() + ";baseUrl=" + D1.baseUrl();
  }

  /** The driver class and the token as a driver property: Spark passes options it does not know to the driver. */
  static Properties properties() {
    Properties p = new Properties();
    p.setProperty("driver", "io.github.calcited1.jdbc.D1Driver");
    p.setProperty("apiToken", TOKEN);
    return p;
  }

  /** The driver's own properties (Spark takes "driver" for itself). */
  static Properties tokenOnly() {
    Properties p = properties();
    p.remove("driver");
    return p;
  }

  /** A plain SQLite file written through sqlite-jdbc by the same Spark jobs: the behaviour to match. */
  static String referenceUrl() {
    return "jdbc:sqlite:" + tmp.resolve("reference.db");
  }

  static Properties referenceProperties() {
    Properties p = new Properties();
    p.setProperty("driver", "org.sqlite.JDBC");
    return p;
  }

  /** The rows of a query, each as its values joined by '|', sorted. */
  static List<String> rows(String jdbcUrl, String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement();
         ResultSet r = s.executeQuery(sql)) {
      int n = r.getMetaData().getColumnCount();
      while (r.next()) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          b.append(i > 1 ? "|" : "").append(r.getObject(i));
        }
        rows.add(b.toString());
      }
    }
    rows.sort(null);
    return rows;
  }

  static List<String> sqliteRows(String sql) throws SQLException {
    return rows("jdbc:sqlite:" + D1.databaseFile(), sql);
  }

  static List<String> sparkRows(Dataset<Row> df) {
    List<String> rows = new ArrayList<>();
    for (Row r : df.collectAsList()) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < r.length(); i++) {
        b.append(i > 0 ? "|" : "").append(r.get(i));
      }
      rows.add(b.toString());
    }
    rows.sort(null);
    return rows;
  }

  @Test void partitionedReadReturnsExactlyTheRowsSqliteHoldsInOneRequestPerPartition() throws Exception {
    long before = D1.requestCount();
    Dataset<Row> df = spark.read().jdbc(url(), "orders", "id", 1, ORDERS + 1, 4, properties());
    assertEquals(4, df.rdd().getNumPartitions());
    List<String> read = sparkRows(df);
    assertEquals(ORDERS, read.size());
    assertEquals(sqliteRows("SELECT id, customer, amount, qty FROM orders"), read);
    // The schema probe (SELECT * FROM orders WHERE 1=0) is answered from the cached catalog: no request.
    // Each partition is one query (WHERE "id" >= ? AND "id" < ?), one request up to pageSize (10,000) rows.
    assertEquals(4, D1.requestCount() - before);
  }

  @Test void partitionedReadOfAFilteredQuery() throws Exception {
    long before = D1.requestCount();
    Dataset<Row> df = spark.read().option("driver", "io.github.calcited1.jdbc.D1Driver").option("apiToken", TOKEN)
        .option("url", url()).option("dbtable", "orders").option("partitionColumn", "id").option("lowerBound", 1)
        .option("upperBound", ORDERS + 1).option("numPartitions", 3).format("jdbc").load()
        .where("qty IS NULL AND customer = 'c3'").select("id", "amount");
    assertEquals(sqliteRows("SELECT id, amount FROM orders WHERE qty IS NULL AND customer = 'c3'"), sparkRows(df));
    assertEquals(3, D1.requestCount() - before);
  }

  /**
   * Spark's writer turns autocommit off when the driver reports transactions, sends each partition's rows in JDBC
   * batches of {@code batchsize} and commits at the end of the partition: one D1 request per partition.
   */
  @Test void appendSendsOnePartitionAsOneRequest() throws Exception {
    Dataset<Row> rows = spark.range(1, 101).selectExpr("id", "concat('n', id) AS name").repartition(2);
    long before = D1.requestCount();
    rows.write().mode("append").option("batchsize", "10").jdbc(url(), "items", properties());
    assertEquals(2, D1.requestCount() - before);
    rows.write().mode("append").option("batchsize", "10").jdbc(referenceUrl(), "items", referenceProperties());
    assertEquals(100, sqliteRows("SELECT * FROM items WHERE id <= 100").size());
    assertEquals(rows(referenceUrl(), "SELECT * FROM items WHERE id <= 100"),
        sqliteRows("SELECT * FROM items WHERE id <= 100"));
  }

  /**
   * A task that fails after its first batch (batchsize 10; row 115 is the 15th of its partition) rolls its
   * partition back: none of its rows land, as with sqlite-jdbc. Before transactions were reported, the first
   * batch stayed committed.
   */
  @Test void aPartitionFailingAfterItsFirstBatchLeavesNoRows() throws Exception {
    // Spark itself fails at row 115, after sending rows 101..110 as the first JDBC batch.
    Dataset<Row> sparkFails = spark.range(101, 121)
        .selectExpr("id", "IF(id = 115, CAST(raise_error('row 115 fails') AS STRING), concat('n', id)) AS name")
        .coalesce(1);
    // D1 refuses row 115: too long for the CHECK constraint.
    Dataset<Row> d1Refuses = spark.range(101, 121)
        .selectExpr("id", "IF(id = 115, 'far too long', concat('n', id)) AS name").coalesce(1);
    for (Dataset<Row> job : List.of(sparkFails, d1Refuses)) {
      Exception e = assertThrows(Exception.class, () ->
          job.write().mode("append").option("batchsize", "10").jdbc(url(), "items", properties()));
      assertThrows(Exception.class, () -> job.write().mode("append").option("batchsize", "10")
          .jdbc(referenceUrl(), "items", referenceProperties()));
      assertEquals(List.of(), sqliteRows("SELECT * FROM items WHERE id > 100"), e.toString());
      assertEquals(List.of(), rows(referenceUrl(), "SELECT * FROM items WHERE id > 100"));
    }
  }

  /**
   * A partition too big for one request (here: request budget 2 statements, rows packed 1,000 bytes per statement)
   * is split into several requests, each atomic; with {@code strictAtomicity=true} its COMMIT fails before anything
   * is sent.
   */
  @Test void aPartitionTooBigForOneRequest() throws Exception {
    String small = url() + ";maxStatementsPerRequest=2;maxValueBytes=1000";
    Dataset<Row> rows = spark.range(301, 501).selectExpr("id", "concat('n', id) AS name").coalesce(1);
    long before = D1.requestCount();
    Exception e = assertThrows(Exception.class, () ->
        rows.write().mode("append").jdbc(small + ";strictAtomicity=true", "items", properties()));
    assertTrue(e.getMessage().contains("strictAtomicity is on, so nothing was sent"), e.getMessage());
    assertEquals(0, D1.requestCount() - before);
    assertEquals(List.of(), sqliteRows("SELECT * FROM items WHERE id > 300"));

    rows.write().mode("append").jdbc(small, "items", properties());
    // 200 rows of about 12 bytes of JSON each: 3 statements of at most 1,000 bytes, 2 per request.
    assertEquals(2, D1.requestCount() - before);
    assertEquals(200, sqliteRows("SELECT * FROM items WHERE id > 300").size());
  }

  @Test void failedCommitSaysWhatD1Refused() {
    Dataset<Row> d1Refuses = spark.range(201, 204)
        .selectExpr("id", "IF(id = 202, 'far too long', concat('n', id)) AS name").coalesce(1);
    SparkException e = assertThrows(SparkException.class, () ->
        d1Refuses.write().mode("append").jdbc(url(), "items", properties()));
    assertTrue(e.getMessage().contains("CHECK constraint failed: length(name) < 6"), e.getMessage());
    assertTrue(e.getMessage().contains("Nothing of the transaction was applied"), e.getMessage());
  }

  /**
   * {@code mode("overwrite")}: Spark drops the table and creates it from the DataFrame's schema (the generic JDBC
   * dialect it uses for jdbc:d1: knows no TRUNCATE, so {@code truncate=true} changes nothing), then appends. Its
   * column types (BIT(1), DOUBLE PRECISION, TEXT, DECIMAL, DATE, TIMESTAMP) read back as the DataFrame's.
   */
  @Test void overwriteReplacesTheTableWithTheDataFramesSchema() throws Exception {
    Dataset<Row> df = spark.range(1, 4).selectExpr("id", "concat('new', id) AS name", "id % 2 = 0 AS even",
        "CAST(id AS DOUBLE) / 4 AS quarter", "CAST(id AS DECIMAL(10,2)) / 8 AS dec",
        "date_add(DATE'2024-02-28', CAST(id AS INT)) AS day", "TIMESTAMP'2024-01-01 10:00:00.123' AS at");
    for (String truncate : List.of("false", "true")) {
      long before = D1.requestCount();
      df.write().mode("overwrite").option("truncate", truncate).jdbc(url(), "replaced", properties());
      // DROP TABLE and CREATE TABLE: each one request, then a catalog reload (2 requests: the table list changed);
      // then one commit per partition.
      assertEquals(2 * (1 + 2) + df.rdd().getNumPartitions(), D1.requestCount() - before);
      Dataset<Row> back = spark.read().jdbc(url(), "replaced", properties());
      assertEquals(df.schema().toDDL().replace("id BIGINT NOT NULL", "id BIGINT").replace("name STRING NOT NULL",
          "name STRING").replace("day DATE NOT NULL", "day DATE").replace("at TIMESTAMP NOT NULL", "at TIMESTAMP"),
          back.schema().toDDL());
      assertEquals(sparkRows(df), sparkRows(back));
      assertEquals(List.of("1|new1|0|0.25|0.125|2024-02-29|2024-01-01 10:00:00.123",
          "2|new2|1|0.5|0.25|2024-03-01|2024-01-01 10:00:00.123",
          "3|new3|0|0.75|0.375|2024-03-02|2024-01-01 10:00:00.123"), sqliteRows("SELECT * FROM replaced"));
    }
  }

  /**
   * Spark asks whether a table exists with {@code SELECT 1 FROM t WHERE 1=0} and reads a failure with a 42xxx
   * SQLState as "no": the driver's 42S02 makes an append to a missing table create it, as with other databases.
   */
  @Test void appendToAMissingTableCreatesIt() throws Exception {
    Dataset<Row> df = spark.range(1, 4).selectExpr("id", "concat('x', id) AS name");
    df.write().mode("append").jdbc(url(), "created_by_spark", properties());
    assertEquals(List.of("1|x1", "2|x2", "3|x3"), sqliteRows("SELECT id, name FROM created_by_spark"));
    assertEquals(List.of("CREATE TABLE \"created_by_spark\" (\"id\" INTEGER NOT NULL, \"name\" TEXT NOT NULL)"),
        sqliteRows("SELECT sql FROM sqlite_master WHERE name = 'created_by_spark'"));
  }

  /**
   * A view's computed columns (no declared type in SQLite) are typed by their values: DOUBLE and STRING here. The
   * view is read with 2 partitions: typing it is one request (the first use after a catalog load), then one per
   * partition.
   */
  @Test void viewWithComputedColumns() throws Exception {
    try (Connection c = DriverManager.getConnection(url(), tokenOnly())) {
      c.unwrap(CalciteConnection.class).getRootSchema().getSubSchema(DATABASE).unwrap(D1Schema.class)
          .refreshCatalog();
    }
    long before = D1.requestCount();
    Dataset<Row> df = spark.read().jdbc(url(), "order_totals", "id", 1, ORDERS + 1, 2, properties());
    assertEquals("id BIGINT,total DOUBLE,name STRING", df.schema().toDDL());
    assertEquals(sqliteRows("SELECT id, amount * qty, upper(customer) FROM orders"), sparkRows(df));
    assertEquals(1 + 2, D1.requestCount() - before);
  }

  /** DECIMAL, DATE, TIMESTAMP, BOOLEAN, BIGINT (past 2^53), REAL and TEXT, each value as SQLite holds it. */
  @Test void typesReadExactly() throws Exception {
    Dataset<Row> df = spark.read().jdbc(url(), "typed", properties());
    assertEquals("id BIGINT,price DECIMAL(10,2),day DATE,at TIMESTAMP,ok BOOLEAN,big BIGINT,r DOUBLE,t STRING",
        df.schema().toDDL());
    List<String> spark = new ArrayList<>();
    for (Row r : df.orderBy("id").collectAsList()) {
      spark.add(r.getLong(0) + "|" + (r.isNullAt(1) ? null : ((BigDecimal) r.get(1)).toPlainString()) + "|"
          + r.get(2) + "|" + (r.isNullAt(3) ? null : r.getTimestamp(3).toLocalDateTime()) + "|"
          + (r.isNullAt(4) ? null : r.getBoolean(4) ? 1 : 0) + "|" + r.get(5) + "|" + r.get(6) + "|" + r.get(7));
    }
    // SQLite's own text of each value; the TIMESTAMP with 'Z' is UTC, read as the same wall-clock time.
    assertEquals(List.of("1|12.34|2024-02-29|2024-02-29T23:59:59.123|1|9007199254740993|0.1|a",
        "2|-0.05|1969-12-31|1970-01-01T00:00|0|-9223372036854775808|-1.0E300|",
        "3|null|null|null|null|null|null|null"), spark);
    assertEquals(List.of("1|12.34|2024-02-29|2024-02-29 23:59:59.123|1|9007199254740993|0.1|a",
        "2|-0.05|1969-12-31|1970-01-01T00:00:00Z|0|-9223372036854775808|-1.0E300|",
        "3|null|null|null|null|null|null|null"), sqliteRows("SELECT * FROM typed"));
  }
}
