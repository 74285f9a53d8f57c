package dev.ferry.sync;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.function.Function;

/**
 * One transaction on its own target connection: committed when the work succeeds, rolled back otherwise.
 * A dry run's transaction is READ ONLY and always rolled back, so the server itself guarantees it wrote nothing.
 */
final class TargetTransaction {
  private TargetTransaction() {}

  static <T> Future<T> run(RunContext ctx, Function<SqlConnection, Future<T>> work) {
    boolean dry = ctx.options.dryRun();
    return ctx.target.connect().compose(conn -> conn.query(dry ? "BEGIN READ ONLY" : "BEGIN").execute()
        .compose(v -> work.apply(conn))
        .compose(
            result -> conn.query(dry ? "ROLLBACK" : "COMMIT").execute().map(result),
            err -> conn.query("ROLLBACK").execute().transform(x -> Future.<T>failedFuture(err)))
        .eventually(conn::close));
  }
}
