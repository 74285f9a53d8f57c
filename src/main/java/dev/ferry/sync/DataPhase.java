package dev.ferry.sync;

import dev.ferry.catalog.Column;
import dev.ferry.catalog.IndexInfo;
import dev.ferry.db.Sequences;
import dev.ferry.db.SqlState;
import dev.ferry.plan.KeyKind;
import dev.ferry.plan.Mode;
import dev.ferry.plan.SafetyRules;
import dev.ferry.plan.TablePlan;
import dev.ferry.progress.ProgressEvent;
import dev.ferry.result.Strategy;
import dev.ferry.result.TableResult;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Phases 3 to 5: parent tables, id maps, dependent tables; then the second pass over cycle columns and, in
 * mirror mode, deletes (children first). Each table is its own transaction, except in rebuild mode, where the
 * whole replacement is one transaction: it commits entirely or not at all.
 */
final class DataPhase {
  private final RunContext ctx;

  DataPhase(RunContext ctx) {
    this.ctx = ctx;
  }

  /** Loads the given levels, tables of a level in parallel; id maps are built as soon as their table is loaded. */
  Future<Void> load(List<List<TablePlan>> levels) {
    Future<Void> chain = Future.succeededFuture();
    for (List<TablePlan> level : levels) {
      chain = chain.compose(v -> Bounded.forEach(level, ctx.config.poolSize(), this::syncTable))
          .compose(v -> buildMaps(level));
    }
    return chain;
  }

  /** Phase 4's report: how many ids each natural-key table maps, and how many of them differ. */
  List<String> mapSummary() {
    List<String> lines = new ArrayList<>();
    ctx.idMaps.forEach((t, m) -> lines.add(t.display() + ": " + m.size() + " ids mapped, " + m.differing()
        + " differ between source and target"));
    return lines;
  }

  private Future<Void> buildMaps(List<TablePlan> level) {
    Future<Void> chain = Future.succeededFuture();
    for (TablePlan p : level) {
      if (p.keyKind() == KeyKind.NATURAL && p.idColumn() != null && !ctx.tally(p.name()).failedOrRefused()) {
        chain = chain.compose(v -> IdMapBuilder.build(ctx, p, ctx.target.pool()).mapEmpty());
      }
    }
    return chain;
  }

  private Future<Void> syncTable(TablePlan plan) {
    TableTally t = ctx.tally(plan.name());
    if (t.outcome != null) { // refused before the data phases: said here, in its place among the tables
      finished(t);
      return Future.succeededFuture();
    }
    long start = System.nanoTime();
    TableCopier copier = new TableCopier(ctx, plan);
    Future<Void> work = ctx.cancelled.get() ? Future.failedFuture(new RowPump.CancelledException())
        : plan.keyed() ? keyed(plan, t, copier) : keyless(plan, t, copier);
    return settle(t, work, start).onComplete(ar -> {
      if (!laterSteps(plan) || t.failedOrRefused()) {
        finished(t);
      }
    });
  }

  /** Cycle links or mirror's deletes still to come: the table's line waits for them, so it never says less. */
  private boolean laterSteps(TablePlan plan) {
    return !plan.deferred().isEmpty() || mirrorDeletes(plan);
  }

  private boolean mirrorDeletes(TablePlan plan) {
    return ctx.options.mode() == Mode.MIRROR && plan.keyed();
  }

  /** Publishes the table's result, once: what the console's table line, the live run and metrics read. */
  void finished(TableTally t) {
    if (!t.announced) {
      t.announced = true;
      ctx.bus.publish(new ProgressEvent.TableFinished(ctx.runId, t.result()));
    }
  }

