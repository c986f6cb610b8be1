package io.github.calcited1.bench;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.github.calcited1.jdbc.D1Connections;
import io.github.calcited1.write.D1CommitStats;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Section 3: 100,000 rows of 5 columns into D1 through calcite-d1 (one transaction of prepared INSERTs; one JDBC
 * batch) vs a hand-written loader that sends the optimal request straight to the HTTP API with OkHttp; and the
 * per-row autocommit baseline.
 */
final class BulkBench {
  static final String DDL = "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER NOT NULL, "
      + "price REAL NOT NULL, note TEXT)";
  static final String INSERT = "INSERT INTO items (id, name, qty, price, note) VALUES (?, ?, ?, ?, ?)";
  static final String LOADER_SQL = "INSERT INTO items (id, name, qty, price, note) "
      + "SELECT value->>0, value->>1, value->>2, value->>3, value->>4 FROM json_each(?)";
  /** D1's limit for one string value (the packed rows are one string parameter). */
  static final int D1_MAX_VALUE_BYTES = 2_000_000;
  static final int D1_MAX_PARAMS = 100;

  private BulkBench() {
  }

  static String name(int i) {
    return "item-" + i;
  }

  static int qty(int i) {
    return i % 97;
  }

  static double price(int i) {
    return i * 0.25;
  }

  static String note(int i) {
    return i % 10 == 0 ? null : "note \"" + (i * 7919L % 100_000) + "\" é";
  }

