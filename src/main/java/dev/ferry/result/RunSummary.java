package dev.ferry.result;

import java.util.List;

/** The outcome of a run: what the CLI prints, the API returns and the history keeps. */
public record RunSummary(
    String runId,
    String mode,
    boolean dryRun,
    RunStatus status,
    String message,
    long startedAtEpochMs,
    long durationMs,
    List<PhaseResult> phases,
    List<TableResult> tables,
    List<String> ddl,
    List<ValidationResult> validation,
    List<String> warnings) {

  public record PhaseResult(Phase phase, PhaseOutcome outcome, long durationMs, List<String> details) {}

  /** Per table: counts and order-independent content digests on both sides, and orphaned FK rows on the target. */
  public record ValidationResult(String table, long sourceRows, long targetRows, String sourceDigest,
      String targetDigest, long orphans, boolean matches, String detail) {}

  public long rowsWritten() {
    return tables.stream().mapToLong(TableResult::written).sum();
  }
}