  private Future<Void> keyed(TablePlan plan, TableTally t, TableCopier copier) {
    // A table empty when counted takes plain inserts (no compare, no conflict check), with its secondary
    // indexes built after the load. Should rows appear meanwhile, that attempt rolls back and the upsert,
    // which compares every row with the target, takes over.
    boolean[] empty = {t.targetRows == 0};
    Checkpoint cp = checkpointed(plan, t) ? new Checkpoint() : null;
    t.checkpoint = cp;
    // A checkpointed load commits as it goes, so it cannot drop indexes to rebuild them at the end.
    List<IndexInfo> later = empty[0] && cp == null ? deferredIndexes(plan) : List.of();
    Optional<String> notDifferential = empty[0] ? Optional.of("target empty") : RangeDiff.unsuitable(ctx, plan, t);
    String mapped = plan.mapped().isEmpty() ? "" : "; " + String.join(", ", plan.mapped().keySet()) + " rewritten through id maps";
    if (notDifferential.isEmpty()) {
      t.copiedBy(Strategy.DIFFERENTIAL, "differential: compare key ranges on both servers, copy only the rows that"
          + " differ (by " + describeKey(plan) + ")" + mapped);
      started(plan, t);
      return differential(plan, t, copier);
    }
    String path = (empty[0] ? "insert into empty table" + indexNote(later)
        : "upsert by " + describeKey(plan) + ", every row compared on the target (" + notDifferential.get() + ")")
        + mapped + (cp == null ? "" : "; read in key order, committed every " + ctx.config.checkpointRows()
        + " rows so that a retry resumes after the last commit");
    return identical(plan, t).compose(same -> {
      if (same) {
        t.copiedBy(Strategy.UNCHANGED, "unchanged: same row count and content digest on both sides, nothing sent"
            + mapped);
        started(plan, t);
        return advanceSequences(plan);
      }
      t.copiedBy(empty[0] ? Strategy.EMPTY_LOAD : Strategy.UPSERT, path);
      started(plan, t);
      return stream(plan, t, copier, empty, later, cp);
    });
  }

  /**
   * Whether a table the comparison path does not take already holds the same rows on both sides: when the counts
   * agree, one digest query per side settles it, instead of streaming every row to the target in a transaction
   * (for the demo's small parent table, a no-op's critical path). The digests are kept for validation.
   */
  private Future<Boolean> identical(TablePlan plan, TableTally t) {
    if (t.targetRows == 0 || t.sourceRows != t.targetRows) {
      return Future.succeededFuture(false);
    }
    return retried(plan, t, () -> Digests.of(ctx, plan)).map(d -> {
      if (d.same()) {
        t.streamed = StreamDigest.of(d.sourceRows(), new BigInteger(d.source()));
        t.targetBefore = StreamDigest.of(d.targetRows(), new BigInteger(d.target()));
        t.missingOnSource = List.of(); // the same rows: mirror has nothing to delete
      }
      return d.same();
    });
  }

  /** The streaming path: every source row to the target, in one transaction or in checkpoints. */
  private Future<Void> stream(TablePlan plan, TableTally t, TableCopier copier, boolean[] empty, List<IndexInfo> later,
      Checkpoint cp) {
    return retried(plan, t, () -> {
      if (cp != null && cp.started()) {
        ctx.warn(plan.name(), "resuming after the checkpoint at row " + cp.rows + ": the rows before it stay committed");
      } else {
        t.resetCounts();
      }
      return TargetTransaction.run(ctx, plan.name(), conn -> copy(conn, plan, copier, empty[0], later, cp)).recover(err -> {
        if (!empty[0] || (cp != null && cp.started()) || !(isUniqueViolation(err) || err instanceof IndexDeferral.NotEmpty
            || isLockTimeout(err))) {
          return Future.failedFuture(err);
        }
        empty[0] = false;
        ctx.warn(plan.name(), message(err) + "; comparing row by row instead");
        t.resetCounts();
        return TargetTransaction.run(ctx, plan.name(), conn -> copy(conn, plan, copier, false, List.of(), cp));
      });
    }).compose(v -> advanceSequences(plan));
  }

  private Future<Void> copy(SqlConnection conn, TablePlan plan, TableCopier copier, boolean empty,
      List<IndexInfo> later, Checkpoint cp) {
    if (cp != null) {
      return copier.copyRowsCheckpointed(conn, empty, cp);
    }
    return empty ? loadEmpty(conn, plan, copier, later) : copier.copyRows(conn, false);
  }

  /** Tables above sync.checkpointRows commit in chunks; smaller ones (and dry runs) stay one transaction. */
  private boolean checkpointed(TablePlan plan, TableTally t) {
    return !ctx.options.dryRun() && t.sourceRows > ctx.config.checkpointRows()
        && plan.keyColumns().stream().allMatch(c -> c.notNull());
  }

