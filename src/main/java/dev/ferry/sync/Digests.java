package dev.ferry.sync;

import dev.ferry.plan.TablePlan;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import java.util.List;

/** A table's row count and content digest on both sides: the source's from the run's snapshot. */
record Digests(long sourceRows, String source, long targetRows, String target) {

  static Future<Digests> of(RunContext ctx, TablePlan plan) {
    Future<Row> src = source(ctx, plan);
    Future<Row> tgt = ctx.target.pool().query(new TableSql(plan, ctx.plans).digest(false)).execute()
        .map(rs -> rs.iterator().next());
    return Future.all(src, tgt).map(v -> new Digests(src.result().getLong("n"), src.result().getString("digest"),
        tgt.result().getLong("n"), tgt.result().getString("digest")));
  }

  /**
   * Starts the source digests of these tables one after another while the data phase writes the target: the
   * snapshot does not change, so they are as valid now as after the load, and validation then only waits for
   * the target's side. One query at a time, without parallel workers, so the load keeps most of the CPU.
   */
  static Future<Void> prefetchSources(RunContext ctx, List<TablePlan> plans) {
    Future<Void> chain = Future.succeededFuture();
    for (TablePlan p : plans) {
      chain = chain.compose(v -> ctx.cancelled ? Future.succeededFuture()
          : source(ctx, p, "SET LOCAL max_parallel_workers_per_gather = 0").otherwiseEmpty().mapEmpty());
    }
    return chain;
  }

  private static Future<Row> source(RunContext ctx, TablePlan plan) {
    return source(ctx, plan, null);
  }

  /** Memoised per table: asking twice runs the query once. */
  private static Future<Row> source(RunContext ctx, TablePlan plan, String setting) {
    return ctx.sourceDigests.computeIfAbsent(plan.name(), n -> ctx.snapshot.read(c ->
        (setting == null ? Future.succeededFuture() : c.query(setting).execute().mapEmpty())
            .compose(v -> c.query(new TableSql(plan, ctx.plans).digest(true)).execute())
            .map(rs -> rs.iterator().next())));
  }

  boolean same() {
    return sourceRows == targetRows && source.equals(target);
  }
}
