package dev.ferry.config;

import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * What the target's own triggers do while Ferry writes ({@code sync.targetTriggers}). {@code disable}, the default:
 * they are switched off inside each of Ferry's write transactions and on again before it commits, as logical
 * replication's apply does not fire them either; a trigger that stamps {@code last_update = now()} would otherwise
 * make every run rewrite the rows it just wrote and the target never equal the source. Nobody else ever sees them
 * off: the switch is part of the transaction (a crash rolls it back), and the lock it takes (SHARE ROW EXCLUSIVE)
 * holds other writers of that table until the commit. Needs the table's owner. {@code fire}: they run; the plan
 * names every row trigger that can change what Ferry writes.
 */
public enum TargetTriggers {
  DISABLE, FIRE;

  static TargetTriggers fromJson(JsonObject sync) {
    Object value = sync.getValue("targetTriggers");
    if (value == null) {
      return DISABLE;
    }
    return switch (value.toString().toLowerCase(Locale.ROOT)) {
      case "disable" -> DISABLE;
      case "fire" -> FIRE;
      default -> throw new ConfigException("sync.targetTriggers", "must be disable or fire (got '" + value + "')");
    };
  }
}
