package dev.ferry.pull;

import dev.ferry.config.ConfigException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which of production's rows a pull takes: roots by condition ({@code --where "table: condition"}) or by share
 * ({@code --percent N}: that share of every table, chosen by a hash of the key, so the same rows each time), then
 * every row the chosen ones reference, and children of chosen rows only where asked ({@code --children table[:cap]}).
 *
 * @param where    table → SQL condition over its row, evaluated on production
 * @param percent  the share of every table without a condition; null for none
 * @param children table → at most how many of its rows are taken as children of chosen rows (Long.MAX_VALUE: all)
 */
public record SubsetSpec(Map<String, String> where, Integer percent, Map<String, Long> children) {
  public static final SubsetSpec ALL = new SubsetSpec(Map.of(), null, Map.of());

  /** The whole of every table. */
  public boolean isAll() {
    return where.isEmpty() && percent == null;
  }

  public static SubsetSpec parse(List<String> where, Integer percent, List<String> children) {
    Map<String, String> roots = new LinkedHashMap<>();
    for (String w : where) {
      int colon = w.indexOf(':');
      if (colon < 1 || w.substring(colon + 1).isBlank()) {
        throw new ConfigException("--where", "write it as \"table: condition\" (e.g. \"organizations: country = 'DE'\"),"
            + " got '" + w + "'");
      }
      String condition = w.substring(colon + 1).trim();
      if (condition.contains(";")) {
        throw new ConfigException("--where", "one condition per table, without ';'");
      }
      roots.put(w.substring(0, colon).trim(), condition);
    }
    if (percent != null && (percent < 1 || percent > 100)) {
      throw new ConfigException("--percent", "must be between 1 and 100 (got " + percent + ")");
    }
    Map<String, Long> caps = new LinkedHashMap<>();
    for (String c : children) {
      String[] parts = c.split(":", 2);
      try {
        caps.put(parts[0].trim(), parts.length == 1 ? Long.MAX_VALUE : Long.parseLong(parts[1].trim()));
      } catch (NumberFormatException e) {
        throw new ConfigException("--children", "write it as table or table:cap (e.g. animals:500), got '" + c + "'");
      }
    }
    if (!caps.isEmpty() && roots.isEmpty() && percent == null) {
      throw new ConfigException("--children", "children of which rows? Choose roots with --where or --percent");
    }
    return new SubsetSpec(Map.copyOf(roots), percent, Map.copyOf(caps));
  }
}
