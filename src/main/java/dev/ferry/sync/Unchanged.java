package dev.ferry.sync;

import dev.ferry.result.Strategy;
import io.vertx.core.Future;

/**
 * Both sides hold the same rows, as the same row count and content digest showed: nothing is sent. The digests
 * are kept for validation; the sequences are still brought forward (see {@link TableRun#advanceSequences()}).
 */
final class Unchanged implements TableSync {
  private final TableRun run;
  private final Strategy strategy;
  private final Evidence evidence;

  Unchanged(TableRun run, Strategy strategy, Evidence evidence) {
    this.run = run;
    this.strategy = strategy;
    this.evidence = evidence;
  }

  @Override
  public Strategy strategy() {
    return strategy;
  }

  @Override
  public String path() {
    return strategy == Strategy.KEYLESS_UNCHANGED ? "unchanged: no key, contents identical"
        : "unchanged: same row count and content digest on both sides, nothing sent" + PathWords.mapped(run.plan);
  }

  @Override
  public Future<CopyOutcome> run() {
    return run.advanceSequences().map(v -> new CopyOutcome(strategy, path(), Counts.NONE, evidence));
  }
}
