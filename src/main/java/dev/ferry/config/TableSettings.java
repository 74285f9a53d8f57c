package dev.ferry.config;

import java.util.List;

/**
 * Per-table tuning from {@code tables:} in the configuration.
 *
 * @param key     a natural key to match rows by instead of the primary key (target ids may then differ from
 *                source ids, and foreign keys pointing at this table are rewritten through an id map)
 * @param minRows the fewest source rows a rebuild accepts for this table (the seeds' safety thresholds)
 * @param watermark a column that grows when a row changes (updated_at): on the differential path, source rows
 *                  newer than the target's newest are copied first, without searching for them; the checksum
 *                  comparison still runs over every row and finds what changed without a newer watermark.
 *                  Null when not set.
 * @param onProductionEdit this table's policy for rows production changed (see {@link OnProductionEdit}); null:
 *                  {@code sync.onProductionEdit}'s
 */
public record TableSettings(List<String> key, long minRows, String watermark, OnProductionEdit onProductionEdit) {
  public static final TableSettings DEFAULT = new TableSettings(List.of(), 0, null, null);

  public boolean hasNaturalKey() {
    return !key.isEmpty();
  }
}
