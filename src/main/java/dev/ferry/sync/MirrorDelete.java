package dev.ferry.sync;

import dev.ferry.control.BackupRegistry;
import dev.ferry.plan.SafetyRules;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
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
    List<String[]> candidates = before.evidence().missingOnSource();
    Future<List<String[]>> missing = candidates != null ? stillMissing(candidates) : findMissingOnSource();
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
      Future<String> copy = backedUp ? Future.succeededFuture(null) : ctx.backups.runCopy(ctx.runId, run.plan.target(), ctx.direction.pull() ? BackupRegistry.REPLACED_ROWS : BackupRegistry.DELETED_ROWS, RunBackup.rowsReason(ctx));
      return copy.compose(c -> run.retried(() -> {
        run.counter.reset();
        return run.transaction(conn -> deleteKeys(conn, keys, c));
      }).compose(done -> c == null ? Future.succeededFuture() : ctx.backups.counted(c)))
          .map(v -> before.added(run.counter.counts(), run.log()));
    });
  }

  /**
   * Keys of target rows the source does not have. Reads the target's keys through a cursor and asks the source
   * snapshot about each batch; only the missing keys are kept.
   */
  private Future<List<String[]>> findMissingOnSource() {
    List<String[]> missing = new ArrayList<>();
    String check = run.sql().reads().missingOnSource();
    return run.ctx.snapshot.read(src -> run.ctx.target.connect().compose(tgt -> tgt.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").execute()
        .compose(v -> RowPump.run(tgt, run.sql().reads().selectTargetKeys(), run.ctx.batchSize, 1, batch -> {
          // Key columns that are remapped foreign keys are translated back to source ids before asking.
          List<String[]> asked = new ArrayList<>();
          List<String[]> askedOriginal = new ArrayList<>();
          for (String[] key : batch) {
            String[] inSource = run.copier().toSourceIds(key);
            if (inSource == null) {
              missing.add(key);
            } else {
              asked.add(inSource);
              askedOriginal.add(key);
            }
          }
          if (asked.isEmpty()) {
            return Future.succeededFuture();
          }
          return src.preparedQuery(check).execute(TableCopier.columnsOf(asked, run.plan.key())).map(rs -> {
            for (Row r : rs) {
              missing.add(askedOriginal.get(r.getLong(0).intValue() - 1));
            }
            return (Void) null;
          });
        }, run.ctx.cancelled::get))
        .eventually(() -> tgt.query("ROLLBACK").execute().eventually(tgt::close))))
        .map(n -> missing);
  }

  /**
   * Of the target keys the differential comparison found only on the target, those the source snapshot really
   * lacks: a key that matches under the column's own equality (citext, numeric scale) is not deleted.
   */
  private Future<List<String[]>> stillMissing(List<String[]> candidates) {
    List<String[]> missing = new ArrayList<>();
    String check = run.sql().reads().missingOnSource();
    return run.ctx.snapshot.read(src -> {
      Future<Void> chain = Future.succeededFuture();
      for (int from = 0; from < candidates.size(); from += run.ctx.batchSize) {
        List<String[]> slice = candidates.subList(from, Math.min(candidates.size(), from + run.ctx.batchSize));
        chain = chain.compose(v -> src.preparedQuery(check).execute(TableCopier.columnsOf(slice, run.plan.key())).map(rs -> {
          rs.forEach(r -> missing.add(slice.get(r.getLong(0).intValue() - 1)));
          return null;
        }));
      }
      return chain;
    }).map(v -> missing);
  }

  /** Deletes the given target keys, in batches, on a connection inside the caller's transaction. */
  /** @param backupCopy where deleted rows are moved (same statement), or null */
  private Future<Void> deleteKeys(SqlConnection target, List<String[]> keys, String backupCopy) {
    Future<Void> chain = Future.succeededFuture();
    String statement = backupCopy == null ? run.sql().writes().deleteByKeys()
        : "WITH gone AS (" + run.sql().writes().deleteByKeys() + " RETURNING t.*) INSERT INTO " + backupCopy + " SELECT * FROM gone";
    for (int from = 0; from < keys.size(); from += run.ctx.batchSize) {
      List<String[]> slice = keys.subList(from, Math.min(keys.size(), from + run.ctx.batchSize));
      chain = chain.compose(v -> target.preparedQuery(statement).execute(TableCopier.columnsOf(slice, run.plan.key()))
          .map(rs -> {
            run.counter.deleted += rs.rowCount();
            return null;
          }));
    }
    return chain;
  }
}
