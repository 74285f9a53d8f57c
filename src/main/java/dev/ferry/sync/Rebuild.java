package dev.ferry.sync;

import dev.ferry.plan.KeyKind;
import dev.ferry.plan.TablePlan;
import dev.ferry.result.Strategy;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rebuild mode: every selected table deleted (children first) and reloaded (parents first) in one transaction, so
 * the replacement commits entirely or not at all. An attempt is an attempt of every table.
 */
final class Rebuild {
  static final String PATH = "rebuild: delete all, insert all, one transaction for every table";

  private final RunContext ctx;

  Rebuild(RunContext ctx) {
    this.ctx = ctx;
  }

  /** The tables' states after the rebuild, in the order of {@code plans}. */
  Future<List<TableState>> run(List<TableState> tables) {
    long start = System.nanoTime();
    List<TableRun> runs = tables.stream().map(t -> new TableRun(ctx, t)).toList();
    List<Long> xids = new ArrayList<>();
    Map<TableRun, StreamDigest> digests = new HashMap<>();
    int[] attempts = {0};
    Future<Void> work = Retry.run(ctx.vertx, ctx.config.retries(), ctx.config.retryBaseDelayMs(), () -> {
      attempts[0]++;
      runs.forEach(r -> r.counter.reset());
      digests.clear();
      if (ctx.options.dryRun()) {
        runs.forEach(r -> r.counter.set(new Counts(r.sourceRows, 0, r.targetRows, 0)));
        return Future.succeededFuture();
      }
      return TargetTransaction.run(ctx, runs.stream().map(r -> r.plan.name()).toList(), xids::add,
          conn -> replaceAll(conn, runs, digests));
    }, (n, err) -> ctx.warn(null, "rebuild: retrying (attempt " + n + ") after: " + ctx.message(err)));
    return work.transform(ar -> {
      StepLog log = new StepLog(attempts[0], (System.nanoTime() - start) / 1_000_000, List.copyOf(xids));
      List<TableState> out = new ArrayList<>();
      for (int i = 0; i < runs.size(); i++) {
        TableRun r = runs.get(i);
        TableState t = tables.get(i);
        out.add(ar.succeeded()
            ? t.copied(new CopyOutcome(Strategy.REBUILD, PATH, r.counter.counts(), Evidence.streamed(digests.get(r))), log)
            : t.failed(Failures.table(ar.cause()), "rebuild rolled back, target unchanged: " + ctx.message(ar.cause()),
                Counts.NONE, log));
      }
      return Future.succeededFuture(out);
    });
  }

  private Future<Void> replaceAll(io.vertx.sqlclient.SqlConnection conn, List<TableRun> runs,
      Map<TableRun, StreamDigest> digests) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = runs.size() - 1; i >= 0; i--) {
      TableRun r = runs.get(i);
      chain = chain.compose(v -> conn.query(r.sql().writes().deleteAll()).execute().map(rs -> {
        r.counter.deleted = rs.rowCount();
        return null;
      }));
    }
    for (TableRun r : runs) {
      TablePlan p = r.plan;
      chain = chain.compose(v -> r.copier().copyRows(conn, true).map(d -> {
        digests.put(r, d);
        return null;
      }));
      if (p.keyKind() == KeyKind.NATURAL && p.idColumn() != null) {
        chain = chain.compose(v -> IdMapBuilder.build(ctx, p, conn).mapEmpty());
      }
    }
    for (TableRun r : runs) {
      if (!r.plan.deferred().isEmpty()) {
        chain = chain.compose(v -> r.copier().copyLinks(conn));
      }
      chain = chain.compose(v -> r.advanceSequences(conn));
    }
    return chain;
  }
}
