package dev.ferry.http;

import dev.ferry.config.ConfigException;
import dev.ferry.config.OnProductionEdit;
import dev.ferry.plan.Mode;
import dev.ferry.plan.SyncOptions;
import dev.ferry.pull.SubsetSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The bodies of {@code POST /api/v1/syncs} (and a webhook's or schedule's configured request), of
 * {@code POST /api/v1/validations}, and of the destructive operations' confirmations, checked field by field.
 */
final class SyncRequest {
  private static final Set<String> FIELDS = Set.of("mode", "dryRun", "tables", "exclude", "skipValidation",
      "skipIndexes", "confirmDestructive", "dropExtraIndexes", "onProductionEdit");
  private static final Set<String> VALIDATION_FIELDS = Set.of("tables", "exclude");
  private static final Set<String> CONFIRM_FIELDS = Set.of("dryRun", "confirmDestructive");
  private static final Set<String> PULL_FIELDS = Set.of("mode", "dryRun", "tables", "exclude", "confirmDestructive",
      "where", "percent", "children", "confirmRemoteTarget");
  private static final int MAX_TABLES = 10_000;

  private SyncRequest() {}

  /** A restore's, rollback's or migration's body: preview it, or confirm it. */
  record Confirm(boolean dryRun, boolean confirmDestructive) {}

  static SyncOptions parse(JsonObject body) {
    known(body, FIELDS);
    Mode mode;
    Object m = body.getValue("mode");
    if (m == null) {
      mode = Mode.INCREMENTAL;
    } else if (!(m instanceof String s)) {
      throw new BadRequest("'mode' must be a string: incremental, rebuild, force or mirror");
    } else if (hasControlCharacter(s)) {
      // trim() would strip a trailing NUL or control character and let "mirror\u0000" pass as mirror.
      throw new BadRequest("unknown mode '" + printable(s) + "' (use incremental, rebuild, force or mirror)");
    } else {
      try {
        mode = Mode.parse(s);
      } catch (ConfigException e) {
        throw new BadRequest("unknown mode '" + clip(s) + "' (use incremental, rebuild, force or mirror)");
      }
    }
    return new SyncOptions(mode, bool(body, "dryRun"), bool(body, "confirmDestructive"), bool(body, "skipValidation"),
        bool(body, "skipIndexes"), bool(body, "dropExtraIndexes"), names(body, "tables"), names(body, "exclude"),
        onProductionEdit(body));
  }

  /** A pull's body: the sync's options that apply to a pull, and which rows ({@link SubsetSpec}). */
  record Pull(SyncOptions options, SubsetSpec subset, boolean confirmRemoteTarget) {}

  static Pull parsePull(JsonObject body) {
    known(body, PULL_FIELDS);
    Object m = body.getValue("mode");
    if (m != null && !"incremental".equals(m) && !"mirror".equals(m)) {
      throw new BadRequest("'mode' of a pull is incremental or mirror");
    }
    SyncOptions options = SyncOptions.defaults().withMode("mirror".equals(m) ? Mode.MIRROR : Mode.INCREMENTAL)
        .withDryRun(bool(body, "dryRun")).withConfirm(bool(body, "confirmDestructive"))
        .withTables(names(body, "tables")).withExclude(names(body, "exclude"));
    List<String> where = new ArrayList<>();
    Object w = body.getValue("where");
    if (w != null) {
      if (!(w instanceof JsonObject roots) || roots.stream().anyMatch(e -> !(e.getValue() instanceof String))) {
        throw new BadRequest("'where' must map tables to conditions: {\"organizations\": \"country = 'DE'\"}");
      }
      roots.forEach(e -> where.add(e.getKey() + ": " + e.getValue()));
    }
    Object p = body.getValue("percent");
    if (p != null && !(p instanceof Integer)) {
      throw new BadRequest("'percent' must be a whole number between 1 and 100");
    }
    List<String> children = new ArrayList<>();
    Object c = body.getValue("children");
    if (c != null) {
      if (!(c instanceof JsonObject caps) || caps.stream().anyMatch(e -> e.getValue() != null
          && !(e.getValue() instanceof Integer))) {
        throw new BadRequest("'children' must map tables to a cap or null: {\"animals\": 500}");
      }
      caps.forEach(e -> children.add(e.getKey() + (e.getValue() == null ? "" : ":" + e.getValue())));
    }
    try {
      return new Pull(options, SubsetSpec.parse(where, (Integer) p, children), bool(body, "confirmRemoteTarget"));
    } catch (ConfigException e) {
      throw new BadRequest(e.getMessage());
    }
  }

  /** A validation's body: which tables (all by default). */
  static SyncOptions parseValidation(JsonObject body) {
    known(body, VALIDATION_FIELDS);
    return SyncOptions.defaults().withTables(names(body, "tables")).withExclude(names(body, "exclude"));
  }

  static Confirm confirm(JsonObject body) {
    known(body, CONFIRM_FIELDS);
    return new Confirm(bool(body, "dryRun"), bool(body, "confirmDestructive"));
  }

  private static void known(JsonObject body, Set<String> fields) {
    for (String field : body.fieldNames()) {
      if (!fields.contains(field)) {
        throw new BadRequest("unknown field '" + clip(field) + "' (known: " + String.join(", ", fields.stream().sorted()
            .toList()) + ")");
      }
    }
  }

  private static OnProductionEdit onProductionEdit(JsonObject body) {
    Object v = body.getValue("onProductionEdit");
    if (v != null && !(v instanceof String)) {
      throw new BadRequest("onProductionEdit must be a string: refuse, keep or overwrite");
    }
    try {
      return OnProductionEdit.parse(v, "onProductionEdit");
    } catch (ConfigException e) {
      throw new BadRequest("unknown onProductionEdit '" + clip((String) v) + "' (use refuse, keep or overwrite)");
    }
  }

  private static boolean bool(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v == null) {
      return false;
    }
    if (!(v instanceof Boolean b)) {
      throw new BadRequest("'" + field + "' must be true or false");
    }
    return b;
  }

  private static List<String> names(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof JsonArray arr) || arr.size() > MAX_TABLES) {
      throw new BadRequest("'" + field + "' must be a list of table names (table or schema.table)");
    }
    List<String> out = new ArrayList<>();
    for (Object o : arr) {
      if (!(o instanceof String s) || s.isBlank() || s.length() > 200) {
        throw new BadRequest("'" + field + "' must hold table names as non-empty strings of at most 200 characters");
      }
      if (hasControlCharacter(s)) {
        // Else trim() would turn "animals\u0000" into the real table animals.
        throw new BadRequest("'" + field + "': '" + printable(s) + "' contains a control character; table names cannot");
      }
      out.add(s.trim());
    }
    return List.copyOf(out);
  }

  private static boolean hasControlCharacter(String s) {
    return s.chars().anyMatch(Character::isISOControl);
  }

  /** The input with control characters shown as \\uXXXX, clipped: safe to echo in a detail. */
  private static String printable(String s) {
    StringBuilder out = new StringBuilder();
    clip(s).chars().forEach(c -> out.append(Character.isISOControl(c) ? String.format("\\u%04x", c) : String.valueOf((char) c)));
    return out.toString();
  }

  /** Echoing input back is useful, but never at length. */
  static String clip(String s) {
    return s.length() <= 60 ? s : s.substring(0, 60) + "…";
  }
}
