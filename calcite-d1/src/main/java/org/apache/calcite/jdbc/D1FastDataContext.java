package org.apache.calcite.jdbc;

import com.google.common.collect.ImmutableMap;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.avatica.AvaticaSite;
import org.apache.calcite.config.CalciteConnectionConfig;
import org.apache.calcite.linq4j.QueryProvider;
import org.apache.calcite.rel.type.TimeFrameSet;
import org.apache.calcite.rel.type.TimeFrames;
import org.apache.calcite.runtime.Hook;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.util.Holder;
import org.apache.calcite.util.Util;
import org.checkerframework.checker.nullness.qual.Nullable;

import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;

/**
 * Copied from Calcite 1.42.0 {@code CalciteConnectionImpl.DataContextImpl}; re-check on every Calcite upgrade
 * ({@code D1FastDataContextTest} compares the two). The one difference: the connection's settings ({@link Settings})
 * are read once per connection by {@link D1MetaBridge}, where Calcite's reads the connection's properties and derives
 * the time-frame set on each execution, which dominated a prepared INSERT executed many times.
 */
final class D1FastDataContext implements DataContext {
  /** What Calcite's context reads from the connection's properties; they do not change after connecting. */
  static final class Settings {
    final boolean spark;
    /** Null: the JVM's default zone, read at each execution. */
    final @Nullable TimeZone timeZone;
    final Locale locale;
    final TimeFrameSet timeFrameSet;

    Settings(CalciteConnectionImpl c) {
      CalciteConnectionConfig config = c.config();
      this.spark = config.spark();
      String tz = config.timeZone();
      this.timeZone = tz == null ? null : TimeZone.getTimeZone(tz);
      String localeName = config.locale();
      this.locale = localeName != null ? Util.parseLocale(localeName) : Locale.ROOT;
      this.timeFrameSet = c.typeFactory.getTypeSystem().deriveTimeFrameSet(TimeFrames.CORE);
    }
  }

  private final ImmutableMap<Object, Object> map;
  private final CalciteConnectionImpl connection;
  private final CalciteSchema rootSchema;

  D1FastDataContext(CalciteConnectionImpl connection, Settings k, Map<String, Object> parameters,
      CalciteSchema rootSchema) {
    this.connection = connection;
    this.rootSchema = rootSchema;
    final Holder<Long> timeHolder = Holder.of(System.currentTimeMillis());
    Hook.CURRENT_TIME.run(timeHolder);
    final long time = timeHolder.get();
    final TimeZone timeZone = k.timeZone == null ? TimeZone.getDefault() : (TimeZone) k.timeZone.clone();
    final long localOffset = timeZone.getOffset(time);
    final long sysOffset = TimeZone.getDefault().getOffset(time);
    final Holder<Object[]> streamHolder = Holder.of(new Object[] {System.in, System.out, System.err});
    Hook.STANDARD_STREAMS.run(streamHolder);
    ImmutableMap.Builder<Object, Object> builder = ImmutableMap.builder();
    builder.put(Variable.UTC_TIMESTAMP.camelName, time)
        .put(Variable.CURRENT_TIMESTAMP.camelName, time + localOffset)
        .put(Variable.LOCAL_TIMESTAMP.camelName, time + localOffset)
        .put(Variable.SYS_TIMESTAMP.camelName, time + sysOffset)
        .put(Variable.TIME_ZONE.camelName, timeZone)
        .put(Variable.TIME_FRAME_SET.camelName, k.timeFrameSet)
        .put(Variable.USER.camelName, "sa")
        .put(Variable.SYSTEM_USER.camelName, System.getProperty("user.name"))
        .put(Variable.LOCALE.camelName, k.locale)
        .put(Variable.STDIN.camelName, streamHolder.get()[0])
        .put(Variable.STDOUT.camelName, streamHolder.get()[1])
        .put(Variable.STDERR.camelName, streamHolder.get()[2]);
    for (Map.Entry<String, Object> entry : parameters.entrySet()) {
      Object e = entry.getValue();
      builder.put(entry.getKey(), e == null ? AvaticaSite.DUMMY_VALUE : e);
    }
    map = builder.build();
  }

  @Override public synchronized Object get(String name) {
    Object o = map.get(name);
    if (o == AvaticaSite.DUMMY_VALUE) {
      return null;
    }
    if (o == null && Variable.SQL_ADVISOR.camelName.equals(name)) {
      // Rare (SQL completion): Calcite's own context builds the advisor.
      return new CalciteConnectionImpl.DataContextImpl(connection, Map.of(), rootSchema).get(name);
    }
    return o;
  }

  @Override public SchemaPlus getRootSchema() {
    return rootSchema == null ? null : rootSchema.plus();
  }

  @Override public JavaTypeFactory getTypeFactory() {
    return connection.getTypeFactory();
  }

  @Override public QueryProvider getQueryProvider() {
    return connection;
  }
}
