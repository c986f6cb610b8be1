package io.github.calcited1.rel;

import io.github.calcited1.client.D1Cancellation;
import io.github.calcited1.client.D1Cursor;
import io.github.calcited1.client.D1Exception;
import io.github.calcited1.client.D1Meta;
import io.github.calcited1.client.D1Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Reads the keyset pages of a paged scan, one page ahead: while Calcite consumes a page, the next is requested and
 * parsed on a background thread, so D1's time (and the network's) overlaps the consumer's instead of adding to it.
 *
 * <p>A page is read into memory up to {@link #MAX_PAGE_BYTES}. Only a full page read whole
 * starts the next one, because only then is the next lower bound (its largest key plus one) known and the next page
 * certain to be needed by a consumer that reads on; a page too big for memory streams the rest of its rows from its
 * live cursor, and the page after it is requested when reached, as without read-ahead. A consumer that stops early
 * (a LIMIT applied in Calcite, a closed result set) costs at most the one page read ahead.
 */
final class D1PageReader {
  /** Most memory (estimated) a page read ahead may hold; past it, the page streams. */
  static final long MAX_PAGE_BYTES = 8L << 20;

  private static final ExecutorService READ_AHEAD = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "calcite-d1-page-read-ahead");
    t.setDaemon(true);
    return t;
  });

  private final D1Schema schema;
  private final String sql;
  private final Object[] params;
  private final boolean[] integerText;
  private final int pageKeyColumn;
  private final int pageSize;
  private final D1Cancellation stop;
  /** The page read ahead, for the lower bound {@link #aheadBound}; or null. */
  private CompletableFuture<Page> ahead;
  private long aheadBound;

  /** {@code params}' last element is the page's lower bound, set in a copy per page. */
  D1PageReader(D1Schema schema, String sql, Object[] params, boolean[] integerText, int pageKeyColumn,
      int pageSize, D1Cancellation stop) {
    this.schema = schema;
    this.stop = stop;
    this.sql = sql;
    this.params = params;
    this.integerText = integerText;
    this.pageKeyColumn = pageKeyColumn;
    this.pageSize = pageSize;
  }

  /** The page of keys from {@code lowerBound} on; starts reading the next one when this one is full and whole. */
  D1Cursor open(long lowerBound) throws D1Exception {
    Page page;
    if (ahead != null && aheadBound == lowerBound) {
      page = join(ahead);
      ahead = null;
    } else {
      discardAhead();
      page = read(lowerBound);
    }
    if (page.rest == null && page.rows.size() == pageSize) {
      long max = page.maxKey(pageKeyColumn);
      if (max < Long.MAX_VALUE) {
        aheadBound = max + 1;
        long bound = aheadBound;
        ahead = CompletableFuture.supplyAsync(() -> {
          try {
            return read(bound);
          } catch (D1Exception e) {
            throw new CompletionException(e);
          }
        }, READ_AHEAD);
      }
    }
    return page;
  }

  /** Drops the page read ahead (its request may still finish; its rows are discarded). */
  void discardAhead() {
    if (ahead != null) {
      ahead.thenAccept(Page::close);
      ahead = null;
    }
  }

  private Page read(long lowerBound) throws D1Exception {
    Object[] p = params.clone();
    p[p.length - 1] = lowerBound;
    D1Cursor cursor = schema.client().query(schema.databaseId(), D1Statement.of(sql, Arrays.asList(p)), integerText,
        stop);
    try {
      List<Object[]> rows = new ArrayList<>();
      long bytes = 0;
      while (bytes < MAX_PAGE_BYTES) { // the statement's LIMIT bounds the rows
        if (!cursor.next()) {
          cursor.close();
          return new Page(cursor.columns(), rows, null, cursor.meta());
        }
        Object[] row = cursor.row();
        rows.add(row);
        bytes += estimate(row);
      }
      return new Page(cursor.columns(), rows, cursor, null);
    } catch (D1Exception | RuntimeException e) {
      cursor.close();
      throw e;
    }
  }

  private static Page join(CompletableFuture<Page> page) throws D1Exception {
    try {
      return page.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof D1Exception d1) {
        throw d1;
      }
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  private static long estimate(Object[] row) {
    long n = 16L + 8L * row.length;
    for (Object v : row) {
      n += v instanceof String s ? 40L + s.length() : v instanceof byte[] b ? 16L + b.length : 16;
    }
    return n;
  }

  /** A page: its first rows in memory, then its live cursor when it did not fit. */
  private static final class Page implements D1Cursor {
    private final List<String> columns;
    private final List<Object[]> rows;
    private final D1Cursor rest;
    private final D1Meta meta;
    private int next;
    private Object[] row;

    Page(List<String> columns, List<Object[]> rows, D1Cursor rest, D1Meta meta) {
      this.columns = columns;
      this.rows = rows;
      this.rest = rest;
      this.meta = meta;
    }

    /** The largest page key of a page read whole. */
    long maxKey(int keyColumn) {
      long max = Long.MIN_VALUE;
      for (Object[] r : rows) {
        Object key = r[keyColumn];
        max = Math.max(max, key instanceof Long k ? k : Long.parseLong((String) key));
      }
      return max;
    }

    @Override public List<String> columns() {
      return columns;
    }

    @Override public boolean next() throws D1Exception {
      if (next < rows.size()) {
        row = rows.get(next);
        rows.set(next++, null); // handed out: the consumer owns it now
        return true;
      }
      row = null;
      if (rest != null && rest.next()) {
        row = rest.row();
        return true;
      }
      return false;
    }

    @Override public Object[] row() {
      if (row == null) {
        throw new IllegalStateException("no current row");
      }
      return row;
    }

    @Override public D1Meta meta() {
      return rest != null ? rest.meta() : meta;
    }

    @Override public void close() {
      if (rest != null) {
        rest.close();
      }
    }
  }
}
