package dev.ferry.sync;

import dev.ferry.plan.TablePlan;
import dev.ferry.result.Phase;
import dev.ferry.result.TableResult;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.Function;

/** A run's backups: the snapshot before a destructive run, and dropping what a run that changed nothing kept. */
final class RunBackup {
  private final RunContext ctx;
  private final Function<Throwable, String> message;
  /** The backup taken before a rebuild or force run, if one was. */
  private Long fullBackupId;

  RunBackup(RunContext ctx, Function<Throwable, String> message) {
    this.ctx = ctx;
    this.message = message;
  }

  /** Whether every selected table was backed up before the data phases. */
  boolean taken() {
    return fullBackupId != null;
  }

  /**
   * Rebuild and force replace data wholesale: every selected table is snapshot first (backup.beforeSync:
   * destructive, the default; always does it for every run). Mirror's deletes back up the rows they delete, and a
   * pull the local rows it overwrites or deletes, each just before it does (see {@link #rowsReason}).
   */
  Future<Void> take(List<TablePlan> plans, PhaseLog log) {
    String policy = ctx.config.backup().beforeSync();
    boolean wanted = policy.equals("always") || (policy.equals("destructive") && ctx.options.mode().alwaysDestructive());
    if (ctx.options.dryRun() || !wanted) {
      return Future.succeededFuture();
    }
    return log.phase(Phase.BACKUP, "snapshot the target tables this run may replace", () -> ctx.backups.take(
            plans.stream().map(p -> p.target().name()).toList(), "before " + ctx.options.mode().label()
                + (ctx.direction.pull() ? " pull" : " sync"), ctx.runId),
        info -> {
          fullBackupId = info.id();
          return List.of("backup #" + info.id() + ": " + info.rows() + " rows of " + info.rowsByTable().size()
              + " table" + (info.rowsByTable().size() == 1 ? "" : "s") + " (`ferry rollback " + ctx.runId
              + "` puts them back)");
        }).mapEmpty();
  }

  /** What a run's row-level backup says it holds: a mirror run's deleted rows, or the local rows a pull replaced. */
  static String rowsReason(RunContext ctx) {
    return ctx.direction.pull() ? "local rows a pull replaced or deleted" : "rows deleted by mirror run";
  }

  /**
   * A run that stopped without changing the target keeps no backup for it, so no rollback is offered for a change
   * that never happened: the backup taken before it, and the copy of deleted rows when no delete was committed.
   */
  Future<Void> dropUnused(boolean completed, TableStates states) {
    boolean stopped = !completed || ctx.cancelled.get() || states.all().stream()
        .anyMatch(t -> t.outcome() == TableResult.Outcome.FAILED || t.outcome() == TableResult.Outcome.SKIPPED);
    Future<Void> full = fullBackupId == null || !stopped || !states.nothingWritten() ? Future.succeededFuture()
        : ctx.backups.discard(fullBackupId).map(v -> {
          ctx.warn(null, "backup #" + fullBackupId + " dropped: the run changed nothing, so there is nothing to roll"
              + " back");
          return null;
        });
    return full.compose(v -> ctx.backups.discardEmptyRunBackup())
        .map(id -> {
          id.ifPresent(n -> ctx.warn(null, "backup #" + n + " dropped: no delete was committed, so it held no rows"));
          return (Void) null;
        })
        .recover(err -> {
          ctx.warn(null, "could not drop a backup this run did not need: " + message.apply(err));
          return Future.succeededFuture();
        });
  }
}