  static void run(Env env, Report report) throws Exception {
    Bench.Config cfg = env.cfg;
    int n = cfg.bulkRows();
    Wire wire = env.wire("bulk");
    reset(wire);
    try (Connection tx = env.d1("bulk", false); Connection batch = env.d1("bulk", false);
         Connection perRow = env.d1("bulk", false)) {
      tx.setAutoCommit(false);
      PreparedStatement txPs = tx.prepareStatement(INSERT);
      PreparedStatement batchPs = batch.prepareStatement(INSERT);
      PreparedStatement rowPs = perRow.prepareStatement(INSERT);
      // Warm-up with a small load of each kind (JIT), then verify the row count.
      int warm = Math.min(n, 5_000);
      timeTx(tx, txPs, warm);
      check(wire, warm);
      reset(wire);
      timeBatch(batchPs, warm);
      check(wire, warm);
      reset(wire);
      timeLoader(wire, warm);
      check(wire, warm);

      List<Double> txRatio = new ArrayList<>();
      List<Double> batchRatio = new ArrayList<>();
      List<Double> txSec = new ArrayList<>();
      List<Double> batchSec = new ArrayList<>();
      List<Double> loaderSec = new ArrayList<>();
      long txRequests = -1;
      long batchRequests = -1;
      long loaderRequests = -1;
      D1CommitStats txStats = null;
      D1CommitStats batchStats = null;
      long txBodyBytes = 0;
      long end = System.nanoTime() + cfg.sectionBudgetMillis() * 1_000_000L;
      for (int r = 0; r < cfg.bulkRounds() && (r < 2 || System.nanoTime() < end); r++) {
        double[] t = new double[3];
        for (int k = 0; k < 3; k++) {
          int which = (r + k) % 3;
          reset(wire);
          long q0 = env.server.requestCount();
          if (which == 0) {
            env.server.clearRecordedRequests();
            t[0] = timeTx(tx, txPs, n);
            txRequests = env.server.requestCount() - q0;
            txStats = D1Connections.lastCommitStats(tx).get(0);
            txBodyBytes = env.server.recordedRequests().stream().filter(x -> x.path().endsWith("/raw"))
                .mapToLong(x -> x.body().length()).sum();
          } else if (which == 1) {
            t[1] = timeBatch(batchPs, n);
            batchRequests = env.server.requestCount() - q0;
            batchStats = D1Connections.lastCommitStats(batch).get(0);
          } else {
            t[2] = timeLoader(wire, n);
            loaderRequests = env.server.requestCount() - q0;
          }
          check(wire, n);
        }
        txRatio.add(t[2] / t[0]);
        batchRatio.add(t[2] / t[1]);
        txSec.add(t[0]);
        batchSec.add(t[1]);
        loaderSec.add(t[2]);
      }
      // Per-row autocommit: every executeUpdate is its own request. Fewer rows, extrapolated (and labelled so).
      int m = cfg.perRowRows();
      reset(wire);
      long q0 = env.server.requestCount();
      long t0 = System.nanoTime();
      for (int i = 1; i <= m; i++) {
        bind(rowPs, i);
        rowPs.executeUpdate();
      }
      double perRowSec = (System.nanoTime() - t0) / 1e9;
      long perRowRequests = env.server.requestCount() - q0;
      check(wire, m);

      Stats txS = new Stats(txRatio);
      Stats batchS = new Stats(batchRatio);
      Stats loaderT = new Stats(loaderSec);
      report.figure(new Report.Figure("Bulk " + n + " rows, one transaction: calcite-d1 / loader",
          "throughput of prepared INSERT × " + n + " + COMMIT vs hand-written OkHttp loader, per round", txS, 0.8,
          false, null));
      report.figure(new Report.Figure("Bulk " + n + " rows, executeBatch: calcite-d1 / loader",
          "throughput of addBatch × " + n + " + executeBatch vs the same loader", batchS, 0.8, false, null));
      double perRowExtrapolated = perRowSec * n / m;
      report.figure(new Report.Figure("Per-row autocommit (extrapolated) / loader",
          "throughput of " + m + " autocommit INSERTs, one request each, vs the loader's median", Stats.of(
              loaderT.median() / perRowExtrapolated), Double.NaN, false, "no target: shows what buffering buys"));

      long jsonBytes = loaderJsonBytes(n);
      long optimumStatements = (jsonBytes + D1_MAX_VALUE_BYTES - 1) / D1_MAX_VALUE_BYTES;
      report.check("Bulk " + n + " rows, one transaction: requests (calcite-d1)", txRequests + " (" +
          (txStats == null ? "?" : txStats.statementsSent()) + " statements)", "1 (optimum)", txRequests == 1);
      report.check("Bulk " + n + " rows, executeBatch: requests (calcite-d1)", batchRequests + " (" +
          (batchStats == null ? "?" : batchStats.statementsSent()) + " statements)", "1 (optimum)",
          batchRequests == 1);

      StringBuilder md = new StringBuilder();
      md.append("## 3. Bulk write\n\n");
      md.append("Table `").append(DDL).append("`, ").append(n).append(" rows (strings with quotes and non-ASCII, "
          + "10% NULLs), recreated before every load. Three ways, taking turns each round:\n\n");
      md.append("* **calcite-d1, one transaction**: `setAutoCommit(false)`, a prepared `").append(INSERT)
          .append("` executed ").append(n).append(" times, `commit()`;\n");
      md.append("* **calcite-d1, executeBatch**: autocommit on, `addBatch()` × ").append(n)
          .append(", `executeBatch()`;\n");
      md.append("* **hand-written loader**: OkHttp + Jackson, the same Java values encoded as JSON rows, packed into "
          + "`").append(LOADER_SQL).append("` statements of at most 2,000,000 bytes each, all in ONE `/raw` batch "
          + "request.\n\n");
      md.append("**The optimum D1's limits allow.** D1 limits a statement to 100 bound parameters and 100,000 bytes "
          + "of SQL, and one string value to 2,000,000 bytes; a request must finish in 30 s, and D1 documents no "
          + "limit on statements per batch. With parameterized `VALUES`, a statement holds ⌊100 / 5⌋ = 20 rows, i.e. "
          + String.format(Locale.ROOT, "%,d", (n + 19) / 20) + " statements. Packing rows as one JSON string "
          + "parameter (`json_each`) removes the parameter limit: these rows are ")
          .append(String.format(Locale.ROOT, "%,d", jsonBytes)).append(" bytes of JSON, so ⌈")
          .append(String.format(Locale.ROOT, "%,d", jsonBytes)).append(" / 2,000,000⌉ = ").append(optimumStatements)
          .append(" statements at least, and since nothing bounds a batch but the 30 s (the loader's request takes ")
          .append(Report.fmt(loaderT.median(), 2)).append(" s on d1-local), **the optimum is 1 request**.\n\n");
      md.append("| way | requests | D1 statements | bytes sent | median s | rows/s | throughput ratio vs loader "
          + "(median, IQR) |\n|---|---:|---:|---:|---:|---:|---|\n");
      Stats txT = new Stats(txSec);
      Stats batchT = new Stats(batchSec);
      md.append(String.format(Locale.ROOT, "| calcite-d1, one transaction | %d | %s | %,d | %s | %,.0f | %s |%n",
          txRequests, txStats == null ? "?" : txStats.statementsSent(), txBodyBytes, Report.fmt(txT.median(), 2),
          n / txT.median(), txS.describe(2)));
      md.append(String.format(Locale.ROOT, "| calcite-d1, executeBatch | %d | %s | | %s | %,.0f | %s |%n",
          batchRequests, batchStats == null ? "?" : batchStats.statementsSent(), Report.fmt(batchT.median(), 2),
          n / batchT.median(), batchS.describe(2)));
      md.append(String.format(Locale.ROOT, "| hand-written loader (OkHttp) | %d | %d | %,d | %s | %,.0f | 1 |%n",
          loaderRequests, optimumStatements, jsonBytes, Report.fmt(loaderT.median(), 2), n / loaderT.median()));
      md.append(String.format(Locale.ROOT, "| per-row autocommit, %,d rows measured | %d | %d | | %s | %,.0f | "
          + "%s |%n", m, perRowRequests, perRowRequests, Report.fmt(perRowSec, 2), m / perRowSec,
          Report.fmt(loaderT.median() / perRowExtrapolated, 3)));
      md.append(String.format(Locale.ROOT, "| per-row autocommit, **extrapolated** to %,d rows | %d | %d | | %s | "
          + "%,.0f | |%n", n, (long) perRowRequests * n / m, (long) perRowRequests * n / m,
          Report.fmt(perRowExtrapolated, 1), n / perRowExtrapolated));
      md.append("\nBuffering buys ").append(Report.fmt(perRowExtrapolated / txT.median(), 0))
          .append("× over per-row autocommit here, on loopback; against Cloudflare, where a request costs tens "
              + "of milliseconds and the API allows 1,200 requests per 5 minutes, ")
          .append(String.format(Locale.ROOT, "%,d", (long) perRowRequests * n / m))
          .append(" requests would take at least ")
          .append(Report.fmt(perRowRequests * (double) n / m / 1200 * 5, 0)).append(" minutes.\n\n");
      if (txStats != null) {
        md.append("calcite-d1's commit statistics (one transaction): `").append(txStats).append("`.\n\n");
      }
      report.section(md.toString());
      Bench.log("bulk: tx %s, batch %s; requests tx=%d batch=%d loader=%d", txS.describe(2), batchS.describe(2),
          txRequests, batchRequests, loaderRequests);
    }
  }

