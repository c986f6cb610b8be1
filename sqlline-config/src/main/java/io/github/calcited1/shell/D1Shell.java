package io.github.calcited1.shell;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import org.jline.reader.History;
import org.jline.reader.LineReader;
import sqlline.SqlLine;

/**
 * {@code ./d1-sqlline}: sqlline with calcite-d1, set up for D1.
 *
 * <pre>
 *   d1-sqlline --demo                      d1-local + CSV + SQLite demo, federated through one model
 *   d1-sqlline --model PATH                any model (real D1: token and account from the environment)
 *   d1-sqlline --url 'jdbc:d1:...'         any connect string
 *   ... -e "SQL"                           run one statement (repeatable), print, exit (status 0 on success)
 *   ... --no-ddl                           Calcite's core parser instead of the DDL parser (CREATE FOREIGN SCHEMA)
 *   ... --demo-dir DIR                     keep the demo's files in DIR instead of a temporary directory
 *   ... --progress                         log each HTTP request to D1 as it is sent and answered
 * </pre>
 *
 * Every other argument goes to sqlline unchanged ({@code --outputformat=csv}, {@code -f script.sql}, ...).
 */
public final class D1Shell {
  /**
   * For a plain {@code jdbc:calcite:} connection: SQLite-like identifiers (the {@code jdbc:d1:} driver has these
   * defaults itself: double quotes, names kept as written and matched case-insensitively).
   */
  static final String CALCITE_PROPERTIES = "lex=MYSQL_ANSI";
  static final String DDL_PROPERTY = "parserFactory=" + ShellDdl.class.getName() + "#PARSER_FACTORY";

  /** Read by {@link D1ShellApplication}: sqlline prints it as its title. */
  static volatile String banner = "";

  /**
   * sqlline options ({@code name=value}, or {@code !name} to empty one), applied by {@link D1ShellApplication}:
   * sqlline's {@code -ac} replaces the options parsed from the command line, so they are applied there instead.
   */
  static volatile List<String> options = List.of();

  private static final java.util.logging.Logger JLINE_LOG = java.util.logging.Logger.getLogger("org.jline");

  private D1Shell() {
  }

  public static void main(String[] args) throws Exception {
    System.exit(run(args, null, System.out, System.err));
  }

