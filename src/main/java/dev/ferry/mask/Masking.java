package dev.ferry.mask;

import dev.ferry.catalog.TableName;
import dev.ferry.config.MaskRule;
import dev.ferry.config.MaskRules;
import dev.ferry.plan.TablePlan;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A pull's plans with the data rules applied: each table that masks a column reads a masked relation instead of
 * the table, and everything downstream (copy, comparison, validation) sees only masked values. Decided before any
 * row is read: a refusal stops the pull with every reason listed.
 *
 * @param report one line per table: each column's rule and the pattern that gave it, and the unclassified columns
 * @param rules  table → its columns' rules (what {@link MaskSql#relation} takes)
 */
public record Masking(List<TablePlan> plans, List<String> report, List<String> refusals,
    Map<TableName, Map<String, MaskRule>> rules) {
  /** Rules that hash with the salt: without one they would not be secret, so the pull refuses. */
  private static final Set<MaskRule.Kind> SALTED = EnumSet.of(MaskRule.Kind.EMAIL, MaskRule.Kind.PHONE,
      MaskRule.Kind.NAME, MaskRule.Kind.TEXT, MaskRule.Kind.SHIFT, MaskRule.Kind.FAKE);

  public static Masking apply(List<TablePlan> plans, MaskRules rules, boolean salted) {
    List<TablePlan> out = new ArrayList<>();
    List<String> report = new ArrayList<>();
    List<String> refusals = new ArrayList<>();
    Map<TableName, Map<String, MaskRule>> byTable = new LinkedHashMap<>();
    boolean needsSalt = false;
    for (TablePlan plan : plans) {
      MaskPlan mask = MaskPlan.of(plan.source(), plan.target(), rules);
      refusals.addAll(mask.refusals());
      if (rules.strict() && !mask.unclassified().isEmpty()) {
        refusals.add(plan.name().display() + ": no rule classifies " + String.join(", ", mask.unclassified())
            + " (rules.strict: every column needs one; keep is a rule)");
      }
      byTable.put(plan.name(), mask.rules());
      needsSalt |= mask.rules().values().stream().anyMatch(r -> SALTED.contains(r.kind()));
      report.add(plan.name().display() + ": " + (mask.rules().isEmpty() ? "no rules" : mask.rules().entrySet().stream()
          .map(e -> e.getKey() + " " + e.getValue().describe() + " (" + mask.patterns().get(e.getKey()) + ")")
          .collect(Collectors.joining(", "))) + (mask.unclassified().isEmpty() ? ""
              : "; unclassified: " + String.join(", ", mask.unclassified())));
      out.add(mask.masks() ? plan.readingFrom(MaskSql.relation(plan.source().fromSql(), plan.source().columns(),
          mask.rules())) : plan);
    }
    if (needsSalt && !salted) {
      refusals.add("the rules hash values, and FERRY_MASK_SALT is not set: set it to a secret of your own (e.g."
          + " `export FERRY_MASK_SALT=$(openssl rand -hex 24)`); the same salt masks the same way on every pull");
    }
    return new Masking(List.copyOf(out), List.copyOf(report), List.copyOf(refusals), byTable);
  }
}
