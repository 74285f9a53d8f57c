package dev.ferry.sync;

import dev.ferry.plan.TablePlan;
import dev.ferry.statements.TableStatements;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;

/**
 * A table's row count and content digest on both sides. Each side's comes from the table's {@link Evidence} where
 * it still holds, else from a query (the source's on the run's snapshot).
 */
record Digests(long sourceRows, String source, long targetRows, String target) {

  static Future<Digests> of(RunContext ctx, TableState table) {
    TableStatements sql = ctx.sql(table.plan());
    Evidence e = table.evidence();
    Counts written = table.counts();
    // Sums over the compared ranges only (a claim vouched for the rest) pair with the target's likewise, which the
    // cycle links' second pass voids: then both sides are summed whole.
    boolean partial = e.claimRun() != null;
    Future<StreamDigest> src = e.source() != null && e.source().rows() == table.sourceRows()
        && !(partial && written.linked() > 0) ? Future.succeededFuture(e.source())
        : ctx.snapshot.read(c -> c.query(sql.digests().digest(true)).execute()).map(rs -> read(rs.iterator().next()));
    Future<StreamDigest> tgt = e.targetBefore() != null && written.written() == 0 ? Future.succeededFuture(e.targetBefore())
        : e.targetAfter() != null && written.linked() == 0 ? e.targetAfter().get()
        : target(ctx, table.plan());
    // Rows production changed and the policy kept: the target should hold their hashes in place of the source's.
    ProductionEdits.Kept kept = e.kept();
    return Future.all(src, tgt).map(v -> new Digests(src.result().rows() + kept.rows(),
        new java.math.BigInteger(src.result().value()).add(kept.sum()).toString(), tgt.result().rows(),
        tgt.result().value()));
  }

  /** The target's digest of the table, summed now. */
  static Future<StreamDigest> target(RunContext ctx, TablePlan plan) {
    return ctx.target.pool().query(ctx.sql(plan).digests().digest(false)).execute()
        .map(rs -> read(rs.iterator().next()));
  }

  private static StreamDigest read(Row r) {
    return StreamDigest.of(r.getLong("n"), new java.math.BigInteger(r.getString("digest")));
  }

  boolean same() {
    return sourceRows == targetRows && source.equals(target);
  }
}
