package dev.ferry.progress;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.ferry.result.Phase;
import dev.ferry.result.PhaseOutcome;
import dev.ferry.result.RunSummary;
import dev.ferry.result.TableResult;
import java.util.List;

/**
 * What the engine tells the world while it works. Published as JSON on the event bus ({@link ProgressBus});
 * the CLI, the WebSocket and the history all listen to the same stream. Every event names its run.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ProgressEvent.RunStarted.class, name = "run-started"),
    @JsonSubTypes.Type(value = ProgressEvent.PhaseStarted.class, name = "phase-started"),
    @JsonSubTypes.Type(value = ProgressEvent.PhaseFinished.class, name = "phase-finished"),
    @JsonSubTypes.Type(value = ProgressEvent.TableStarted.class, name = "table-started"),
    @JsonSubTypes.Type(value = ProgressEvent.TableProgress.class, name = "table-progress"),
    @JsonSubTypes.Type(value = ProgressEvent.TableFinished.class, name = "table-finished"),
    @JsonSubTypes.Type(value = ProgressEvent.TableCompared.class, name = "table-compared"),
    @JsonSubTypes.Type(value = ProgressEvent.TableCheckpoint.class, name = "table-checkpoint"),
    @JsonSubTypes.Type(value = ProgressEvent.Warning.class, name = "warning"),
    @JsonSubTypes.Type(value = ProgressEvent.RunFinished.class, name = "run-finished")})
public sealed interface ProgressEvent {
  String runId();

  record RunStarted(String runId, String mode, boolean dryRun, String source, String target) implements ProgressEvent {}

  record PhaseStarted(String runId, Phase phase, String description) implements ProgressEvent {}

  record PhaseFinished(String runId, Phase phase, PhaseOutcome outcome, long durationMs, List<String> details)
      implements ProgressEvent {}

  /**
   * {@code path} says how the table is copied ("upsert", "insert into empty table", …) and why; {@code estimated}, that
   * {@code sourceRows} is the source's statistics' estimate (a table loaded whole into an empty target is counted by
   * its load, not before it).
   */
  record TableStarted(String runId, String table, long sourceRows, boolean estimated, long targetRows, String path)
      implements ProgressEvent {}

  /** {@code batchMillis}: how long each batch written since the previous progress event took on the target. */
  record TableProgress(String runId, String table, long rowsDone, long rowsTotal, long rowsWritten,
      double rowsPerSecond, List<Double> batchMillis) implements ProgressEvent {}

  record TableFinished(String runId, TableResult result) implements ProgressEvent {}

  /**
   * A differential comparison's findings: key ranges compared on both servers, how many differed, rows whose
   * hashes were then compared one by one, and what that found (rows to copy, rows only on the target). When a
   * verified sync's claim held ({@code classified}), who made each difference: production edits, rows production
   * added or deleted, and conflicts (changed on both sides) since that sync; the rest are the source's own changes.
   */
  record TableCompared(String runId, String table, int ranges, int rangesDiffering, long rowsCompared, long rowsToCopy,
      long rowsOnlyOnTarget, boolean classified, long productionEdits, long productionInserts, long productionDeletes,
      long conflicts) implements ProgressEvent {}

  /** A large table's copy committed its first {@code rowsCommitted} rows (in key order): a retry resumes after them. */
  record TableCheckpoint(String runId, String table, long rowsCommitted) implements ProgressEvent {}

  record Warning(String runId, String table, String message) implements ProgressEvent {}

  record RunFinished(String runId, RunSummary summary) implements ProgressEvent {}
}
