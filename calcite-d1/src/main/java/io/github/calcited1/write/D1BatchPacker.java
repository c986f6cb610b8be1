package io.github.calcited1.write;

import io.github.calcited1.client.D1Statement;
import io.github.calcited1.config.D1WriteOptions;

import java.util.ArrayList;
import java.util.List;

/**
 * Packs a transaction's statements, in order, into as few requests as the request budget allows
 * ({@link D1WriteOptions#maxStatementsPerRequest()}, {@link D1WriteOptions#maxRequestBytes()}). Per-statement limits
 * are already met by each {@link D1Write}; this only decides where one request ends and the next begins. Greedy
 * packing of an ordered list is optimal for two additive budgets with a single constraint each (every request but the
 * last is full on one of them). A statement that {@link Planned#staysWithPrevious} joins the request of the one before
 * it even when that request is full (the budget is calcite-d1's own, not D1's).
 */
public final class D1BatchPacker {
  /** One statement with the write it belongs to and its size in UTF-8 bytes (SQL plus parameters, approximately). */
  public static final class Planned {
    final D1Statement statement;
    final D1Write owner;
    final long bytes;
    /** Must travel in the same request as the statement before it (a write's compare-and-set check). */
    final boolean staysWithPrevious;

    Planned(D1Statement statement, D1Write owner) {
      this(statement, owner, false);
    }

    Planned(D1Statement statement, D1Write owner, boolean staysWithPrevious) {
      this.statement = statement;
      this.owner = owner;
      this.staysWithPrevious = staysWithPrevious;
      long b = D1ValueKind.utf8Length(statement.sql()) + 32;
      for (Object p : statement.params()) {
        if (p instanceof String) {
          b += D1ValueKind.utf8Length((String) p) + 8; // JSON re-escapes some characters; slack for that
        } else if (p instanceof byte[]) {
          b += 4L * ((byte[]) p).length; // a byte array is sent as JSON numbers
        } else {
          b += 24;
        }
      }
      this.bytes = b;
    }

    public D1Statement statement() {
      return statement;
    }

    public D1Write owner() {
      return owner;
    }

    public long bytes() {
      return bytes;
    }
  }

  private D1BatchPacker() {
  }

  /** Splits {@code statements} into consecutive requests. */
  public static List<List<Planned>> pack(List<Planned> statements, D1WriteOptions options) {
    List<List<Planned>> requests = new ArrayList<>();
    List<Planned> cur = new ArrayList<>();
    long curBytes = 0;
    for (Planned p : statements) {
      if (!cur.isEmpty() && !p.staysWithPrevious && (cur.size() >= options.maxStatementsPerRequest()
          || curBytes + p.bytes > options.maxRequestBytes())) {
        requests.add(cur);
        cur = new ArrayList<>();
        curBytes = 0;
      }
      cur.add(p);
      curBytes += p.bytes;
    }
    if (!cur.isEmpty()) {
      requests.add(cur);
    }
    return requests;
  }
}