  /**
   * The differential path: {@link RangeDiff} names the rows that differ, only those are read from the source and
   * upserted; the rows only on the target are left for mirror's deletes. The comparison's digests serve validation.
   */
  private Future<Void> differential(TablePlan plan, TableTally t, TableCopier copier) {
    String path = t.path;
    return retried(plan, t, () -> {
      t.resetCounts();
      RangeDiff ranges = new RangeDiff(ctx, plan);
      return byWatermark(plan, copier).compose(early -> ranges.compare().compose(diff -> {
        t.streamed = diff.sourceDigest();
        t.targetBefore = diff.targetDigest();
        t.targetAfterWrites = ranges::targetAfterWrites;
        t.missingOnSource = diff.missing();
        t.claimRun = diff.claimRun();
        t.path = path + early + " — " + found(diff) + diff.changed().size() + " rows to copy";
        return diff.changed().isEmpty() ? Future.succeededFuture()
            : TargetTransaction.run(ctx, plan.name(), conn -> copier.copyKeys(conn, diff.changed()));
      }));
    }).compose(v -> advanceSequences(plan));
  }

  private static String found(RangeDiff.Result diff) {
    if (diff.claimRun() == null) {
      return diff.differing() + " of " + diff.ranges() + " ranges differed, ";
    }
    String since = " on both sides since run " + diff.claimRun() + " verified ";
    return diff.ranges() == 0 ? "whole table unchanged" + since + "it (row versions checked, nothing hashed), "
        : (diff.ranges() - diff.differing()) + " of " + diff.ranges() + " ranges unchanged" + since
            + "them (row versions checked, not hashed), " + diff.differing() + " compared row by row, ";
  }

  /**
   * With a watermark column: the source rows newer than the target's newest are copied (and committed) before the
   * comparison, which then finds only what changed without a newer watermark, and deletes. Returns the path's note.
   * A dry run copies nothing, so its comparison counts every difference itself.
   */
  private Future<String> byWatermark(TablePlan plan, TableCopier copier) {
    if (plan.watermark() == null) {
      return Future.succeededFuture("");
    }
    String name = "; watermark " + plan.watermark().name() + ": ";
    if (ctx.options.dryRun()) {
      return Future.succeededFuture(name + "not used by a dry run, whose comparison counts every difference");
    }
    TableSql sql = ctx.sql(plan);
    return ctx.target.pool().query(sql.targetWatermark()).execute().map(rs -> rs.iterator().next().getString(0))
        .compose(latest -> latest == null ? Future.succeededFuture(name + "none on the target yet")
            : ctx.snapshot.read(src -> src.preparedQuery(sql.sourceKeysNewerThan()).execute(Tuple.of(latest)))
                .map(rs -> {
                  List<String[]> keys = new ArrayList<>(rs.size());
                  rs.forEach(r -> keys.add(RangeDiff.key(r, plan.key())));
                  return keys;
                })
                .compose(keys -> (keys.isEmpty() ? Future.<Void>succeededFuture()
                    : TargetTransaction.run(ctx, plan.name(), conn -> copier.copyKeys(conn, keys)))
                    .map(v -> name + keys.size() + " source rows newer than the target's latest (" + latest
                        + ") copied first")));
  }

  /** Plain inserts into a table that is empty, with the deferrable indexes dropped first and built at the end. */
  private Future<Void> loadEmpty(SqlConnection conn, TablePlan plan, TableCopier copier, List<IndexInfo> later) {
    if (later.isEmpty() || ctx.options.dryRun()) {
      return copier.copyRows(conn, true);
    }
    return IndexDeferral.dropForLoad(conn, plan, later)
        .compose(v -> copier.copyRows(conn, true))
        .compose(v -> IndexDeferral.recreate(conn, later));
  }

  private List<IndexInfo> deferredIndexes(TablePlan plan) {
    return ctx.config.deferIndexes() ? IndexDeferral.candidates(plan) : List.of();
  }

  private static String indexNote(List<IndexInfo> later) {
    return later.isEmpty() ? "" : " (indexes " + String.join(", ", later.stream().map(IndexInfo::name).toList())
        + " built after the load)";
  }

  private static boolean isUniqueViolation(Throwable err) {
    return SqlState.is(err, SqlState.UNIQUE_VIOLATION);
  }

  private static boolean isLockTimeout(Throwable err) {
    return SqlState.is(err, SqlState.LOCK_NOT_AVAILABLE);
  }

