package dev.ferry.plan;

import java.util.Optional;

/** Seed 001's guards, in one place: each returns the refusal message, or empty when the step may go ahead. */
public final class SafetyRules {
  private SafetyRules() {}

  /** Modes that replace data need an explicit confirmation; a dry run never does (it writes nothing). */
  public static Optional<String> confirmation(SyncOptions options) {
    if (options.mode().alwaysDestructive() && !options.dryRun() && !options.confirmDestructive()) {
      return Optional.of("mode " + options.mode().label() + " can overwrite or delete production data: add "
          + "--confirm-destructive to proceed, or --dry-run to preview what it would do");
    }
    return Optional.empty();
  }

  /** Per-table rules checked against real row counts before anything is written. */
  public static Optional<String> table(Mode mode, TablePlan plan, long sourceRows, long targetRows) {
    String t = plan.name().display();
    if (mode == Mode.INCREMENTAL && targetRows > sourceRows) {
      return Optional.of(t + ": the target has more rows (" + targetRows + ") than the source (" + sourceRows
          + "); incremental never deletes, so the target may hold data the source lacks. Check with `ferry status`,"
          + " then use --mode mirror (deletes what the source lacks), --mode rebuild --confirm-destructive"
          + " (replaces the table), or --exclude " + t);
    }
    if (mode == Mode.REBUILD && sourceRows < plan.minRows()) {
      return Optional.of(t + ": the source has " + sourceRows + " rows, below the configured minimum of "
          + plan.minRows() + " for a rebuild (tables." + t + ".minRows); refusing to replace the target's "
          + targetRows + " rows with so little");
    }
    return Optional.empty();
  }

  /**
   * Whether the table can be copied at all: force mode syncs the columns both sides share, and a table sharing none,
   * or whose target key is missing on the source, has nothing to copy or no way to match rows.
   */
  public static Optional<String> copyable(TablePlan plan) {
    String t = plan.name().display();
    if (plan.columns().isEmpty()) {
      return Optional.of(t + " shares no column with the target table: there is nothing to copy");
    }
    java.util.List<String> missing = plan.keyColumns().stream().map(c -> c.name())
        .filter(c -> plan.source().column(c).isEmpty()).toList();
    if (!missing.isEmpty()) {
      return Optional.of(t + ": the target's key " + missing + " is not on the source, so rows cannot be matched;"
          + " configure tables." + t + ".key with columns both sides have");
    }
    return Optional.empty();
  }

  /** Mirror deletes beyond the configured share of a table need confirmation. */
  public static Optional<String> mirrorDeletes(TablePlan plan, long deletes, long targetRows, double maxShare,
      boolean confirmed) {
    if (confirmed || deletes == 0) {
      return Optional.empty();
    }
    double share = targetRows == 0 ? 1 : (double) deletes / targetRows;
    if (share > maxShare) {
      return Optional.of(String.format("%s: mirror would delete %d of %d rows (%.1f%%), more than the allowed %.1f%%"
              + " (sync.mirrorMaxDeleteShare); add --confirm-destructive if that is intended",
          plan.name().display(), deletes, targetRows, share * 100, maxShare * 100));
    }
    return Optional.empty();
  }
}
