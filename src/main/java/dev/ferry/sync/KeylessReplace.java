package dev.ferry.sync;

import dev.ferry.control.BackupRegistry;
import dev.ferry.result.Strategy;
import io.vertx.core.Future;

/**
 * A table without a key whose contents differ (mirror with --confirm-destructive, or force): the target's rows are
 * deleted and the source's inserted, in one transaction. Without a backup of the whole run, the old rows move into
 * one as the same statement deletes them.
 */
final class KeylessReplace implements TableSync {
  private final TableRun run;
  private final boolean backedUp;

  /** @param backedUp the run backed up every selected table before it started */
  KeylessReplace(TableRun run, boolean backedUp) {
    this.run = run;
    this.backedUp = backedUp;
  }

  @Override
  public Strategy strategy() {
    return Strategy.KEYLESS_REPLACE;
  }

  @Override
  public String path() {
    return "replace: no key, contents differ";
  }

  @Override
  public Future<CopyOutcome> run() {
    if (run.dryRun()) {
      return Future.succeededFuture(new CopyOutcome(strategy(), path(),
          new Counts(run.sourceRows, 0, run.targetRows, 0), Evidence.NONE));
    }
    RunContext ctx = run.ctx;
    Future<String> copy = backedUp ? Future.succeededFuture(null) : ctx.backups.runCopy(ctx.runId, run.plan.target(), BackupRegistry.WHOLE_TABLE, RunBackup.rowsReason(ctx));
    return copy.compose(c -> run.retried(() -> {
      run.counter.reset();
      String delete = c == null ? run.sql().writes().deleteAll()
          : "WITH gone AS (" + run.sql().writes().deleteAll() + " RETURNING *) INSERT INTO " + c + " SELECT * FROM gone";
      return run.transaction(conn -> conn.query(delete).execute().compose(rs -> {
        run.counter.deleted = rs.rowCount();
        return run.copier().copyRows(conn, true);
      }));
    }).compose(digest -> c == null ? Future.succeededFuture(digest) : ctx.backups.counted(c).map(digest)))
        .compose(digest -> run.advanceSequences()
            .map(v -> new CopyOutcome(strategy(), path(), run.counter.counts(), Evidence.streamed(digest))));
  }
}
