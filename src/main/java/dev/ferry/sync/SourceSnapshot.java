package dev.ferry.sync;

import dev.ferry.db.Database;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.function.Function;

/**
 * One consistent view of the source for the whole run: a held transaction exports its snapshot and every reader
 * imports it, so a child table never references a parent row the run did not see.
 */
final class SourceSnapshot {
  private static final String BEGIN = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

  private final Database source;
  private final SqlConnection holder;
  private final String snapshotId;

  private SourceSnapshot(Database source, SqlConnection holder, String snapshotId) {
    this.source = source;
    this.holder = holder;
    this.snapshotId = snapshotId;
  }

  static Future<SourceSnapshot> open(Database source) {
    return source.connect().compose(conn -> conn.query(BEGIN).execute()
        .compose(v -> conn.query("SELECT pg_export_snapshot()").execute())
        .map(rs -> new SourceSnapshot(source, conn, rs.iterator().next().getString(0)))
        .recover(err -> conn.close().transform(x -> Future.failedFuture(source.describe(err)))));
  }

  /**
   * A snapshot another process exported and holds (the run's node, for a table copied on another node): imported
   * by every read, released by its holder only.
   */
  static SourceSnapshot imported(Database source, String snapshotId) {
    return new SourceSnapshot(source, null, snapshotId);
  }

  String id() {
    return snapshotId;
  }

  /** Runs {@code work} on a connection inside a read-only transaction on the run's snapshot. */
  <T> Future<T> read(Function<SqlConnection, Future<T>> work) {
    return source.connect().compose(conn -> conn.query(BEGIN).execute()
        .compose(v -> conn.query(importStatement()).execute())
        .compose(v -> work.apply(conn))
        .eventually(() -> conn.query("ROLLBACK").execute().eventually(conn::close)));
  }

  /** The statement that puts a new REPEATABLE READ transaction on the run's snapshot. */
  String importStatement() {
    // The id comes from the server (pg_export_snapshot), never from a user, and cannot be a parameter.
    return "SET TRANSACTION SNAPSHOT '" + snapshotId.replace("'", "''") + "'";
  }

  Future<Void> close() {
    if (holder == null) {
      return Future.succeededFuture();
    }
    return holder.query("ROLLBACK").execute().<Void>mapEmpty().eventually(holder::close);
  }
}
