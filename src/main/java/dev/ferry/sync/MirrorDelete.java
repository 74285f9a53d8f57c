package dev.ferry.sync;

import dev.ferry.plan.SafetyRules;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * Mirror's last step on a keyed table: the target rows the source lacks are deleted, guarded by the delete share,
 * each kept in a backup copy by the statement that deletes it (unless the whole table was backed up before the run).
 */
final class MirrorDelete {
  private final TableRun run;
  private final TableState before;
  private final boolean backedUp;

  MirrorDelete(TableRun run, TableState before, boolean backedUp) {
    this.run = run;
    this.before = before;
    this.backedUp = backedUp;
  }

  Future<TableState> run() {
    TableCopier copier = run.copier();
    List<String[]> candidates = before.evidence().missingOnSource();
    Future<List<String[]>> missing = candidates != null ? copier.stillMissing(candidates) : copier.findMissingOnSource();
    return missing.compose(keys -> {
      RunContext ctx = run.ctx;
      Optional<String> refusal = SafetyRules.mirrorDeletes(run.plan, keys.size(), run.targetRows,
          ctx.config.mirrorMaxDeleteShare(), ctx.options.confirmDestructive());
      if (refusal.isPresent()) {
        return Future.succeededFuture(before.deletesRefused(refusal.get(), run.log()));
      }
      if (run.dryRun() || keys.isEmpty()) {
        return Future.succeededFuture(before.added(new Counts(0, 0, keys.size(), 0), run.log()));
      }
      Future<String> copy = backedUp ? Future.succeededFuture(null) : ctx.backups.runCopy(ctx.runId, run.plan.target(), false);
      return copy.compose(c -> run.retried(() -> {
        run.counter.reset();
        return run.transaction(conn -> copier.deleteKeys(conn, keys, c));
      }).compose(done -> c == null ? Future.succeededFuture() : ctx.backups.counted(c)))
          .map(v -> before.added(run.counter.counts(), run.log()));
    });
  }
}
