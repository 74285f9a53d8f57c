package dev.ferry.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The pull's data rules ({@code rules:}): column patterns ({@code table.column}, {@code schema.table.column},
 * {@code *} anywhere) to a {@link MaskRule}, and {@code strict}: every column of every pulled table must match one.
 * The first pattern that matches wins, in the order written; a pattern without {@code *} beats one with.
 */
public record MaskRules(boolean strict, Map<String, MaskRule> byPattern) {
  public static final MaskRules NONE = new MaskRules(false, Map.of());

  public boolean isEmpty() {
    return byPattern.isEmpty();
  }

  /** The rule for a column, if a pattern names it. */
  public Optional<Map.Entry<String, MaskRule>> ruleFor(String schema, String table, String column) {
    String bare = table + "." + column;
    String qualified = schema + "." + bare;
    Map.Entry<String, MaskRule> wildcard = null;
    for (Map.Entry<String, MaskRule> e : byPattern.entrySet()) {
      String p = e.getKey();
      if (!p.contains("*") && (p.equals(bare) || p.equals(qualified))) {
        return Optional.of(e);
      }
      if (wildcard == null && p.contains("*") && (glob(p).matcher(bare).matches() || glob(p).matcher(qualified).matches())) {
        wildcard = e;
      }
    }
    return Optional.ofNullable(wildcard);
  }

  private static Pattern glob(String pattern) {
    StringBuilder re = new StringBuilder();
    for (String part : pattern.split("\\*", -1)) {
      if (!re.isEmpty()) {
        re.append("[^.]*");
      }
      re.append(Pattern.quote(part));
    }
    return Pattern.compile(re.toString());
  }

  static MaskRules fromJson(Object value) {
    if (value == null) {
      return NONE;
    }
    if (!(value instanceof JsonObject json)) {
      throw new ConfigException("rules", "must be a mapping: strict: true, and table.column: rule (e.g. '*.email': email)");
    }
    boolean strict = false;
    Map<String, MaskRule> rules = new LinkedHashMap<>();
    for (String key : json.fieldNames()) {
      Object v = json.getValue(key);
      if (key.equals("strict")) {
        if (!(v instanceof Boolean b)) {
          throw new ConfigException("rules.strict", "must be true or false");
        }
        strict = b;
        continue;
      }
      if (!key.matches("[A-Za-z0-9_*$]+(\\.[A-Za-z0-9_*$]+){1,2}")) {
        throw new ConfigException("rules." + key, "name a column as table.column or schema.table.column ('*' matches"
            + " any part, e.g. '*.email')");
      }
      rules.put(key, rule("rules." + key, v));
    }
    return new MaskRules(strict, Collections.unmodifiableMap(rules));
  }

  private static final String KINDS = "keep, null, email, phone, name, text, redact, or a mapping: {value: …},"
      + " {sql: …}, {shift: days}, {fake: [..]}; add injective: true to one that keeps different values different";

  private static MaskRule rule(String key, Object v) {
    if (v instanceof String s) {
      MaskRule.Kind kind = kind(key, s);
      if (kind == MaskRule.Kind.VALUE || kind == MaskRule.Kind.SQL || kind == MaskRule.Kind.SHIFT
          || kind == MaskRule.Kind.FAKE) {
        throw new ConfigException(key, "'" + s + "' needs its argument: {" + s + ": …}");
      }
      return kind == MaskRule.Kind.KEEP ? MaskRule.KEEP : new MaskRule(kind, null, List.of(), false);
    }
    if (!(v instanceof JsonObject o)) {
      throw new ConfigException(key, "must be a rule: " + KINDS);
    }
    boolean injective = false;
    MaskRule out = null;
    for (String field : o.fieldNames()) {
      Object arg = o.getValue(field);
      if (field.equals("injective")) {
        if (!(arg instanceof Boolean b)) {
          throw new ConfigException(key + ".injective", "must be true or false");
        }
        injective = b;
        continue;
      }
      if (out != null) {
        throw new ConfigException(key, "one rule per column (got " + out.kind().label() + " and " + field + ")");
      }
      MaskRule.Kind kind = kind(key, field);
      out = switch (kind) {
        case VALUE -> {
          if (arg == null || arg instanceof JsonObject || arg instanceof JsonArray) {
            throw new ConfigException(key + ".value", "must be a single value (text, number or boolean)");
          }
          yield new MaskRule(kind, arg.toString(), List.of(), false);
        }
        case SQL -> {
          if (!(arg instanceof String sql) || sql.isBlank() || sql.contains(";")) {
            throw new ConfigException(key + ".sql", "must be one SQL expression over the row's columns (no ';')");
          }
          yield new MaskRule(kind, sql, List.of(), false);
        }
        case SHIFT -> {
          if (!(arg instanceof Integer days) || days < 1 || days > 36_500) {
            throw new ConfigException(key + ".shift", "must be a whole number of days between 1 and 36500");
          }
          yield new MaskRule(kind, String.valueOf(days), List.of(), false);
        }
        case FAKE -> {
          if (!(arg instanceof JsonArray list) || list.isEmpty() || list.stream().anyMatch(x -> x == null
              || x instanceof JsonObject || x instanceof JsonArray)) {
            throw new ConfigException(key + ".fake", "must be a list of values to pick from");
          }
          List<String> choices = new ArrayList<>();
          list.forEach(x -> choices.add(x.toString()));
          yield new MaskRule(kind, null, List.copyOf(choices), false);
        }
        default -> {
          if (arg != null && !(arg instanceof JsonObject j && j.isEmpty())) {
            throw new ConfigException(key + "." + field, "takes no argument: write " + field + " alone, or {" + field
                + ": {}, injective: true}");
          }
          yield kind == MaskRule.Kind.KEEP ? MaskRule.KEEP : new MaskRule(kind, null, List.of(), false);
        }
      };
    }
    if (out == null) {
      throw new ConfigException(key, "must name a rule: " + KINDS);
    }
    return new MaskRule(out.kind(), out.argument(), out.choices(), injective || out.kind() == MaskRule.Kind.KEEP);
  }

  private static MaskRule.Kind kind(String key, String name) {
    try {
      return MaskRule.Kind.valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, "unknown rule '" + name + "' (" + KINDS + ")");
    }
  }
}
