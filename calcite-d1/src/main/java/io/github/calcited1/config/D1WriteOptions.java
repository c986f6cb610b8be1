package io.github.calcited1.config;

import static io.github.calcited1.config.D1Operands.bool;
import static io.github.calcited1.config.D1Operands.number;
import static io.github.calcited1.config.D1Operands.text;

import java.util.Locale;
import java.util.Map;

/**
 * Write-path settings of one D1 schema, read from the model operand (or from the {@code jdbc:d1:} URL shortcut).
 *
 * <p>D1's hard limits are per statement: 100 bound parameters and 100,000 UTF-8 bytes of SQL; a string or blob value
 * may be 2,000,000 bytes. A request (one {@code batch}) must finish within 30 s; D1 documents no statement count per
 * batch, so the request budget here ({@code maxStatementsPerRequest}, {@code maxRequestBytes}) is a conservative
 * default that keeps a batch well inside 30 s. Operand keys (all optional):
 * <ul>
 *   <li>{@code readOnly} (false): refuse every INSERT/UPDATE/DELETE before anything is sent.</li>
 *   <li>{@code strictAtomicity} (false): a transaction that needs more than one request fails before anything is
 *       sent, instead of being split (atomic per request only) with a warning.</li>
 *   <li>{@code maxValueBytes} (1,000,000): the largest JSON text of rows packed into one parameter.</li>
 *   <li>{@code maxStatementsPerRequest} (500) and {@code maxRequestBytes} (10,000,000): the budget of one request.</li>
 *   <li>{@code diagnoseFailedCommit} (true): when a batch of several statements fails, find the failing statement
 *       with at most a few extra requests that each end in a deliberate error (so nothing is applied).</li>
 *   <li>{@code commitLedger} (false): exactly-once COMMIT. Each request also records a unique commit id in a ledger
 *       table of the database, in the same atomic batch, so that a request whose fate is unknown (timeout, reset)
 *       can be checked and, if it did not land, sent again safely; {@code commitLedgerTable}
 *       ({@value #DEFAULT_LEDGER_TABLE}) names the table. See docs/transactions.md.</li>
 * </ul>
 */
public final class D1WriteOptions {
  /** D1's bound-parameter limit per statement. */
  public static final int D1_MAX_PARAMS = 100;
  /** D1's SQL length limit per statement, in UTF-8 bytes. */
  public static final int D1_MAX_STATEMENT_BYTES = 100_000;
  /** D1's documented limit for one string or blob value. */
  public static final int D1_MAX_VALUE_BYTES = 2_000_000;

  /** The commit ledger's table (never {@code _cf_*}: D1 forbids those names). */
  public static final String DEFAULT_LEDGER_TABLE = "_calcite_d1_commits";

  public static final D1WriteOptions DEFAULT = new D1WriteOptions(false, false, 1_000_000, 500, 10_000_000L, true);

  private final boolean readOnly;
  private final boolean strictAtomicity;
  private final int maxValueBytes;
  private final int maxStatementsPerRequest;
  private final long maxRequestBytes;
  private final boolean diagnoseFailedCommit;
  private final boolean commitLedger;
  private final String commitLedgerTable;

  public D1WriteOptions(boolean readOnly, boolean strictAtomicity, int maxValueBytes, int maxStatementsPerRequest,
      long maxRequestBytes, boolean diagnoseFailedCommit) {
    this(readOnly, strictAtomicity, maxValueBytes, maxStatementsPerRequest, maxRequestBytes, diagnoseFailedCommit,
        false, DEFAULT_LEDGER_TABLE);
  }

