package io.github.calcited1.bench;

import io.github.calcited1.local.D1LocalServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The four {@code events} questions of issue 12 (a DATETIME and a DECIMAL(10,2) column) at a given size (default
 * 1,000,000 rows): for each, calcite-d1's requests, response bytes and time (first execution, with planning, and the
 * median of the next ones), beside the same question hand-written as one SQLite statement sent through the same
 * counting proxy. Prints a Markdown table.
 *
 * <p>{@code java ... io.github.calcited1.bench.EventsBench [rows] [rounds]}
 */
public final class EventsBench {
  record Question(String sql, String handWritten) {
  }

  static final List<Question> QUESTIONS = List.of(
      new Question("SELECT COUNT(*) FROM events WHERE created_at >= TIMESTAMP '2023-12-01 00:00:00'",
          "SELECT COUNT(*) FROM events WHERE created_at >= '2023-12-01 00:00:00'"),
      new Question("SELECT * FROM events ORDER BY created_at DESC LIMIT 10",
          "SELECT * FROM events ORDER BY created_at DESC LIMIT 10"),
      new Question("SELECT kind, SUM(amount) FROM events GROUP BY kind",
          "SELECT kind, SUM(amount) FROM events GROUP BY kind"),
      new Question("SELECT CAST(created_at AS DATE) d, COUNT(*) FROM events GROUP BY CAST(created_at AS DATE)",
          "SELECT date(created_at) d, COUNT(*) FROM events GROUP BY date(created_at)"));

  private static final java.time.format.DateTimeFormatter SECONDS =
      java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

  private EventsBench() {
  }

  public static void main(String[] args) throws Exception {
    Bench.quietLogging();
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path dir = Files.createTempDirectory("events-bench");
    generate(dir.resolve("events.sqlite"), rows);
    try (D1LocalServer server = D1LocalServer.builder().port(0).dataDir(dir).token(Env.TOKEN).database("events")
        .build().start();
         CachingProxy proxy = new CachingProxy("http://127.0.0.1:" + server.port())) {
      String url = "jdbc:d1:database=" + server.databaseId("events") + ";accountId=" + Env.ACCOUNT + ";baseUrl="
          + proxy.baseUrl() + ";apiToken=" + Env.TOKEN;
      Wire wire = new Wire(proxy.baseUrl(), Env.ACCOUNT, server.databaseId("events"), Env.TOKEN);
      StringBuilder md = new StringBuilder();
      md.append(String.format(Locale.ROOT, "events: %,d rows%n%n", rows));
      md.append("| question | answer rows | calcite-d1 requests | calcite-d1 response bytes | calcite-d1 ms (first"
          + " / median) | hand-written requests | hand-written bytes | hand-written ms |\n");
      md.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
      try (Connection d1 = DriverManager.getConnection(url)) {
        for (Question q : QUESTIONS) {
          long r0 = proxy.requests();
          long b0 = proxy.responseBytes();
          long t0 = System.nanoTime();
          int answer;
          try (PreparedStatement ps = d1.prepareStatement(q.sql())) {
            answer = drain(ps);
            double first = (System.nanoTime() - t0) / 1e6;
            long requests = proxy.requests() - r0;
            long bytes = proxy.responseBytes() - b0;
            List<Double> times = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
              long t = System.nanoTime();
              drain(ps);
              times.add((System.nanoTime() - t) / 1e6);
            }
            long h0 = proxy.requests();
            long hb0 = proxy.responseBytes();
            long th = System.nanoTime();
            wire.query(Wire.DISCARD, q.handWritten());
            double hand = (System.nanoTime() - th) / 1e6;
            md.append(String.format(Locale.ROOT, "| `%s` | %d | %d | %,d | %.0f / %.0f | %d | %,d | %.0f |%n", q.sql(),
                answer, requests, bytes, first, median(times), proxy.requests() - h0, proxy.responseBytes() - hb0,
                hand));
            System.out.print(md);
            md.setLength(0);
          }
        }
      }
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  private static int drain(PreparedStatement ps) throws SQLException {
    int n = 0;
    try (ResultSet rs = ps.executeQuery()) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        for (int i = 1; i <= columns; i++) {
          rs.getObject(i);
        }
        n++;
      }
    }
    return n;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() / 2);
  }

  /**
   * {@code events} with two years of timestamps, mostly {@code YYYY-MM-DD HH:MM:SS}, every tenth row
   * {@code YYYY-MM-DDTHH:MM:SS.mmmZ}; amounts of cents stored as REAL (whole ones as INTEGER); 8 kinds.
   */
  static void generate(Path file, int rows) throws SQLException {
    Random random = new Random(12);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, created_at DATETIME, amount DECIMAL(10,2), kind TEXT)");
      c.setAutoCommit(false);
      try (PreparedStatement ps =
               c.prepareStatement("INSERT INTO events (created_at, amount, kind) VALUES (?, ?, ?)")) {
        long start = java.time.LocalDateTime.of(2023, 1, 1, 0, 0).toEpochSecond(java.time.ZoneOffset.UTC);
        for (int i = 0; i < rows; i++) {
          var at = java.time.LocalDateTime.ofEpochSecond(start + random.nextInt(2 * 365 * 86400), 0,
              java.time.ZoneOffset.UTC);
          String text = SECONDS.format(at);
          ps.setString(1, i % 10 == 0 ? text + ".123Z" : text.replace('T', ' '));
          ps.setDouble(2, random.nextInt(10_000_00) / 100.0);
          ps.setString(3, "kind" + random.nextInt(8));
          ps.addBatch();
          if (i % 10_000 == 9_999) {
            ps.executeBatch();
          }
        }
        ps.executeBatch();
      }
      c.commit();
    }
  }
}
