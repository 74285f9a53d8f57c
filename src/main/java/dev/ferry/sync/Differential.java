package dev.ferry.sync;

import dev.ferry.result.Strategy;
import dev.ferry.statements.TableStatements;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

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
    return run.retried(() -> {
      run.counter.reset();
      RangeDiff ranges = new RangeDiff(run);
      return byWatermark().compose(early -> ranges.compare().compose(diff -> {
        Evidence evidence = new Evidence(diff.sourceDigest(), diff.targetDigest(), ranges::targetAfterWrites,
            diff.missing(), diff.claimRun());
        String words = path() + early + " — " + found(diff) + diff.changed().size() + " rows to copy";
        Future<Void> written = diff.changed().isEmpty() ? Future.succeededFuture()
            : run.transaction(conn -> run.copier().copyKeys(conn, diff.changed()));
        return written.map(v -> new CopyOutcome(strategy(), words, run.counter.counts(), evidence));
      }));
    }).compose(outcome -> run.advanceSequences().map(outcome));
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
  private Future<String> byWatermark() {
    if (run.plan.watermark() == null) {
      return Future.succeededFuture("");
    }
    String name = "; watermark " + run.plan.watermark().name() + ": ";
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
                    : run.transaction(conn -> run.copier().copyKeys(conn, keys)))
                    .map(v -> name + keys.size() + " source rows newer than the target's latest (" + latest
                        + ") copied first")));
  }
}
