package dev.ferry.sync;

import dev.ferry.result.Strategy;
import io.vertx.core.Future;

/**
 * Every source row streamed to the target, compared there and written only where new or different: one
 * transaction, or, for a large table, chunks committed in key order so that a retry resumes after the last one.
 */
final class Upsert implements TableSync {
  private final TableRun run;
  private final String reason;
  /** Null for a one-transaction copy. */
  private final Checkpoint cp;

  Upsert(TableRun run, String reason, Checkpoint cp) {
    this.run = run;
    this.reason = reason;
    this.cp = cp;
  }

  @Override
  public Strategy strategy() {
    return Strategy.UPSERT;
  }

  @Override
  public String path() {
    return "upsert by " + PathWords.key(run.plan) + ", every row compared on the target (" + reason + ")"
        + PathWords.mapped(run.plan) + PathWords.checkpoints(cp, run.ctx.config.checkpointRows())
        + (reason.equals("target empty") ? "" : "; " + PathWords.UNCLAIMED);
  }

  @Override
  public Future<CopyOutcome> run() {
    return run.retried(this::attempt).compose(digest -> run.advanceSequences()
        .map(v -> new CopyOutcome(strategy(), path(), run.counter.counts(), Evidence.streamed(digest))));
  }

  /** One attempt: from the last checkpoint if there is one, else from the start. */
  Future<StreamDigest> attempt() {
    run.beginAttempt(cp);
    TableCopier copier = run.copier();
    return run.transaction(conn -> cp != null ? copier.copyRowsCheckpointed(conn, false, cp)
        : copier.copyRows(conn, false));
  }

  @Override
  public Counts committed() {
    return cp == null ? Counts.NONE : cp.stays();
  }

  @Override
  public String committedNote() {
    return cp == null ? "" : cp.stayNote();
  }
}