  /** Rows without any key can only be compared as a whole: see README, "Tables without a key". */
  private Future<Void> keyless(TablePlan plan, TableTally t, TableCopier copier) {
    boolean dry = ctx.options.dryRun();
    if (t.targetRows == 0) {
      List<IndexInfo> later = deferredIndexes(plan);
      t.copiedBy(Strategy.KEYLESS_LOAD, "insert: no key, target table empty" + indexNote(later));
      started(plan, t);
      if (dry) {
        t.inserted = t.sourceRows;
        return Future.succeededFuture();
      }
      return retried(plan, t, () -> {
        t.resetCounts();
        return TargetTransaction.run(ctx, plan.name(), conn -> loadEmpty(conn, plan, copier, later));
      }).compose(v -> advanceSequences(plan));
    }
    TableSql sql = ctx.sql(plan);
    return Digests.of(ctx, plan).map(Digests::same).compose(same -> {
      if (same) {
        t.copiedBy(Strategy.KEYLESS_UNCHANGED, "unchanged: no key, contents identical");
        started(plan, t);
        return advanceSequences(plan);
      }
      Mode mode = ctx.options.mode();
      if (mode == Mode.INCREMENTAL || (mode == Mode.MIRROR && !ctx.options.confirmDestructive())) {
        t.outcome = TableResult.Outcome.REFUSED;
        t.message = plan.name().display() + " " + whyKeyless(plan) + " and its contents differ, so rows cannot be"
            + " matched one by one. Configure tables." + plan.name().display() + ".key, or replace its contents with"
            + " --mode mirror --confirm-destructive";
        started(plan, t);
        return Future.succeededFuture();
      }
      t.copiedBy(Strategy.KEYLESS_REPLACE, "replace: no key, contents differ");
      started(plan, t);
      if (dry) {
        t.deleted = t.targetRows;
        t.inserted = t.sourceRows;
        return Future.succeededFuture();
      }
      // Mirror replaces it without a backup of the run: its old contents move into one as they are deleted.
      Future<String> copy = ctx.fullBackup ? Future.succeededFuture(null) : ctx.backups.runCopy(ctx.runId, plan.target(), true);
      return copy.compose(c -> retried(plan, t, () -> {
        t.resetCounts();
        String delete = c == null ? sql.deleteAll()
            : "WITH gone AS (" + sql.deleteAll() + " RETURNING *) INSERT INTO " + c + " SELECT * FROM gone";
        return TargetTransaction.run(ctx, plan.name(), conn -> conn.query(delete).execute()
            .compose(rs -> {
              t.deleted = rs.rowCount();
              return copier.copyRows(conn, true);
            }));
      }).compose(done -> c == null ? Future.succeededFuture() : ctx.backups.counted(c)))
          .compose(v -> advanceSequences(plan));
    });
  }

  /** Why a table has no key Ferry can match rows by: none at all, or unique indexes that allow NULLs. */
  private static String whyKeyless(TablePlan plan) {
    List<String> nullable = new ArrayList<>();
    for (IndexInfo i : plan.target().indexes()) {
      List<String> cols = i.columns().stream()
          .filter(c -> plan.target().column(c).map(col -> !col.notNull()).orElse(false)).toList();
      if (i.unique() && i.valid() && !i.expression() && !i.partial() && !cols.isEmpty()) {
        nullable.add(i.name() + " " + cols);
      }
    }
    return nullable.isEmpty() ? "has no primary key or unique key"
        : "has no primary key, and its unique index" + (nullable.size() == 1 ? " " : "es ") + String.join(", ", nullable)
            + " cannot match rows: those columns are nullable, and NULLs never match (make them NOT NULL to use the"
            + " index as the key)";
  }

  /** Second pass: cycle and self-reference columns, once every table's rows exist. */
  Future<Void> links(List<TablePlan> plans) {
    Future<Void> chain = Future.succeededFuture();
    for (TablePlan plan : plans) {
      TableTally t = ctx.tally(plan.name());
      if (plan.deferred().isEmpty() || t.failedOrRefused()) {
        continue;
      }
      TableCopier copier = new TableCopier(ctx, plan);
      chain = chain.compose(v -> settle(t, retried(plan, t, () -> {
        t.linked = 0;
        return TargetTransaction.run(ctx, plan.name(), copier::copyLinks);
      }), System.nanoTime()).onComplete(ar -> {
        if (!mirrorDeletes(plan) || t.failedOrRefused()) {
          finished(t);
        }
      }));
    }
    return chain;
  }

