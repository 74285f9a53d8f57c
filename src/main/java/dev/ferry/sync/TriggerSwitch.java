package dev.ferry.sync;

import dev.ferry.catalog.TableName;
import dev.ferry.catalog.Trigger;
import dev.ferry.config.TargetTriggers;
import dev.ferry.db.SqlState;
import dev.ferry.plan.TablePlan;
import java.util.ArrayList;
import java.util.List;

/**
 * The target triggers (and rules) Ferry switches off inside a write transaction and on again just before it
 * commits (see {@link TargetTriggers}): statements for the simple protocol, each ending in "; ", empty when none.
 */
record TriggerSwitch(String off, String on) {
  static final TriggerSwitch NONE = new TriggerSwitch("", "");

  static TriggerSwitch of(RunContext ctx, List<TableName> tables) {
    if (ctx.options.dryRun() || ctx.config.targetTriggers() != TargetTriggers.DISABLE) {
      return NONE;
    }
    StringBuilder off = new StringBuilder();
    StringBuilder on = new StringBuilder();
    for (TableName t : tables) {
      TablePlan plan = ctx.plans.get(t);
      for (Trigger g : plan == null ? List.<Trigger>of() : plan.target().triggers()) {
        String alter = "ALTER TABLE " + t.sql();
        String kind = g.rule() ? "RULE " : "TRIGGER ";
        off.append(alter).append(" DISABLE ").append(kind).append(g.sql()).append("; ");
        on.append(alter).append(g.always() ? " ENABLE ALWAYS " : " ENABLE ").append(kind).append(g.sql()).append("; ");
      }
    }
    return new TriggerSwitch(off.toString(), on.toString());
  }

  boolean none() {
    return off.isEmpty();
  }

  /** The plan's words on a table's triggers under the configured policy; empty when it has none. */
  static List<String> describe(TargetTriggers policy, TablePlan plan) {
    List<Trigger> triggers = plan.target().triggers();
    if (triggers.isEmpty()) {
      return List.of();
    }
    List<String> names = triggers.stream().map(Trigger::name).toList();
    if (policy == TargetTriggers.DISABLE) {
      return List.of(plan.name().display() + ": target triggers " + names + " are switched off while Ferry writes"
          + " (sync.targetTriggers: disable)");
    }
    List<String> out = new ArrayList<>();
    for (Trigger g : triggers) {
      if (g.changesRows()) {
        out.add(plan.name().display() + ": target " + (g.rule() ? "rule " : "trigger ") + g.name()
            + " runs on Ferry's writes and can change what"
            + " it writes (sync.targetTriggers: fire), so the target may not end equal to the source: " + g.definition());
      }
    }
    return out;
  }

  /**
   * PostgreSQL refuses INSERT … ON CONFLICT on a table with an UPDATE rule, enabled or not (the rewriter counts
   * disabled ones too): the failure names the rule.
   */
  static Throwable explainUpsert(Throwable err, TablePlan plan) {
    if (SqlState.is(err, SqlState.FEATURE_NOT_SUPPORTED) && String.valueOf(err.getMessage()).contains("ON CONFLICT")) {
      List<String> rules = plan.target().triggers().stream().filter(Trigger::rule)
          .filter(g -> g.definition().contains(" ON UPDATE ")).map(Trigger::name).toList();
      return new IllegalStateException("the target's rule" + (rules.size() == 1 ? " " : "s ") + String.join(", ", rules)
          + " on " + plan.name().display() + " makes PostgreSQL refuse INSERT … ON CONFLICT, which Ferry upserts with"
          + " (even with the rule switched off): turn the rule into a trigger, or --exclude " + plan.name().display(), err);
    }
    return err;
  }

  /** The error a table owner's privilege is missing with, said in terms of the setting. */
  static Throwable explain(Throwable err) {
    if (SqlState.is(err, SqlState.INSUFFICIENT_PRIVILEGE)) {
      return new IllegalStateException(SqlState.message(err) + ": Ferry switches the target's triggers off while it"
          + " writes (sync.targetTriggers: disable), which only the table's owner may do. Connect as the owner, or set"
          + " sync.targetTriggers: fire to let them run", err);
    }
    return err;
  }
}
