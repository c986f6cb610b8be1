package io.github.calcited1.rel;

import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.convert.ConverterRule;

/** Puts a {@link D1ToEnumerableConverter} above a subtree in a {@link D1Convention}. */
public final class D1ToEnumerableConverterRule extends ConverterRule {
  static D1ToEnumerableConverterRule create(D1Convention in) {
    return Config.INSTANCE
        .withConversion(RelNode.class, in, EnumerableConvention.INSTANCE, "D1ToEnumerableConverterRule")
        .withRuleFactory(D1ToEnumerableConverterRule::new)
        .toRule(D1ToEnumerableConverterRule.class);
  }

  private D1ToEnumerableConverterRule(Config config) {
    super(config);
  }

  @Override public RelNode convert(RelNode rel) {
    RelTraitSet traits = rel.getTraitSet().replace(getOutConvention());
    return new D1ToEnumerableConverter(rel.getCluster(), traits, rel);
  }
}