  /** Mirror: target rows the source lacks are deleted, children first, each table guarded by the delete share. */
  Future<Void> mirrorDeletes(List<TablePlan> plans) {
    List<TablePlan> reversed = new ArrayList<>(plans);
    java.util.Collections.reverse(reversed);
    Future<Void> chain = Future.succeededFuture();
    for (TablePlan plan : reversed) {
      TableTally t = ctx.tally(plan.name());
      if (!plan.keyed() || t.failedOrRefused()) {
        continue;
      }
      TableCopier copier = new TableCopier(ctx, plan);
      Supplier<Future<List<String[]>>> missing = () -> t.missingOnSource != null
          ? copier.stillMissing(t.missingOnSource) : copier.findMissingOnSource();
      chain = chain.compose(v -> settle(t, missing.get().compose(keys -> {
        Optional<String> refusal = SafetyRules.mirrorDeletes(plan, keys.size(), t.targetRows,
            ctx.config.mirrorMaxDeleteShare(), ctx.options.confirmDestructive());
        if (refusal.isPresent()) {
          t.outcome = TableResult.Outcome.REFUSED;
          t.message = refusal.get();
          t.deleted = 0;
          return Future.succeededFuture();
        }
        if (ctx.options.dryRun()) {
          t.deleted = keys.size();
          return Future.succeededFuture();
        }
        if (keys.isEmpty()) {
          return Future.succeededFuture();
        }
        // Each deleted row is kept in a backup copy by the same statement that deletes it (unless the whole
        // table was backed up before the run).
        Future<String> copy = ctx.fullBackup ? Future.succeededFuture(null) : ctx.backups.runCopy(ctx.runId, plan.target(), false);
        return copy.compose(c -> retried(plan, t, () -> {
          t.deleted = 0;
          return TargetTransaction.run(ctx, plan.name(), conn -> copier.deleteKeys(conn, keys, c));
        }).compose(done -> c == null ? Future.succeededFuture() : ctx.backups.counted(c)));
      }), System.nanoTime()).onComplete(ar -> finished(t)));
    }
    return chain;
  }

  /** Rebuild: delete every selected table (children first), reload all (parents first), in one transaction. */
  Future<Void> rebuild(List<TablePlan> plans) {
    boolean dry = ctx.options.dryRun();
    long start = System.nanoTime();
    plans.forEach(p -> {
      TableTally t = ctx.tally(p.name());
      t.copiedBy(Strategy.REBUILD, "rebuild: delete all, insert all, one transaction for every table");
      started(p, t);
    });
    Future<Void> work = Retry.run(ctx.vertx, ctx.config.retries(), ctx.config.retryBaseDelayMs(), () -> {
      plans.forEach(p -> {
        ctx.tally(p.name()).resetCounts();
        ctx.tally(p.name()).attempts++;
      }); // one transaction for all tables: an attempt is an attempt of each
      if (dry) {
        plans.forEach(p -> {
          TableTally t = ctx.tally(p.name());
          t.deleted = t.targetRows;
          t.inserted = t.sourceRows;
        });
        return Future.succeededFuture();
      }
      return TargetTransaction.run(ctx, plans.stream().map(TablePlan::name).toList(), conn -> {
        Future<Void> chain = Future.succeededFuture();
        for (int i = plans.size() - 1; i >= 0; i--) {
          TablePlan p = plans.get(i);
          chain = chain.compose(v -> conn.query(ctx.sql(p).deleteAll()).execute()
              .map(rs -> {
                ctx.tally(p.name()).deleted = rs.rowCount();
                return null;
              }));
        }
        for (TablePlan p : plans) {
          TableCopier copier = new TableCopier(ctx, p);
          chain = chain.compose(v -> copier.copyRows(conn, true));
          if (p.keyKind() == KeyKind.NATURAL && p.idColumn() != null) {
            chain = chain.compose(v -> IdMapBuilder.build(ctx, p, conn).mapEmpty());
          }
        }
        for (TablePlan p : plans) {
          if (!p.deferred().isEmpty()) {
            chain = chain.compose(v -> new TableCopier(ctx, p).copyLinks(conn));
          }
          chain = chain.compose(v -> sourcePositions(p).compose(floors -> Sequences.advance(conn, p.target(), floors))
              .map(moved -> noteMoves(p, moved)));
        }
        return chain;
      });
    }, (n, err) -> ctx.warn(null, "rebuild: retrying (attempt " + n + ") after: " + message(err)));
    return work.transform(ar -> {
      long ms = (System.nanoTime() - start) / 1_000_000;
      for (TablePlan p : plans) {
        TableTally t = ctx.tally(p.name());
        t.durationMs = ms;
        if (ar.failed()) {
          t.outcome = ar.cause() instanceof RowPump.CancelledException ? TableResult.Outcome.SKIPPED
              : TableResult.Outcome.FAILED;
          t.message = "rebuild rolled back, target unchanged: " + message(ar.cause());
          t.resetCounts();
        }
        finished(t);
      }
      return Future.succeededFuture();
    });
  }

