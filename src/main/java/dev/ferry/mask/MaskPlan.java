package dev.ferry.mask;

import dev.ferry.catalog.Column;
import dev.ferry.catalog.TableInfo;
import dev.ferry.config.MaskRule;
import dev.ferry.config.MaskRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the rules do to one table on a pull, decided before any row moves: each column's rule (and the pattern that
 * gave it), the columns no rule classifies, and why a rule cannot run here (it would break a unique key or a NOT
 * NULL on the local side, or does not fit the column's type).
 *
 * @param rules        column → rule, for the ruled columns (KEEP included)
 * @param patterns     column → the configuration pattern that matched it
 * @param unclassified columns no pattern names
 * @param refusals     why the pull cannot run this table's rules, one line each
 */
public record MaskPlan(Map<String, MaskRule> rules, Map<String, String> patterns, List<String> unclassified,
    List<String> refusals) {

  /** Whether any column's values are transformed (not only kept). */
  public boolean masks() {
    return rules.values().stream().anyMatch(r -> r.kind() != MaskRule.Kind.KEEP);
  }

  /**
   * @param production the table as production has it (its columns are read)
   * @param local      the table as the local database has it (its unique keys and NOT NULLs must hold); null when
   *                   it does not exist there yet (production's then stand in)
   */
  public static MaskPlan of(TableInfo production, TableInfo local, MaskRules config) {
    TableInfo keys = local != null ? local : production;
    Map<String, MaskRule> rules = new LinkedHashMap<>();
    Map<String, String> patterns = new LinkedHashMap<>();
    List<String> unclassified = new ArrayList<>();
    List<String> refusals = new ArrayList<>();
    for (Column col : production.writableColumns()) {
      var found = config.ruleFor(production.name().schema(), production.name().name(), col.name());
      if (found.isEmpty()) {
        unclassified.add(col.name());
        continue;
      }
      MaskRule rule = found.get().getValue();
      rules.put(col.name(), rule);
      patterns.put(col.name(), found.get().getKey());
      String at = production.name().display() + "." + col.name() + " (rule " + found.get().getKey() + ": "
          + rule.describe() + ")";
      fits(col, rule).ifPresent(why -> refusals.add(at + ": " + why));
      Column localCol = keys.column(col.name()).orElse(col);
      if (rule.kind() == MaskRule.Kind.NULL && localCol.notNull()) {
        refusals.add(at + ": the column is NOT NULL locally; use a value, a hash or a fake instead");
      }
      if (!rule.keepsUniqueness()) {
        uniqueKeyWith(keys, col.name()).ifPresent(key -> refusals.add(at + ": could give two rows the same value"
            + " under the unique key " + key + "; use email, keep, or declare the rule injective: true if it cannot"));
      }
    }
    return new MaskPlan(rules, patterns, unclassified, refusals);
  }

  private static Optional<String> fits(Column col, MaskRule rule) {
    boolean text = col.type().matches("(text|character varying.*|character.*|citext|name|bpchar.*)");
    return switch (rule.kind()) {
      case EMAIL, PHONE, NAME, TEXT, REDACT -> text ? Optional.empty()
          : Optional.of(rule.kind().label() + " works on text columns, and this one is " + col.type());
      case SHIFT -> col.type().startsWith("date") || col.type().startsWith("timestamp") ? Optional.empty()
          : Optional.of("shift works on date and timestamp columns, and this one is " + col.type());
      default -> Optional.empty();
    };
  }

  private static Optional<String> uniqueKeyWith(TableInfo table, String column) {
    List<List<String>> keys = new ArrayList<>(table.uniqueKeys());
    if (!table.primaryKey().isEmpty()) {
      keys.add(0, table.primaryKey());
    }
    return keys.stream().filter(k -> k.contains(column)).findFirst().map(k -> "(" + String.join(", ", k) + ")");
  }
}
