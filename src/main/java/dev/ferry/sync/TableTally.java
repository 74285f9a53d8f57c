package dev.ferry.sync;

import dev.ferry.plan.TablePlan;

/** A table's counters while the run is under way; frozen into a {@link TableResult} at the end. */
final class TableTally {
  final TablePlan plan;
  final long sourceRows;
  final long targetRows;
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
  /** Target keys the differential comparison found missing on the source (mirror deletes them); null otherwise. */
  java.util.List<String[]> missingOnSource;

  TableTally(TablePlan plan, long sourceRows, long targetRows) {
    this.plan = plan;
    this.sourceRows = sourceRows;
    this.targetRows = targetRows;
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

  TableResult result() {
    TableResult.Outcome o = outcome != null ? outcome
        : inserted + updated + deleted + linked > 0 ? TableResult.Outcome.SYNCED : TableResult.Outcome.UNCHANGED;
    return new TableResult(plan.name().display(), o, path, sourceRows, targetRows, inserted, updated, deleted,
        linked, attempts, durationMs, message);
  }
}
