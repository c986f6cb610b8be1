package io.github.calcited1.shell;

import java.io.IOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

import sqlline.Application;
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
