package dev.ferry.sync;

import dev.ferry.plan.TablePlan;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;

/**
 * A table's row count and content digest on both sides. The source's is the one summed while the copy streamed
 * the table when it covered the snapshot's every row, else a query on the run's snapshot.
 */
record Digests(long sourceRows, String source, long targetRows, String target) {

  static Future<Digests> of(RunContext ctx, TablePlan plan) {
    TableSql sql = ctx.sql(plan);
    TableTally tally = ctx.tally(plan.name());
    StreamDigest streamed = tally == null ? null : tally.streamed;
    // Sums over the compared ranges only (a claim vouched for the rest) pair with the target's likewise, which the
    // cycle links' second pass voids: then both sides are summed whole.
    boolean partial = tally != null && tally.claimRun != null;
    Future<Digests> src = streamed != null && streamed.rows() == tally.sourceRows && !(partial && tally.linked > 0)
        ? Future.succeededFuture(new Digests(streamed.rows(), streamed.value(), 0, null))
        : ctx.snapshot.read(c -> c.query(sql.digest(true)).execute()).map(rs -> read(rs.iterator().next()));
    StreamDigest before = tally == null ? null : tally.targetBefore;
    boolean unwritten = tally != null && tally.inserted + tally.updated + tally.deleted + tally.linked == 0;
    Future<Digests> tgt = before != null && unwritten
        ? Future.succeededFuture(new Digests(before.rows(), before.value(), 0, null))
        : tally != null && tally.targetAfterWrites != null && tally.linked == 0
        ? tally.targetAfterWrites.get().map(d -> new Digests(d.rows(), d.value(), 0, null))
        : ctx.target.pool().query(sql.digest(false)).execute().map(rs -> read(rs.iterator().next()));
    return Future.all(src, tgt).map(v -> new Digests(src.result().sourceRows(), src.result().source(),
        tgt.result().sourceRows(), tgt.result().source()));
  }

  private static Digests read(Row r) {
    return new Digests(r.getLong("n"), r.getString("digest"), 0, null);
  }

  boolean same() {
    return sourceRows == targetRows && source.equals(target);
  }
}
