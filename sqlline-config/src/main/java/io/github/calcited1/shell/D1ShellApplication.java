package io.github.calcited1.shell;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jline.reader.Completer;

import sqlline.Application;
import sqlline.CommandHandler;
import sqlline.DispatchCallback;
import sqlline.SqlLine;
import sqlline.SqlLineOpts;

/** sqlline's application hooks: the title (the demo banner) and the D1 connect strings shown by {@code !connect}. */
public class D1ShellApplication extends Application {
  public D1ShellApplication() {
  }

  @Override public String getInfoMessage() {
    return D1Shell.banner + "\n" + getVersion();
  }

  /** sqlline's options: the user's sqlline.properties, then the shell's defaults, then the command line's. */
  @Override public SqlLineOpts getOpts(SqlLine sqlLine) {
    SqlLineOpts opts = super.getOpts(sqlLine);
    try {
      opts.load();
    } catch (IOException e) {
      // no readable ~/.sqlline/sqlline.properties
    }
    for (String option : D1Shell.options) {
      if (option.startsWith("!")) {
        opts.setEmptyValue(option.substring(1), true);
      } else {
        int eq = option.indexOf('=');
        if (!opts.set(option.substring(0, eq), option.substring(eq + 1), true)) {
          sqlLine.error("unknown sqlline option --" + option.substring(0, eq));
        }
      }
    }
    return opts;
  }

  /** sqlline's commands, with {@code !connect}/{@code !open} taking an apiToken out of the URL (see below). */
  @Override public Collection<CommandHandler> getCommandHandlers(SqlLine sqlLine) {
    List<CommandHandler> handlers = new ArrayList<>();
    for (CommandHandler h : super.getCommandHandlers(sqlLine)) {
      handlers.add(h.getNames().contains("connect") ? new TokenOutOfUrl(h) : h);
    }
    return handlers;
  }

  /** An {@code apiToken=...} entry of a {@code jdbc:d1:} URL (with the separator it leaves behind). */
  private static final Pattern TOKEN_ENTRY = Pattern.compile(
      "(?i)(?<=jdbc:d1:)\\s*apiToken\\s*=\\s*([^;\\s'\"]+)\\s*;?"
          + "|;\\s*apiToken\\s*=\\s*([^;\\s'\"]+)\\s*(?=[;\\s'\"]|$)");

  /**
   * A {@code !connect} line (sqlline passes it with or without its {@code !}) with the token of a {@code jdbc:d1:} URL
   * moved to a connection property ({@code -p apiToken ...}): sqlline keeps, shows ({@code !list}, "Connecting to ...")
   * and records the URL it is given, so the URL must not hold the token. The driver reads the property just as it reads
   * the URL's entry.
   */
  static String tokenAsProperty(String line) {
    Matcher m = TOKEN_ENTRY.matcher(line);
    List<String> tokens = new ArrayList<>();
    StringBuilder rest = new StringBuilder();
    while (m.find()) {
      tokens.add(m.group(1) != null ? m.group(1) : m.group(2));
      m.appendReplacement(rest, "");
    }
    m.appendTail(rest);
    if (tokens.size() != 1) {
      return line; // none, or a URL that sets it twice: the driver refuses that with a clear error
    }
    Matcher command = Pattern.compile("^\\s*!?\\S+").matcher(rest);
    return command.find() ? command.group() + " -p apiToken " + tokens.get(0) + rest.substring(command.end()) : line;
  }

  /** {@code !connect} with {@link #tokenAsProperty}. */
  private static final class TokenOutOfUrl implements CommandHandler {
    private final CommandHandler connect;

    TokenOutOfUrl(CommandHandler connect) {
      this.connect = connect;
    }

    @Override public void execute(String line, DispatchCallback callback) {
      connect.execute(tokenAsProperty(line), callback);
    }

    @Override public String getName() {
      return connect.getName();
    }

    @Override public List<String> getNames() {
      return connect.getNames();
    }

    @Override public String getHelpText() {
      return connect.getHelpText();
    }

    @Override public String matches(String line) {
      return connect.matches(line);
    }

    @Override public List<Completer> getParameterCompleters() {
      return connect.getParameterCompleters();
    }

    @Override public boolean echoToFile() {
      return connect.echoToFile();
    }
  }

  @Override public Collection<String> getConnectionUrlExamples() {
    return Arrays.asList(
        "jdbc:d1:model=/path/to/model.json",
        "jdbc:d1:database=NAME;accountId=ACCOUNT_ID",
        "jdbc:avatica:remote:url=http://127.0.0.1:8765;serialization=protobuf");
  }

  @Override public List<String> allowedDrivers() {
    return Arrays.asList("io.github.calcited1.jdbc.D1Driver", "org.apache.calcite.jdbc.Driver",
        "org.apache.calcite.avatica.remote.Driver", "org.sqlite.JDBC");
  }
}
