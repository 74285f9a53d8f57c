package dev.ferry.result;

/**
 * What happened to one table. In a dry run the counts are what a real run would do.
 *
 * @param strategy how the table was copied; null when it was refused or failed before one was chosen
 * @param path    the same in words, and why ("upsert by primary key", "insert: target empty", …)
 * @param linked  rows whose deferred (cycle) columns were updated in the second pass
 * @param samples a few keys of the rows inserted, updated and deleted
 */
public record TableResult(
    String table,
    Outcome outcome,
    Strategy strategy,
    String path,
    long sourceRows,
    long targetRowsBefore,
    long inserted,
    long updated,
    long deleted,
    long linked,
    int attempts,
    long durationMs,
    String message,
    SampleKeys samples) {

  public enum Outcome { SYNCED, UNCHANGED, FAILED, REFUSED, SKIPPED }

  public long written() {
    return inserted + updated + deleted + linked;
  }
}
