package dev.ferry.sync;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;

/** A table's row count and content digest on both sides: the source's from the run's snapshot. */
record Digests(long sourceRows, String source, long targetRows, String target) {

  static Future<Digests> of(RunContext ctx, TableSql sql) {
    Future<Row> src = ctx.snapshot.read(c -> c.query(sql.digest(true)).execute().map(rs -> rs.iterator().next()));
    Future<Row> tgt = ctx.target.pool().query(sql.digest(false)).execute().map(rs -> rs.iterator().next());
    return Future.all(src, tgt).map(v -> new Digests(src.result().getLong("n"), src.result().getString("digest"),
        tgt.result().getLong("n"), tgt.result().getString("digest")));
  }

  boolean same() {
    return sourceRows == targetRows && source.equals(target);
  }
}
