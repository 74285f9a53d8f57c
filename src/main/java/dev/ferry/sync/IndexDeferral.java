package dev.ferry.sync;

import dev.ferry.catalog.IndexInfo;
import dev.ferry.catalog.TableName;
import dev.ferry.plan.TablePlan;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;

/**
 * Loading an empty table is much faster when its secondary indexes are built once at the end than when every row
 * updates them (a GIN index most of all). Inside the table's own transaction: take the table's lock (waiting at
 * most {@link #LOCK_WAIT}), make sure it is still empty, drop the indexes that can be re-created exactly, load,
 * re-create them. Other sessions see the empty, indexed table until the commit shows them the full, indexed
 * one; any failure rolls back to the original indexes. Constraint indexes (primary and unique keys) stay.
 */
final class IndexDeferral {
  static final String LOCK_WAIT = "5s";

  private IndexDeferral() {}

  /** The indexes that would be rebuilt after loading this table into an empty target; empty when none. */
  static List<IndexInfo> candidates(TablePlan plan) {
    if (plan.target().partitioned()) {
      return List.of();
    }
    return plan.target().indexes().stream().filter(IndexInfo::recreatable).toList();
  }

  /**
   * Locks the table and drops {@code indexes}. Fails with {@link NotEmpty} when rows appeared since the count,
   * and with the server's lock_not_available when another session holds the table: the caller then loads the
   * table the ordinary way.
   */
  static Future<Void> dropForLoad(SqlConnection conn, TablePlan plan, List<IndexInfo> indexes) {
    Future<Void> chain = Future.succeededFuture();
    for (String statement : lockStatements(plan)) {
      chain = chain.compose(v -> conn.query(statement).execute().mapEmpty());
    }
    chain = chain.compose(v -> conn.query(emptyCheck(plan)).execute())
        .compose(rs -> rs.iterator().next().getBoolean(0) ? Future.failedFuture(new NotEmpty()) : Future.succeededFuture());
    for (IndexInfo i : indexes) {
      chain = chain.compose(v -> conn.query(drop(plan, i)).execute().mapEmpty());
    }
    return chain;
  }

  /** The table's lock, waited for at most {@link #LOCK_WAIT}. */
  static List<String> lockStatements(TablePlan plan) {
    return List.of("SET LOCAL lock_timeout = '" + LOCK_WAIT + "'",
        "LOCK TABLE " + plan.target().name().sql() + " IN ACCESS EXCLUSIVE MODE", "RESET lock_timeout");
  }

  /** Whether the table has a row (true fails the load: {@link NotEmpty}). */
  static String emptyCheck(TablePlan plan) {
    return "SELECT EXISTS (SELECT 1 FROM " + plan.target().name().sql() + ")";
  }

  static String drop(TablePlan plan, IndexInfo i) {
    return "DROP INDEX " + qualified(plan, i);
  }

  /** Re-creates the dropped indexes from their definitions, one by one (each is a single build over the data). */
  static Future<Void> recreate(SqlConnection conn, List<IndexInfo> indexes) {
    Future<Void> chain = Future.succeededFuture();
    for (IndexInfo i : indexes) {
      chain = chain.compose(v -> conn.query(i.definition()).execute().mapEmpty());
    }
    return chain;
  }

  private static String qualified(TablePlan plan, IndexInfo i) {
    return TableName.quote(plan.target().name().schema()) + "." + TableName.quote(i.name());
  }

  /** Rows appeared on the target between the count and the lock. */
  static final class NotEmpty extends RuntimeException {
    NotEmpty() {
      super("rows appeared on the target table during the sync");
    }
  }
}
