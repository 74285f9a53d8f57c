package dev.ferry.sync;

import dev.ferry.db.Database;
import io.vertx.core.Future;

/**
 * How many tables a run spread over a cluster's nodes copies at once: each node's pool.size adds up, and the
 * database servers' sessions do not. A staged load holds about {@code sync.loadStreams} + 2 sessions on each side
 * (its COPY streams, then as many index builds, plus the pool's); the run takes at most nine tenths of the sessions
 * each server has free when the level starts, the rest staying with the applications (a production server's
 * {@code max_connections} is theirs first).
 */
final class SessionBudget {
  private static final String FREE = "SELECT current_setting('max_connections')::int"
      + " - current_setting('superuser_reserved_connections')::int - (SELECT count(*) FROM pg_stat_activity"
      + " WHERE backend_type = 'client backend')::int";

  private SessionBudget() {}

  /** Tables at once across the nodes: at least one. */
  static Future<Integer> tablesAtOnce(RunContext ctx) {
    int perTable = ctx.config.loadStreams() + 2;
    boolean sameServer = ctx.source.url().host().equals(ctx.target.url().host())
        && ctx.source.url().port() == ctx.target.url().port();
    return Future.all(free(ctx.source), free(ctx.target)).map(v -> {
      int source = v.<Integer>resultAt(0) * 9 / 10;
      int target = v.<Integer>resultAt(1) * 9 / 10;
      int tables = sameServer ? source / (2 * perTable) : Math.min(source, target) / perTable;
      return Math.max(1, tables);
    });
  }

  private static Future<Integer> free(Database db) {
    return db.pool().query(FREE).execute().map(rs -> rs.iterator().next().getInteger(0));
  }
}
