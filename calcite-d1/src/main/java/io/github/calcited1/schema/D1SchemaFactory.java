package io.github.calcited1.schema;

import io.github.calcited1.client.D1Client;
import io.github.calcited1.config.D1SchemaConfig;
import io.github.calcited1.ddl.D1Functions;
import io.github.calcited1.rel.D1FanOutSchema;
import io.github.calcited1.rel.D1Schema;
import java.util.Map;
import org.apache.calcite.schema.Schema;
import org.apache.calcite.schema.SchemaFactory;
import org.apache.calcite.schema.SchemaPlus;

/**
 * Creates a {@link D1Schema} from a Calcite JSON model:
 * <pre>{"type": "custom", "factory": "io.github.calcited1.schema.D1SchemaFactory",
 *  "operand": {"database": "shop"}}</pre>
 * Calcite calls this once per connection. Operands: docs/configuration.md.
 */
public class D1SchemaFactory implements SchemaFactory {
  public static final D1SchemaFactory INSTANCE = new D1SchemaFactory();

  @Override public Schema create(SchemaPlus parentSchema, String name, Map<String, Object> operand) {
    D1SchemaConfig config = D1SchemaConfig.of(operand, System::getenv);
    D1Client client = new D1Client(config.clientConfig());
    return config.isFanOut() ? new D1FanOutSchema(parentSchema, name, config, client, D1Functions::of)
        : new D1Schema(parentSchema, name, config, client, D1Functions::of);
  }
}
