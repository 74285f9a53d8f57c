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
   * destructive, the default; always does it for every run). Mirror's deletes back up the rows they delete. A pull
   * may overwrite the developer's local rows: the local tables that have rows are snapshot first.
   */
  Future<Void> take(List<TablePlan> plans, TableStates states, PhaseLog log) {
    String policy = ctx.config.backup().beforeSync();
    boolean pull = ctx.direction.pull();
    boolean wanted = policy.equals("always") || (policy.equals("destructive")
        && (ctx.options.mode().alwaysDestructive() || pull));
    List<TablePlan> chosen = pull ? plans.stream().filter(p -> states.get(p.name()).targetRows() > 0).toList() : plans;
    if (ctx.options.dryRun() || !wanted || chosen.isEmpty()) {
      return Future.succeededFuture();
    }
    return log.phase(Phase.BACKUP, "snapshot the target tables this run may replace", () -> ctx.backups.take(
            chosen.stream().map(p -> p.target().name()).toList(), "before " + ctx.direction.label(
                ctx.options.mode().label()) + (pull ? "" : " sync"), ctx.runId),
        info -> {
          fullBackupId = info.id();
          return List.of("backup #" + info.id() + ": " + info.rows() + " rows of " + info.rowsByTable().size()
              + " table" + (info.rowsByTable().size() == 1 ? "" : "s") + " (`ferry rollback " + ctx.runId
              + "` puts them back)");
        }).mapEmpty();
  }

  /**
   * A run that stopped without changing the target keeps no backup for it, so no rollback is offered for a change
   * that never happened: the backup taken before it, and the copy of deleted rows when no delete was committed.
   */
  Future<Void> dropUnused(boolean completed, TableStates states) {
    // A pull backs up before every write it might make: when it wrote nothing, the backup has nothing to undo.
    boolean stopped = !completed || ctx.cancelled.get() || ctx.direction.pull() || states.all().stream()
        .anyMatch(t -> t.outcome() == TableResult.Outcome.FAILED || t.outcome() == TableResult.Outcome.SKIPPED);
    Future<Void> full = fullBackupId == null || !stopped || !states.nothingWritten() ? Future.succeededFuture()
        : ctx.backups.discard(fullBackupId).map(v -> {
          String line = "backup #" + fullBackupId + " dropped: the run changed nothing, so there is nothing to roll back";
          if (ctx.direction.pull() && completed) {
            ctx.note(line); // a re-pull that found nothing new is the usual case, not a warning
          } else {
            ctx.warn(null, line);
          }
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