  private static void reset(Wire wire) throws Exception {
    wire.batch(List.of("DROP TABLE IF EXISTS items", DDL), null);
  }

  private static void check(Wire wire, long expected) throws Exception {
    long[] count = new long[1];
    wire.query(row -> count[0] = OverheadBench.num(row[0]), "SELECT count(*) FROM items");
    if (count[0] != expected) {
      throw new IllegalStateException("items holds " + count[0] + " rows, expected " + expected);
    }
  }

  static void bind(PreparedStatement ps, int i) throws SQLException {
    ps.setInt(1, i);
    ps.setString(2, name(i));
    ps.setInt(3, qty(i));
    ps.setDouble(4, price(i));
    String note = note(i);
    if (note == null) {
      ps.setNull(5, Types.VARCHAR);
    } else {
      ps.setString(5, note);
    }
  }

  private static double timeTx(Connection c, PreparedStatement ps, int n) throws SQLException {
    long t0 = System.nanoTime();
    for (int i = 1; i <= n; i++) {
      bind(ps, i);
      ps.executeUpdate();
    }
    c.commit();
    return (System.nanoTime() - t0) / 1e9;
  }

  private static double timeBatch(PreparedStatement ps, int n) throws SQLException {
    long t0 = System.nanoTime();
    for (int i = 1; i <= n; i++) {
      bind(ps, i);
      ps.addBatch();
    }
    ps.executeBatch();
    return (System.nanoTime() - t0) / 1e9;
  }

  /** The loader: JSON rows packed into 2 MB string parameters, one batch request. */
  static double timeLoader(Wire wire, int n) throws Exception {
    long t0 = System.nanoTime();
    List<String> chunks = chunks(n);
    ByteArrayOutputStream out = new ByteArrayOutputStream(n * 64);
    try (JsonGenerator g = Wire.JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeArrayFieldStart("batch");
      for (String chunk : chunks) {
        g.writeStartObject();
        g.writeStringField("sql", LOADER_SQL);
        g.writeArrayFieldStart("params");
        g.writeString(chunk);
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    wire.post(out.toByteArray(), Wire.DISCARD);
    return (System.nanoTime() - t0) / 1e9;
  }

  static long loaderJsonBytes(int n) {
    long total = 0;
    for (String c : chunks(n)) {
      total += c.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }
    return total;
  }

  private static List<String> chunks(int n) {
    JsonStringEncoder enc = JsonStringEncoder.getInstance();
    List<String> chunks = new ArrayList<>();
    StringBuilder cur = new StringBuilder(D1_MAX_VALUE_BYTES);
    StringBuilder row = new StringBuilder(128);
    int curBytes = 0;
    for (int i = 1; i <= n; i++) {
      row.setLength(0);
      row.append('[').append(i).append(",\"").append(enc.quoteAsString(name(i))).append("\",").append(qty(i))
          .append(',').append(price(i)).append(',');
      String note = note(i);
      if (note == null) {
        row.append("null");
      } else {
        row.append('"').append(enc.quoteAsString(note)).append('"');
      }
      row.append(']');
      int bytes = row.length() + (note == null ? 0 : 1); // one 2-byte character (é) per note
      if (curBytes > 0 && curBytes + 1 + bytes + 1 > D1_MAX_VALUE_BYTES) {
        chunks.add(cur.append(']').toString());
        cur.setLength(0);
        curBytes = 0;
      }
      cur.append(curBytes == 0 ? '[' : ',').append(row);
      curBytes += 1 + bytes;
    }
    if (curBytes > 0) {
      chunks.add(cur.append(']').toString());
    }
    return chunks;
  }
}
