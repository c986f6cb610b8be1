package io.github.calcited1.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.calcited1.testing.D1LocalExtension;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 16 concurrent {@code jdbc:d1:} connections against d1-local on loopback for 60 seconds
 * ({@code -Dcalcited1.load.seconds=N} to change), each mixing reads, autocommit writes and transactions that commit
 * or roll back; half of them with the commit ledger on. Afterwards the SQLite file is read with sqlite-jdbc: every
 * committed row is there exactly once, every rolled-back row is absent, every committed transaction's counter update
 * applied exactly once, and no operation failed. Each read also checks that the worker sees exactly the rows it has
 * committed so far.
 */
class LoadTest {
  static final int CONNECTIONS = 16;
  static final int SECONDS = Integer.getInteger("calcited1.load.seconds", 60);
  static final String TOKEN = "tok-load";

  @RegisterExtension static final D1LocalExtension d1 = new D1LocalExtension("shop").withToken(TOKEN);

  @BeforeAll
  static void start() throws Exception {
    try (Connection c = sqlite(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE load_events (worker INTEGER NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL,"
          + " payload TEXT)"); // no key, so a row applied twice would show
      s.execute("CREATE TABLE load_counters (worker INTEGER PRIMARY KEY, n INTEGER NOT NULL)");
      for (int w = 0; w < CONNECTIONS; w++) {
        s.execute("INSERT INTO load_counters VALUES (" + w + ", 0)");
      }
    }
  }


  static Connection sqlite() throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + d1.databaseFile());
  }

  /** What one worker did, as it believes: the file must agree. */
  static final class Worker {
    final int id;
    final Set<Long> committed = new HashSet<>();
    final Set<Long> rolledBack = new HashSet<>();
    long seq;
    long commits;
    long reads;
    long autocommits;
    long rollbacks;

    Worker(int id) {
      this.id = id;
    }
  }

  @Test
  void sixteenConnectionsMixingReadsWritesCommitsAndRollbacks() throws Exception {
    long deadline = System.nanoTime() + SECONDS * 1_000_000_000L;
    List<Worker> workers = new ArrayList<>();
    List<String> errors = Collections.synchronizedList(new ArrayList<>());
    Map<String, AtomicLong> latencyMicros = new ConcurrentHashMap<>();
    CountDownLatch done = new CountDownLatch(CONNECTIONS);
    long start = System.nanoTime();
    for (int i = 0; i < CONNECTIONS; i++) {
      Worker w = new Worker(i);
      workers.add(w);
      Thread t = new Thread(() -> {
        try {
          work(w, deadline, latencyMicros);
        } catch (Throwable e) {
          errors.add("worker " + w.id + ": " + BadInputTest.chain(e));
        } finally {
          done.countDown();
        }
      }, "load-" + i);
      t.start();
    }
    done.await();
    long millis = (System.nanoTime() - start) / 1_000_000;

    // The file: every committed row exactly once, nothing else.
    Map<Long, Integer> copies = new HashMap<>();
    Map<Integer, Long> counters = new HashMap<>();
    try (Connection c = sqlite(); Statement s = c.createStatement()) {
      try (ResultSet r = s.executeQuery("SELECT worker, seq, count(*) FROM load_events GROUP BY worker, seq")) {
        while (r.next()) {
          copies.put(key(r.getInt(1), r.getLong(2)), r.getInt(3));
        }
      }
      try (ResultSet r = s.executeQuery("SELECT worker, n FROM load_counters")) {
        while (r.next()) {
          counters.put(r.getInt(1), r.getLong(2));
        }
      }
    }
    long committedRows = 0;
    long rolledBackRows = 0;
    long lost = 0;
    long duplicated = 0;
    long leaked = 0;
    long reads = 0;
    long autocommits = 0;
    long commits = 0;
    long rollbacks = 0;
    Set<Long> expected = new HashSet<>();
    for (Worker w : workers) {
      for (long k : w.committed) {
        expected.add(key(w.id, k));
        Integer n = copies.get(key(w.id, k));
        if (n == null) {
          lost++;
        } else if (n > 1) {
          duplicated += n - 1;
        }
      }
      for (long k : w.rolledBack) {
        if (copies.containsKey(key(w.id, k))) {
          leaked++;
        }
      }
      committedRows += w.committed.size();
      rolledBackRows += w.rolledBack.size();
      reads += w.reads;
      autocommits += w.autocommits;
      commits += w.commits;
      rollbacks += w.rollbacks;
      assertEquals(w.commits, counters.get(w.id), "worker " + w.id + ": counter updates applied exactly once");
    }
    long strangers = copies.keySet().stream().filter(k -> !expected.contains(k)).count();
    long operations = reads + autocommits + commits + rollbacks;
    System.out.printf(Locale.ROOT, "FIGURES load: %d connections, %d s (%d ms), %d operations (%.0f/s): %d reads,"
        + " %d autocommit writes, %d commits, %d rollbacks; %d committed rows checked in the file, %d rolled-back"
        + " rows checked absent; lost %d, duplicated %d, rolled back but present %d, unexpected %d; errors %d;"
        + " mean latency %s%n", CONNECTIONS, SECONDS, millis, operations, operations * 1000.0 / millis, reads,
        autocommits, commits, rollbacks, committedRows, rolledBackRows, lost, duplicated, leaked, strangers,
        errors.size(), means(latencyMicros, workers));
    assertEquals(List.of(), errors);
    assertEquals(0, lost, "committed rows missing");
    assertEquals(0, duplicated, "rows applied twice");
    assertEquals(0, leaked, "rolled-back rows present");
    assertEquals(0, strangers, "rows nobody committed");
    assertTrue(commits > 0 && rollbacks > 0 && autocommits > 0 && reads > 0, "every kind of operation ran");
  }

  private static String means(Map<String, AtomicLong> micros, List<Worker> workers) {
    long reads = workers.stream().mapToLong(w -> w.reads).sum();
    long autocommits = workers.stream().mapToLong(w -> w.autocommits).sum();
    long commits = workers.stream().mapToLong(w -> w.commits).sum();
    return String.format(Locale.ROOT, "read %.1f ms, autocommit %.1f ms, commit %.1f ms",
        micros.getOrDefault("read", new AtomicLong()).get() / 1000.0 / Math.max(1, reads),
        micros.getOrDefault("autocommit", new AtomicLong()).get() / 1000.0 / Math.max(1, autocommits),
        micros.getOrDefault("commit", new AtomicLong()).get() / 1000.0 / Math.max(1, commits));
  }

  private static long key(int worker, long seq) {
    return worker * 1_000_000_000L + seq;
  }

  private static void work(Worker w, long deadline, Map<String, AtomicLong> micros) throws SQLException {
    Random rnd = new Random(1000 + w.id);
    String url = "jdbc:d1:database=shop;accountId=acc;apiToken=" + TOKEN + ";baseUrl=" + d1.baseUrl()
        + (w.id % 2 == 0 ? ";commitLedger=true" : "");
    try (Connection c = DriverManager.getConnection(url);
         PreparedStatement insert = c.prepareStatement("INSERT INTO load_events VALUES (?, ?, ?, ?)");
         PreparedStatement bump = c.prepareStatement("UPDATE load_counters SET n = n + 1 WHERE worker = ?");
         PreparedStatement count = c.prepareStatement("SELECT count(*) FROM load_events WHERE worker = ?")) {
      while (System.nanoTime() < deadline) {
        int dice = rnd.nextInt(100);
        long t0 = System.nanoTime();
        if (dice < 35) {
          count.setInt(1, w.id);
          try (ResultSet r = count.executeQuery()) {
            r.next();
            assertEquals(w.committed.size(), r.getLong(1), "worker " + w.id + " sees exactly its committed rows");
          }
          w.reads++;
          micros.computeIfAbsent("read", k -> new AtomicLong()).addAndGet((System.nanoTime() - t0) / 1000);
        } else if (dice < 60) {
          long seq = ++w.seq;
          fill(insert, w.id, seq, "autocommit", rnd);
          assertEquals(1, insert.executeUpdate());
          w.committed.add(seq);
          w.autocommits++;
          micros.computeIfAbsent("autocommit", k -> new AtomicLong()).addAndGet((System.nanoTime() - t0) / 1000);
        } else {
          boolean commit = dice < 85;
          c.setAutoCommit(false);
          List<Long> rows = new ArrayList<>();
          int n = 1 + rnd.nextInt(5);
          for (int i = 0; i < n; i++) {
            long seq = ++w.seq;
            fill(insert, w.id, seq, commit ? "commit" : "rollback", rnd);
            insert.executeUpdate();
            rows.add(seq);
          }
          bump.setInt(1, w.id);
          bump.executeUpdate();
          if (commit) {
            c.commit();
            w.committed.addAll(rows);
            w.commits++;
            micros.computeIfAbsent("commit", k -> new AtomicLong()).addAndGet((System.nanoTime() - t0) / 1000);
          } else {
            c.rollback();
            w.rolledBack.addAll(rows);
            w.rollbacks++;
          }
          c.setAutoCommit(true);
        }
      }
    }
  }

  private static void fill(PreparedStatement insert, int worker, long seq, String kind, Random rnd)
      throws SQLException {
    insert.setInt(1, worker);
    insert.setLong(2, seq);
    insert.setString(3, kind);
    insert.setString(4, rnd.nextBoolean() ? null : "p\u00e9" + rnd.nextInt() + "\ud83d\ude00");
  }
}