  /** What the data phase noted besides its tables (sequences moved). */
  List<String> notes() {
    return List.copyOf(ctx.notes);
  }

  /** ANALYZE the tables that were written, in parallel, so the planner knows their new sizes. */
  Future<List<String>> analyze(List<TablePlan> plans) {
    List<TablePlan> written = plans.stream().filter(p -> worthAnalyzing(ctx.tally(p.name()))).toList();
    return Bounded.forEach(written, ctx.config.poolSize(),
            p -> ctx.target.pool().query("ANALYZE " + p.name().sql()).execute().mapEmpty())
        .map(v -> written.isEmpty() ? List.of()
            : List.of("analyzed " + String.join(", ", written.stream().map(p -> p.name().display()).toList())));
  }

  /**
   * Statistics are refreshed where the run changed enough of a table to mislead the planner: autovacuum's own
   * threshold (50 rows plus a tenth of the table). Below it ANALYZE would cost a full sample (1.8 s on a 300k-row
   * table) for statistics that barely move; autovacuum keeps them as it always does.
   */
  private static boolean worthAnalyzing(TableTally t) {
    long written = t.result().written();
    return written > 0 && written >= 50 + Math.max(t.targetRows, t.sourceRows) / 10;
  }

  /**
   * Every run, not only one that inserted: the target's sequences must also reach the source's own positions (rows
   * the source handed ids to and deleted since), and a sequence shared with another table may lag.
   */
  private Future<Void> advanceSequences(TablePlan plan) {
    if (ctx.options.dryRun() || ctx.tally(plan.name()).failedOrRefused()) {
      return Future.succeededFuture();
    }
    return sourcePositions(plan).compose(floors -> Sequences.advance(ctx.target.pool(), plan.target(), floors))
        .map(moved -> noteMoves(plan, moved));
  }

  /** Where the source's sequences stand for the columns the run copies (not a natural-key table's own ids). */
  private Future<Map<String, Long>> sourcePositions(TablePlan plan) {
    return Sequences.positions(ctx.source.pool(), plan.source(), plan.columns().stream().map(Column::name).toList());
  }

  private Void noteMoves(TablePlan plan, List<String> moved) {
    moved.forEach(m -> ctx.notes.add(plan.name().display() + ": sequence " + m));
    return null;
  }

  /** Retries transient failures; the table's attempts count is the most any one of its steps needed. */
  private <T> Future<T> retried(TablePlan plan, TableTally t, Supplier<Future<T>> attempt) {
    int[] tries = {0};
    return Retry.run(ctx.vertx, ctx.config.retries(), ctx.config.retryBaseDelayMs(), () -> {
      t.attempts = Math.max(t.attempts, ++tries[0]);
      return attempt.get();
    }, (n, err) -> ctx.warn(plan.name(), "retrying (attempt " + n + ") after: " + message(err)));
  }

  /** Records a table's failure instead of propagating it: one failing table does not stop the others. */
  private Future<Void> settle(TableTally t, Future<Void> work, long startNanos) {
    return work.transform(ar -> {
      t.durationMs += (System.nanoTime() - startNanos) / 1_000_000;
      if (ar.failed()) {
        t.outcome = ar.cause() instanceof RowPump.CancelledException ? TableResult.Outcome.SKIPPED
            : TableResult.Outcome.FAILED;
        t.message = message(ar.cause()) + t.committedNote();
        t.resetToCommitted();
      }
      return Future.succeededFuture();
    });
  }

  private void started(TablePlan plan, TableTally t) {
    ctx.bus.publish(new ProgressEvent.TableStarted(ctx.runId, plan.name().display(), t.sourceRows, t.targetRows, t.path));
  }

  String message(Throwable err) {
    String m = err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage();
    return ctx.secrets.scrub(m);
  }

  private static String describeKey(TablePlan plan) {
    String cols = plan.keyColumns().stream().map(c -> c.name()).toList().toString();
    return switch (plan.keyKind()) {
      case PRIMARY -> "primary key " + cols;
      case UNIQUE -> "unique key " + cols;
      case NATURAL -> "natural key " + cols + " (target ids kept)";
      case NONE -> "nothing";
    };
  }
}