  /**
   * Runs the shell; returns the exit status (0 ok, 1 bad arguments, 2 a failed statement or connection).
   *
   * @param in  input, or null for the terminal
   */
  public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) throws Exception {
    return run(args, in, out, err, in == null);
  }

  /** {@link #run(String[], InputStream, PrintStream, PrintStream)}; an interactive run saves history if asked. */
  static int run(String[] args, InputStream in, PrintStream out, PrintStream err, boolean saveHistory)
      throws Exception {
    boolean demo = false;
    boolean ddl = true;
    boolean progress = false;
    String model = null;
    String url = null;
    Path demoDir = null;
    Path scriptFile = null;
    List<String> statements = new ArrayList<>();
    List<String> rest = new ArrayList<>();
    List<String> sqllineOptions = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--demo" -> demo = true;
        case "--no-ddl" -> ddl = false;
        case "--progress" -> progress = true;
        case "--help", "-h" -> {
          out.println(usage());
          return 0;
        }
        case "--model", "--url", "--demo-dir", "-e" -> {
          if (i + 1 >= args.length) {
            err.println("d1-sqlline: " + a + " needs a value\n" + usage());
            return 1;
          }
          String v = args[++i];
          switch (a) {
            case "--model" -> model = v;
            case "--url" -> url = v;
            case "--demo-dir" -> demoDir = Paths.get(v);
            default -> statements.add(v);
          }
        }
        case "-f" -> {
          if (i + 1 >= args.length) {
            err.println("d1-sqlline: -f needs a file\n" + usage());
            return 1;
          }
          scriptFile = Paths.get(args[++i]);
        }
        default -> {
          if (a.startsWith("--no-")) {
            sqllineOptions.add("!" + a.substring(5));
          } else if (a.startsWith("--")) {
            sqllineOptions.add(a.contains("=") ? a.substring(2) : a.substring(2) + "=true");
          } else {
            rest.add(a);
          }
        }
      }
    }
    if ((demo ? 1 : 0) + (model != null ? 1 : 0) + (url != null ? 1 : 0) > 1) {
      err.println("d1-sqlline: give one of --demo, --model, --url\n" + usage());
      return 1;
    }
    if (model != null && !model.startsWith("inline:") && !Files.isReadable(Paths.get(model))) {
      err.println("d1-sqlline: cannot read model file " + model);
      return 1;
    }

    configureLogging(progress);
    Demo running = null;
    try {
      if (demo) {
        running = demoDir == null ? Demo.start() : Demo.start(Files.createDirectories(demoDir), false);
        model = running.model().toString();
        banner = running.banner();
      } else {
        banner = "calcite-d1 shell (sqlline). !help for commands, !quit to leave. Docs: docs/shell.md";
      }
      if (url == null && model != null) {
        url = connectString(model, ddl);
      }
      List<String> sqllineArgs = new ArrayList<>();
      sqllineArgs.add("-ac");
      sqllineArgs.add(D1ShellApplication.class.getName());
      if (url != null) {
        sqllineArgs.add("-u");
        sqllineArgs.add(url);
      }
      List<String> all = new ArrayList<>(defaultOptions(!statements.isEmpty() || scriptFile != null));
      all.addAll(sqllineOptions);
      options = all;
      sqllineArgs.addAll(rest);
      Path script = null;
      if (scriptFile != null) {
        if (!statements.isEmpty()) {
          err.println("d1-sqlline: give -e or -f, not both");
          return 1;
        }
        if (!Files.isReadable(scriptFile)) {
          err.println("d1-sqlline: cannot read script " + scriptFile);
          return 1;
        }
        sqllineArgs.add("-e");
        sqllineArgs.add("!run \"" + scriptFile.toAbsolutePath() + "\"");
      } else if (!statements.isEmpty()) {
        // Run the -e statements as one sqlline script: it stops at the first failure (sqlline's own -e goes on, and
        // its exit status only reflects the last statement), so a failed INSERT is never followed by !commit.
        script = Files.createTempFile("d1-sqlline-", ".sql");
        StringBuilder sb = new StringBuilder();
        for (String sql : statements) {
          String t = sql.strip();
          sb.append(t).append(t.startsWith("!") || t.endsWith(";") ? "" : ";").append('\n');
        }
        Files.writeString(script, sb.toString(), StandardCharsets.UTF_8);
        sqllineArgs.add("-e");
        sqllineArgs.add("!run \"" + script.toAbsolutePath() + "\"");
      }
      boolean oneShot = !statements.isEmpty() || scriptFile != null;
      boolean verbose = sqllineOptions.contains("verbose=true");
      PrintStream systemErr = System.err;
      if (oneShot && !verbose) {
        System.setErr(new PrintStream(new StackTraceFilter(systemErr), true, StandardCharsets.UTF_8));
      }
      try {
        return runSqlLine(sqllineArgs.toArray(new String[0]), in, out, err, !oneShot && saveHistory);
      } finally {
        System.err.flush();
        System.setErr(systemErr);
        if (script != null) {
          Files.deleteIfExists(script);
        }
      }
    } finally {
      if (running != null) {
        running.close();
      }
    }
  }

  /**
   * slf4j-simple, compact: {@code [INFO] D1Session - D1 commit: ...}. With {@code --progress}, every HTTP request to
   * D1 is logged as it is sent and answered, which is how a long write (a bulk INSERT ... SELECT, a COMMIT split into
   * several requests) shows its progress. Properties already set by the user win.
   */
  static void configureLogging(boolean progress) {
    defaultProperty("org.slf4j.simpleLogger.showThreadName", "false");
    defaultProperty("org.slf4j.simpleLogger.showShortLogName", "true");
    defaultProperty("org.slf4j.simpleLogger.levelInBrackets", "true");
    defaultProperty("org.slf4j.simpleLogger.showDateTime", "true");
    defaultProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
    if (progress) {
      defaultProperty("org.slf4j.simpleLogger.log.io.github.calcited1.client.D1Client", "debug");
    }
  }

  private static void defaultProperty(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /** {@code jdbc:d1:model=PATH[;parserFactory=...]}. */
  public static String connectString(String model, boolean ddl) {
    boolean d1 = driverPresent();
    String m = model.startsWith("inline:") || model.matches("[A-Za-z0-9_./:\\\\-]+") ? model
        : "'" + model.replace("'", "''") + "'";
    return (d1 ? "jdbc:d1:" : "jdbc:calcite:") + "model=" + m + (d1 ? "" : ";" + CALCITE_PROPERTIES)
        + (ddl ? ";" + DDL_PROPERTY : "");
  }

  static boolean driverPresent() {
    try {
      Class.forName("io.github.calcited1.jdbc.D1Driver");
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** sqlline settings that suit D1 ({@code name=value}); the user's own {@code --x=y} arguments come later and win. */
  static List<String> defaultOptions(boolean oneShot) throws IOException {
    List<String> o = new ArrayList<>();
    o.add("connectInteractionMode=notAskCredentials");
    o.add("outputformat=table");
    o.add("nullValue=NULL");
    o.add("isolation=TRANSACTION_NONE");
    o.add("showWarnings=false");
    if (oneShot) {
      o.add("silent=true");
      o.add("maxWidth=1000");
    } else {
      try {
        o.add("historyFile=" + privateHistoryFile());
      } catch (IOException e) {
        // no history then
      }
      o.add("prompt=d1:%S> ");
      o.add("showElapsedTime=true");
    }
    return o;
  }

  /**
   * {@code ~/.calcite-d1/history}, readable by its owner only (directory 0700, file 0600, also when they existed
   * before): a history line can hold a query's data even when no secret (see {@link #HISTORY_IGNORE}).
   */
  static Path privateHistoryFile() throws IOException {
    Path home = Paths.get(System.getProperty("user.home"), ".calcite-d1");
    Path history = home.resolve("history");
    Files.createDirectories(home);
    try {
      Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
      if (!Files.exists(history)) {
        Files.createFile(history, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      Files.setPosixFilePermissions(history, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: its own access rules apply
    }
    return history;
  }

  /**
   * jline's {@code history-ignore} (its own pattern syntax: {@code *} any text, {@code :} separates patterns): lines
   * that mention an API token in any case, and {@code !connect}/{@code !open} lines (they can carry a user and
   * password), are never written to the history file nor kept in {@code !history}.
   */
  static final String HISTORY_IGNORE = "(?is)*apitoken*:[ \t]{0,}!(connect|open)*";

  private static int runSqlLine(String[] args, InputStream in, PrintStream out, PrintStream err,
      boolean saveHistory) throws IOException {
    // jline warns on java.util.logging when there is no terminal (scripts, -e, tests); that is expected here.
    JLINE_LOG.setLevel(java.util.logging.Level.SEVERE);
    SqlLine sqlLine = new SqlLine() {
      @Override public LineReader getConsoleReader(InputStream inputStream, History history) throws IOException {
        LineReader reader = super.getConsoleReader(inputStream, history);
        reader.setVariable(LineReader.HISTORY_IGNORE, HISTORY_IGNORE);
        return reader;
      }
    };
    sqlLine.setOutputStream(out);
    sqlLine.setErrorStream(err);
    SqlLine.Status status = sqlLine.begin(args, in, saveHistory);
    return status.ordinal();
  }

  static String usage() {
    return String.join("\n",
        "usage: d1-sqlline [--demo | --model PATH | --url JDBC_URL] [-e SQL]... [--no-ddl] [--progress]"
            + " [sqlline options]",
        "  --demo         start d1-local with a demo shop database, a CSV file and a SQLite file, federated",
        "  --demo-dir D   keep the demo's files in D (default: a temporary directory, deleted on exit)",
        "  --model PATH   connect through a Calcite model (real D1: CLOUDFLARE_ACCOUNT_ID, CLOUDFLARE_API_TOKEN)",
        "  --url URL      connect with a full connect string (jdbc:d1:..., jdbc:avatica:remote:...)",
        "  -e SQL         run the statement, print the result, exit; repeatable; stops at the first failure",
        "  -f FILE        run a script of statements and !commands the same way",
        "  --no-ddl       use Calcite's core parser (no CREATE FOREIGN SCHEMA / DROP SCHEMA)",
        "  --progress     log every request to D1 as it goes (progress of long writes and big reads)",
        "  other options go to sqlline, e.g. --outputformat=csv, -f script.sql (see docs/shell.md)");
  }

  /** Discards output (used by tests that only want the exit status). */
  static PrintStream nullStream() {
    return new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
  }
}
