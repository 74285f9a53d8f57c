package dev.ferry.sync;

import dev.ferry.plan.TablePlan;
import dev.ferry.result.Strategy;
import java.util.Optional;

/**
 * Which way a table is copied, decided from its key, the row counts on both sides and the servers, before any row
 * moves. Where the counts allow the sides to be equal, one digest per side is read first ({@code ifIdentical}):
 * equal digests make the table {@link Strategy#UNCHANGED} (or {@link Strategy#KEYLESS_UNCHANGED}) instead.
 *
 * @param reason why the streamed upsert instead of the differential comparison; null for other strategies
 */
record StrategyChoice(Strategy strategy, String reason, Strategy ifIdentical) {
  /** Below this many source rows, streaming the table costs less than comparing it. */
  static final long MIN_DIFFERENTIAL_ROWS = 2_000;
  private static final String OLD_SERVER = "a server older than PostgreSQL 14 cannot hash rows cheaply";

  /**
   * @param claimed the comparison is needed, whatever the table's size or how much of it is missing: a verified
   *                sync's claim holds for the table (the comparison then tells production's edits from the source's
   *                changes), or a pull keeps the developer's own rows (only the comparison finds them)
   */
  static StrategyChoice of(TablePlan plan, long sourceRows, long targetRows, boolean fastHash, boolean claimed) {
    if (!plan.keyed()) {
      return targetRows == 0 ? new StrategyChoice(Strategy.KEYLESS_LOAD, null, null)
          : new StrategyChoice(Strategy.KEYLESS_REPLACE, null, Strategy.KEYLESS_UNCHANGED);
    }
    if (targetRows == 0) {
      return new StrategyChoice(Strategy.EMPTY_LOAD, "target empty", null);
    }
    Optional<String> notDifferential = claimed ? unclassifiable(plan, fastHash)
        : notDifferential(plan, sourceRows, targetRows, fastHash);
    if (notDifferential.isEmpty()) {
      return new StrategyChoice(Strategy.DIFFERENTIAL, null, null);
    }
    return new StrategyChoice(Strategy.UPSERT, notDifferential.get(),
        sourceRows == targetRows ? Strategy.UNCHANGED : null);
  }

  /** Why a keyed table takes the streaming upsert instead, or empty when the comparison is the better path. */
  static Optional<String> notDifferential(TablePlan plan, long sourceRows, long targetRows, boolean fastHash) {
    if (!fastHash) {
      return Optional.of(OLD_SERVER);
    }
    if (sourceRows < MIN_DIFFERENTIAL_ROWS) {
      return Optional.of("small table: streaming it costs less than comparing it");
    }
    if (targetRows < sourceRows / 2) {
      return Optional.of("most rows are missing on the target: streaming them is the shorter way");
    }
    return remappedKey(plan);
  }

  /** Why a claimed table cannot be compared (and so its production edits told apart), or empty: size aside. */
  private static Optional<String> unclassifiable(TablePlan plan, boolean fastHash) {
    return !fastHash ? Optional.of(OLD_SERVER) : remappedKey(plan);
  }

  private static Optional<String> remappedKey(TablePlan plan) {
    return plan.keyColumns().stream().anyMatch(c -> plan.mapped().containsKey(c.name()))
        ? Optional.of("the key holds remapped ids, which differ between the sides") : Optional.empty();
  }

  /**
   * Whether a streamed copy commits in chunks: tables above {@code sync.checkpointRows} do, with a key without
   * NULLs to resume after; smaller ones, and dry runs, stay one transaction.
   */
  static boolean checkpointed(TablePlan plan, long sourceRows, boolean dryRun, long checkpointRows) {
    return !dryRun && sourceRows > checkpointRows && plan.keyColumns().stream().allMatch(c -> c.notNull());
  }
}
