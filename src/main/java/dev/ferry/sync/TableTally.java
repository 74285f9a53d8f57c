package dev.ferry.sync;

import dev.ferry.plan.TablePlan;
import dev.ferry.result.Strategy;
import dev.ferry.result.TableResult;

/** A table's counters while the run is under way; frozen into a {@link TableResult} at the end. */
final class TableTally {
  final TablePlan plan;
  final long sourceRows;
  final long targetRows;
  /** How the table is copied (set with {@link #path} by {@link #copiedBy}); null until chosen. */
  Strategy strategy;
  String path = "";
  long inserted;
  long updated;
  long deleted;
  long linked;
  int attempts;
  long durationMs;
  TableResult.Outcome outcome;
  String message;
  /** The source digest summed during the last completed copy of every row; null if there was none. */
  StreamDigest streamed;
  /** The target's digest as the differential comparison found it: still valid if nothing was written since. */
  StreamDigest targetBefore;
  /** The target's digest after writes, re-summing only what the differential comparison found different. */
  java.util.function.Supplier<io.vertx.core.Future<StreamDigest>> targetAfterWrites;
  /**
   * The verified run whose claim let the differential comparison skip hashing ranges (see {@link Claims}), or null.
   * Then {@link #streamed}, {@link #targetBefore} and {@link #targetAfterWrites} sum only the compared ranges' rows.
   */
  String claimRun;
  /** Target keys the differential comparison found missing on the source (mirror deletes them); null otherwise. */
  java.util.List<String[]> missingOnSource;

  /** Its table-finished event was published: once, after the last step that writes it (see DataPhase#finished). */
  boolean announced;

  /** A checkpointed copy's progress (what stays committed should the table fail); null for one-transaction tables. */
  Checkpoint checkpoint;

  TableTally(TablePlan plan, long sourceRows, long targetRows) {
    this.plan = plan;
    this.sourceRows = sourceRows;
    this.targetRows = targetRows;
  }

  void copiedBy(Strategy how, String words) {
    strategy = how;
    path = words;
  }

  boolean failedOrRefused() {
    return outcome == TableResult.Outcome.FAILED || outcome == TableResult.Outcome.REFUSED;
  }

  void resetCounts() {
    inserted = 0;
    updated = 0;
    deleted = 0;
    linked = 0;
  }

  /** After a failure: the counts of what stays committed (a checkpointed copy's committed part), else none. */
  void resetToCommitted() {
    resetCounts();
    if (checkpoint != null && checkpoint.started()) {
      inserted = checkpoint.inserted;
      updated = checkpoint.updated;
    }
  }

  String committedNote() {
    return checkpoint != null && checkpoint.started()
        ? "; the first " + checkpoint.rows + " rows (in key order) were committed and stay" : "";
  }

  TableResult result() {
    TableResult.Outcome o = outcome != null ? outcome
        : inserted + updated + deleted + linked > 0 ? TableResult.Outcome.SYNCED : TableResult.Outcome.UNCHANGED;
    return new TableResult(plan.name().display(), o, strategy, path, sourceRows, targetRows, inserted, updated, deleted,
        linked, attempts, durationMs, message);
  }
}
