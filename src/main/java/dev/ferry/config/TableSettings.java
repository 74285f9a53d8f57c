package dev.ferry.config;

import java.util.List;

/**
 * Per-table tuning from {@code tables:} in the configuration.
 *
 * @param key     a natural key to match rows by instead of the primary key (target ids may then differ from
 *                source ids, and foreign keys pointing at this table are rewritten through an id map)
 * @param minRows the fewest source rows a rebuild accepts for this table (the seeds' safety thresholds)
 */
public record TableSettings(List<String> key, long minRows) {
  public static final TableSettings DEFAULT = new TableSettings(List.of(), 0);

  public boolean hasNaturalKey() {
    return !key.isEmpty();
  }
}
