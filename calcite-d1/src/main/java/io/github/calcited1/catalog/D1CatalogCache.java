package io.github.calcited1.catalog;

import io.github.calcited1.client.D1Exception;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Database ids and catalogs shared by every connection of this JVM, keyed by base URL, account and the database
 * operand, so that opening a connection costs no D1 request while the catalog is younger than its TTL.
 */
public final class D1CatalogCache {
  /**
   * What identifies a database to the cache. A digest of the token is part of it, so that a connection with
   * another (perhaps invalid or less privileged) token is checked against D1 rather than served from the cache.
   */
  public record Key(String baseUrl, String accountId, String database, String tokenDigest) {
    @Override public String toString() {
      return "Key{" + baseUrl + ", " + accountId + ", " + database + "}";
    }
  }

  /** Loads a catalog, given the previous one (or null). */
  @FunctionalInterface
  public interface Loader {
    D1Catalog load(D1Catalog previous) throws D1Exception;
  }

  /** Resolves a database name to its id. */
  @FunctionalInterface
  public interface Resolver {
    String resolve() throws D1Exception;
  }

  private static final ConcurrentMap<Key, Entry> ENTRIES = new ConcurrentHashMap<>();

  private static final class Entry {
    String databaseId;
    D1Catalog catalog;
    long loadedAtNanos;
  }

  private D1CatalogCache() {}

  /** The database id, resolved once per key. */
  public static String databaseId(Key key, Resolver resolver) throws D1Exception {
    Entry entry = ENTRIES.computeIfAbsent(key, k -> new Entry());
    synchronized (entry) {
      if (entry.databaseId == null) {
        entry.databaseId = resolver.resolve();
      }
      return entry.databaseId;
    }
  }

  /** The catalog, loaded if absent, older than {@code ttl}, or if {@code refresh}. */
  public static D1Catalog catalog(Key key, Duration ttl, boolean refresh, Loader loader) throws D1Exception {
    Entry entry = ENTRIES.computeIfAbsent(key, k -> new Entry());
    synchronized (entry) {
      long now = System.nanoTime();
      if (refresh || entry.catalog == null || now - entry.loadedAtNanos > ttl.toNanos()) {
        entry.catalog = loader.load(entry.catalog);
        entry.loadedAtNanos = now;
      }
      return entry.catalog;
    }
  }
}
