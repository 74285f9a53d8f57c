package dev.ferry.sync;

import dev.ferry.catalog.TableName;
import dev.ferry.plan.TablePlan;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * One transaction on a target connection of its own: committed when the work succeeds, rolled back otherwise.
 * A dry run's transaction is READ ONLY and always rolled back, so the server itself guarantees it wrote nothing.
 * The connection is never reused, so one abandoned after a stall (see {@link StallGuard}) cannot hang anyone.
 * The target's triggers on the tables it writes are off inside it, and on again in the same statement as COMMIT
 * (see {@link TriggerSwitch}); their GIN indexes' pending entries are merged once, right after it, on the same
 * session while the run goes on (see {@link GinPending}).
 */
final class TargetTransaction {
  private TargetTransaction() {}

  /**
   * {@code writes}: the tables the work writes; {@code wrote} is told the transaction's id (a claim covers the rows
   * it writes, see {@link Claims}).
   */
  static <T> Future<T> run(RunContext ctx, List<TableName> writes, LongConsumer wrote,
      Function<SqlConnection, Future<T>> work) {
    boolean dry = ctx.options.dryRun();
    int stall = ctx.config.stallTimeoutSeconds();
    TriggerSwitch triggers = TriggerSwitch.of(ctx, writes);
    GinPending gin = GinPending.of(ctx, writes);
    return ctx.target.ownConnection().compose(own -> {
      SqlConnection conn = own.conn();
      int[] pid = {0};
      return conn.query(dry ? "BEGIN READ ONLY" : "BEGIN").execute()
          .compose(v -> conn.query(dry ? "SELECT pg_backend_pid()" : "SELECT pg_backend_pid(), txid_current()").execute())
          .compose(rs -> {
            Row r = rs.iterator().next();
            pid[0] = r.getInteger(0);
            if (!dry) {
              wrote.accept(r.getLong(1));
            }
            String before = triggers.off() + gin.raise(); // one round trip, as at a checkpoint's BEGIN
            Future<T> done = before.isEmpty() ? work.apply(conn) : conn.query(before).execute()
                .recover(e -> Future.failedFuture(TriggerSwitch.explain(e))).compose(x -> work.apply(conn));
            TablePlan plan = writes.size() == 1 ? ctx.plans.get(writes.get(0)) : null;
            return plan == null ? done : done.recover(e -> Future.failedFuture(TriggerSwitch.explainUpsert(e, plan)));
          })
          .compose(
              result -> StallGuard.within(ctx.vertx, stall,
                  conn.query(dry ? "ROLLBACK" : triggers.on() + "COMMIT").execute()).map(result),
              err -> StallGuard.within(ctx.vertx, stall, conn.query("ROLLBACK").execute())
                  .transform(x -> endLost(ctx, pid[0], err)))
          .onComplete(ar -> {
            if (ar.succeeded() && !gin.merge().isEmpty()) { // while the run goes on (see GinPending)
              ctx.settle(StallGuard.within(ctx.vertx, stall, conn.query(gin.merge()).execute())
                  .onComplete(x -> own.close()));
            } else {
              own.close(); // not awaited: on a stalled connection it would never finish
            }
          });
    });
  }

  /**
   * After a lost connection (cut or stalled), the server may not notice for hours and its session keeps the
   * transaction's locks, which the retry would wait on: that session is ended over another connection first.
   */
  static <T> Future<T> endLost(RunContext ctx, int pid, Throwable err) {
    if (!Retry.isTransient(err) || pid == 0) {
      return Future.failedFuture(err);
    }
    return StallGuard.within(ctx.vertx, ctx.config.stallTimeoutSeconds(),
            ctx.target.pool().preparedQuery("SELECT pg_terminate_backend($1)").execute(Tuple.of(pid)))
        .transform(x -> Future.failedFuture(err));
  }
}