  public D1WriteOptions(boolean readOnly, boolean strictAtomicity, int maxValueBytes, int maxStatementsPerRequest,
      long maxRequestBytes, boolean diagnoseFailedCommit, boolean commitLedger, String commitLedgerTable) {
    if (commitLedgerTable == null || commitLedgerTable.isBlank()
        || commitLedgerTable.toLowerCase(Locale.ROOT).startsWith("_cf_")
        || commitLedgerTable.toLowerCase(Locale.ROOT).startsWith("sqlite_")) {
      throw new D1ConfigurationException("commitLedgerTable", "Operand 'commitLedgerTable' must be a table name"
          + " that D1 allows (not empty, not _cf_* or sqlite_*), not '" + commitLedgerTable + "'");
    }
    if (maxValueBytes < 1_000 || maxValueBytes > D1_MAX_VALUE_BYTES) {
      throw new D1ConfigurationException("maxValueBytes", "Operand 'maxValueBytes' must be between 1000 and "
          + D1_MAX_VALUE_BYTES + ", not " + maxValueBytes);
    }
    if (maxStatementsPerRequest < 1) {
      throw new D1ConfigurationException("maxStatementsPerRequest", "Operand 'maxStatementsPerRequest' must be 1 or"
          + " more, not " + maxStatementsPerRequest);
    }
    if (maxRequestBytes < maxValueBytes + D1_MAX_STATEMENT_BYTES) {
      throw new D1ConfigurationException("maxRequestBytes", "Operand 'maxRequestBytes' must be at least"
          + " maxValueBytes + 100000 (" + (maxValueBytes + D1_MAX_STATEMENT_BYTES) + "), not " + maxRequestBytes);
    }
    this.readOnly = readOnly;
    this.strictAtomicity = strictAtomicity;
    this.maxValueBytes = maxValueBytes;
    this.maxStatementsPerRequest = maxStatementsPerRequest;
    this.maxRequestBytes = maxRequestBytes;
    this.diagnoseFailedCommit = diagnoseFailedCommit;
    this.commitLedger = commitLedger;
    this.commitLedgerTable = commitLedgerTable;
  }

  /**
   * Reads the options from a schema operand ({@link D1Operands}: the same forms as every other operand); unknown keys
   * are ignored.
   *
   * @throws D1ConfigurationException naming the operand at fault
   */
  public static D1WriteOptions fromOperand(Map<String, ?> operand) {
    D1WriteOptions d = DEFAULT;
    return new D1WriteOptions(
        bool(operand, "readOnly", d.readOnly),
        bool(operand, "strictAtomicity", d.strictAtomicity),
        (int) number(operand, "maxValueBytes", d.maxValueBytes, Integer.MIN_VALUE, Integer.MAX_VALUE),
        (int) number(operand, "maxStatementsPerRequest", d.maxStatementsPerRequest, Integer.MIN_VALUE,
            Integer.MAX_VALUE),
        number(operand, "maxRequestBytes", d.maxRequestBytes, Long.MIN_VALUE, Long.MAX_VALUE),
        bool(operand, "diagnoseFailedCommit", d.diagnoseFailedCommit),
        bool(operand, "commitLedger", d.commitLedger),
        text(operand, "commitLedgerTable", d.commitLedgerTable));
  }

  public boolean readOnly() {
    return readOnly;
  }

  public boolean strictAtomicity() {
    return strictAtomicity;
  }

  public int maxValueBytes() {
    return maxValueBytes;
  }

  public int maxStatementsPerRequest() {
    return maxStatementsPerRequest;
  }

  public long maxRequestBytes() {
    return maxRequestBytes;
  }

  public boolean diagnoseFailedCommit() {
    return diagnoseFailedCommit;
  }

  /** Whether each request records a commit id in the ledger table (exactly-once COMMIT). */
  public boolean commitLedger() {
    return commitLedger;
  }

  public String commitLedgerTable() {
    return commitLedgerTable;
  }

  public D1WriteOptions withStrictAtomicity(boolean strict) {
    return new D1WriteOptions(readOnly, strict, maxValueBytes, maxStatementsPerRequest, maxRequestBytes,
        diagnoseFailedCommit, commitLedger, commitLedgerTable);
  }

  @Override
  public String toString() {
    return "D1WriteOptions{readOnly=" + readOnly + ", strictAtomicity=" + strictAtomicity + ", maxValueBytes="
        + maxValueBytes + ", maxStatementsPerRequest=" + maxStatementsPerRequest + ", maxRequestBytes="
        + maxRequestBytes + ", diagnoseFailedCommit=" + diagnoseFailedCommit + ", commitLedger=" + commitLedger
        + (commitLedger ? ", commitLedgerTable=" + commitLedgerTable : "") + "}";
  }
}
