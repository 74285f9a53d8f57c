package dev.ferry.sync;

import dev.ferry.config.OnProductionEdit;
import dev.ferry.control.BackupRegistry;
import dev.ferry.plan.Mode;
import dev.ferry.result.SampleKeys;
import dev.ferry.result.Strategy;
import dev.ferry.statements.TableStatements;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * A big keyed table mostly present on the target: {@link RangeDiff} names the rows that differ, only those are read
 * from the source and upserted; the rows only on the target are left for mirror's deletes. The comparison's
 * digests serve validation.
 */
final class Differential implements TableSync {
  private final TableRun run;

  Differential(TableRun run) {
    this.run = run;
  }

  @Override
  public Strategy strategy() {
    return Strategy.DIFFERENTIAL;
  }

  @Override
  public String path() {
    return "differential: compare key ranges on both servers, copy only the rows that differ (by "
        + PathWords.key(run.plan) + ")" + PathWords.mapped(run.plan);
  }

  @Override
  public Future<CopyOutcome> run() {
    OnProductionEdit policy = policy();
    boolean claimed = run.ctx.claims.covers(run.ctx, run.plan);
    return run.retried(() -> {
      run.counter.reset();
      RangeDiff ranges = new RangeDiff(run);
      return byWatermark(claimed && policy != OnProductionEdit.OVERWRITE).compose(early -> ranges.compare()
          .compose(diff -> {
            ProductionEdits edits = ProductionEdits.decide(diff.differences(), policy,
                run.ctx.options.mode() == Mode.MIRROR);
            if (!edits.refused().isEmpty()) {
              return refuse(edits, policy);
            }
            boolean mirror = run.ctx.options.mode() == Mode.MIRROR;
            ProductionEdits.Kept expected = edits.expected().withKeys(edits.keptKeys(diff.keptEarlier(), mirror));
            if (run.ctx.direction.pull() && !mirror) {
              // The developer's own rows (keys production lacks) stay: validation expects them beside production's.
              expected = expected.plusTargetOnly(onlyOnTarget(diff, edits));
            }
            ProductionEdits.Kept kept = expected;
            return said(diff, edits, policy).compose(note -> {
              String words = path() + early + " — " + found(diff) + edits.copy().size() + " rows to copy" + note;
              List<String[]> overwritten = overwrittenLocally(diff, edits);
              Future<String> backup = overwritten.isEmpty() ? Future.succeededFuture(null)
                  : run.ctx.backups.runCopy(run.ctx.runId, run.plan.target(), BackupRegistry.REPLACED_ROWS,
                      RunBackup.rowsReason(run.ctx));
              StreamDigest laterHashes = new StreamDigest(); // of the rows the comparison left unhashed
              Future<StreamDigest> written = edits.copy().isEmpty()
                  ? Future.succeededFuture(StreamDigest.of(0, BigInteger.ZERO))
                  : backup.compose(copy -> run.transaction(conn -> keepOld(conn, copy, overwritten)
                      .compose(v -> run.copier().copyKeys(conn, edits.copy(), diff.unhashed(), laterHashes)))
                      .compose(w -> copy == null ? Future.succeededFuture(w) : run.ctx.backups.counted(copy).map(w)));
              Set<String[]> copied = identities(edits.copy());
              return written.map(w -> new CopyOutcome(strategy(), words, run.counter.counts(),
                  new Evidence(withHashes(diff.sourceDigest(), laterHashes), diff.targetDigest(),
                      () -> ranges.targetAfterWrites(w, copied), edits.deletable(), diff.claimRun(), kept),
                  samples(diff, edits, mirror)));
            });
          }));
    }).compose(outcome -> run.advanceSequences().map(outcome));
  }

  /**
   * A few keys of what the copy writes: a source row the target lacks is inserted, one on both sides updated, and
   * under mirror a target row the source lacks is deleted (by {@link MirrorDelete}, from the same comparison).
   */
  private SampleKeys samples(RangeDiff.Result diff, ProductionEdits edits, boolean mirror) {
    Set<String[]> copied = identities(edits.copy());
    Set<String[]> deleted = identities(mirror ? edits.deletable() : List.of());
    List<String> inserted = new ArrayList<>();
    List<String> updated = new ArrayList<>();
    List<String> gone = new ArrayList<>();
    for (RowDifference d : diff.differences()) {
      List<String> into = copied.contains(d.key()) ? (d.onTarget() ? updated : inserted)
          : deleted.contains(d.key()) ? gone : null;
      if (into != null && into.size() < SampleKeys.LIMIT) {
        into.add(ProductionEditReport.keyText(run, d.key()));
      }
    }
    return new SampleKeys(List.copyOf(inserted), List.copyOf(updated), List.copyOf(gone));
  }

  /**
   * A pull's local rows it is about to overwrite (keys on both sides whose rows differ): the developer's data, kept
   * in the run's backup before the write. None for a push (production's rows are guarded by claims and policies) and
   * for a dry run.
   */
  private List<String[]> overwrittenLocally(RangeDiff.Result diff, ProductionEdits edits) {
    if (!run.ctx.direction.pull() || run.dryRun()) {
      return List.of();
    }
    Set<String[]> copied = identities(edits.copy());
    return diff.differences().stream().filter(d -> copied.contains(d.key()) && d.onTarget())
        .map(RowDifference::key).toList();
  }

  /** Copies the rows about to be overwritten into the backup copy, in the write's own transaction, in batches. */
  private Future<Void> keepOld(SqlConnection conn, String copy, List<String[]> keys) {
    Future<Void> chain = Future.succeededFuture();
    if (copy == null) {
      return chain;
    }
    String statement = run.sql().writes().copyTargetRowsByKeys(copy);
    for (int from = 0; from < keys.size(); from += run.ctx.batchSize) {
      List<String[]> slice = keys.subList(from, Math.min(keys.size(), from + run.ctx.batchSize));
      chain = chain.compose(v -> conn.preparedQuery(statement).execute(TableCopier.columnsOf(slice, run.plan.key()))
          .mapEmpty());
    }
    return chain;
  }

  /**
   * The comparison's source digest with the hashes the write summed of the rows it left unhashed: their count is in
   * it already.
   */
  private static StreamDigest withHashes(StreamDigest compared, StreamDigest unhashed) {
    return StreamDigest.of(compared.rows(), new BigInteger(compared.value()).add(new BigInteger(unhashed.value())));
  }

  /** Keys as {@link ProductionEdits} holds them: the differences' own arrays, so membership is by identity. */
  private static Set<String[]> identities(List<String[]> keys) {
    Set<String[]> out = Collections.newSetFromMap(new IdentityHashMap<>());
    out.addAll(keys);
    return out;
  }

  /** The differences that are rows only the target has (the keys {@code edits} would let mirror delete). */
  private static List<RowDifference> onlyOnTarget(RangeDiff.Result diff, ProductionEdits edits) {
    Set<String[]> deletable = identities(edits.deletable());
    return diff.differences().stream().filter(d -> deletable.contains(d.key()) && d.targetHash() != null).toList();
  }

  private OnProductionEdit policy() {
    if (run.ctx.direction.pull()) {
      // A pull's target is the developer's database: production's version comes back over local changes (the
      // rows it replaces are kept in the run's backup), and rows only the local database has stay.
      return OnProductionEdit.OVERWRITE;
    }
    return run.ctx.config.onProductionEdit(run.ctx.options.onProductionEdit(), run.plan.name().qualified(),
        run.plan.name().name());
  }

  /** The table is not written: production changed rows since the last verified sync, and the policy says stop. */
  private Future<CopyOutcome> refuse(ProductionEdits edits, OnProductionEdit policy) {
    List<RowDifference> rows = edits.refused();
    boolean conflictsOnly = policy == OnProductionEdit.KEEP;
    return ProductionEditReport.describe(run, rows).compose(list -> Future.failedFuture(Failures.refused(
        run.plan.name().display() + ": " + ProductionEdits.counts(rows) + " since the last verified sync, by"
            + " transactions that were not Ferry's; nothing of this table was written (onProductionEdit: "
            + policy.label() + (conflictsOnly ? ", and a row changed on both sides is never kept silently" : "")
            + "). Keep production's version with --on-production-edit keep, or replace it with"
            + " --on-production-edit overwrite:\n" + list)));
  }

  /** What the path says of production's changes the run keeps or writes over (listed, so the history has them). */
  private Future<String> said(RangeDiff.Result diff, ProductionEdits edits, OnProductionEdit policy) {
    if (run.ctx.direction.pull()) {
      int kept = edits.kept().size();
      int replaced = edits.overwritten().size();
      return Future.succeededFuture((kept == 0 ? "" : "; " + kept + " rows only this database has, kept")
          + (replaced == 0 ? "" : "; production's version put back over " + replaced + " rows changed here (the"
              + " replaced ones are in the run's backup)"));
    }
    if (!diff.classified()) {
      return Future.succeededFuture(run.targetRows == 0 ? "" : "; " + PathWords.UNCLAIMED);
    }
    Future<String> kept = ProductionEditReport.describe(run, edits.kept())
        .map(list -> list.isEmpty() ? "" : "; kept as production left them (onProductionEdit: " + policy.label()
            + "): " + ProductionEdits.counts(edits.kept()) + "\n" + list);
    return kept.compose(k -> ProductionEditReport.describe(run, edits.overwritten()).map(list -> {
      if (list.isEmpty()) {
        return k;
      }
      run.warn("overwrote " + ProductionEdits.counts(edits.overwritten()) + " (onProductionEdit: overwrite)");
      return k + "; written over with the source's rows (onProductionEdit: overwrite): "
          + ProductionEdits.counts(edits.overwritten()) + "\n" + list;
    }));
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
  private Future<String> byWatermark(boolean classifying) {
    if (run.plan.watermark() == null) {
      return Future.succeededFuture("");
    }
    String name = "; watermark " + run.plan.watermark().name() + ": ";
    if (classifying) {
      return Future.succeededFuture(name + "not used, so that the comparison sees production's edits among the rows");
    }
    if (run.dryRun()) {
      return Future.succeededFuture(name + "not used by a dry run, whose comparison counts every difference");
    }
    TableStatements sql = run.sql();
    return run.ctx.target.pool().query(sql.reads().targetWatermark()).execute().map(rs -> rs.iterator().next().getString(0))
        .compose(latest -> latest == null ? Future.succeededFuture(name + "none on the target yet")
            : run.ctx.snapshot.read(src -> src.preparedQuery(sql.reads().sourceKeysNewerThan()).execute(Tuple.of(latest)))
                .map(rs -> {
                  List<String[]> keys = new ArrayList<>(rs.size());
                  rs.forEach(r -> keys.add(RangeDiff.key(r, run.plan.key())));
                  return keys;
                })
                .compose(keys -> (keys.isEmpty() ? Future.<Void>succeededFuture()
                    : run.transaction(conn -> run.copier().copyKeys(conn, keys)).mapEmpty())
                    .map(v -> name + keys.size() + " source rows newer than the target's latest (" + latest
                        + ") copied first")));
  }
}
