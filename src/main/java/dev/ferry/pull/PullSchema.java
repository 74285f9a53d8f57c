package dev.ferry.pull;

import dev.ferry.config.FerryConfig;
import dev.ferry.db.Database;
import dev.ferry.db.Side;
import dev.ferry.schema.Change;
import dev.ferry.schema.Drift;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pull's first step: the local schema brought in line with production's through the drift machinery (what
 * production has and local lacks is created; what only local has is kept and reported, never dropped), and
 * production's Flyway history copied, so {@code ferry migrations} shows local at production's version. Production is
 * only read, in read-only sessions.
 */
public final class PullSchema {
  private static final String HISTORY = "public.flyway_schema_history";
  private static final String HISTORY_DDL = "CREATE TABLE IF NOT EXISTS " + HISTORY + " (installed_rank int PRIMARY KEY,"
      + " version varchar(50), description varchar(200) NOT NULL, type varchar(20) NOT NULL, script varchar(1000) NOT NULL,"
      + " checksum int, installed_by varchar(100) NOT NULL, installed_on timestamp NOT NULL DEFAULT now(),"
      + " execution_time int NOT NULL, success boolean NOT NULL)";
  private static final String HISTORY_COLUMNS = "version, description, type, script, checksum, installed_by,"
      + " installed_on::text, execution_time, success";

  private PullSchema() {}

  /**
   * @param config a pull's configuration ({@link FerryConfig#forPull}: source = production, target = local)
   * @return what was done (or, for a dry run, would be), one line each
   */
  public static Future<List<String>> align(Vertx vertx, FerryConfig config, boolean dryRun) {
    Database production = Database.openReadOnly(vertx, Side.SOURCE, config.requireSource(), 1,
        config.connectTimeoutSeconds(), Map.of());
    Database local = Database.open(vertx, Side.TARGET, config.requireTarget(), 1, config.connectTimeoutSeconds(), true);
    return Drift.compare(production, local)
        .compose(changes -> apply(local, changes, dryRun))
        .compose(lines -> copyHistory(production, local, dryRun).map(more -> {
          lines.addAll(more);
          return lines;
        }))
        .eventually(() -> Future.join(production.close(), local.close()));
  }

  private static Future<List<String>> apply(Database local, List<Change> changes, boolean dryRun) {
    List<String> lines = new ArrayList<>();
    List<Change> creates = changes.stream().filter(c -> !c.destructive() && !c.manual()).toList();
    changes.stream().filter(c -> c.destructive() || c.manual()).forEach(c -> lines.add("kept as it is locally: "
        + c.object() + " (" + c.description() + ")"));
    creates.forEach(c -> lines.add((dryRun ? "would create locally: " : "created locally: ") + c.object() + " ("
        + c.description() + ")"));
    if (creates.isEmpty() || dryRun) {
      return Future.succeededFuture(lines);
    }
    String script = Drift.script(creates, false, "ferry pull: what production has and this database lacks");
    return local.pool().withTransaction(conn -> conn.query(script).execute())
        .recover(err -> Future.failedFuture(local.describe(err))).map(lines);
  }

  /** Production's Flyway history rows local lacks (by version, or script and checksum for repeatables), appended. */
  private static Future<List<String>> copyHistory(Database production, Database local, boolean dryRun) {
    return exists(production.pool()).compose(has -> !has ? Future.succeededFuture(List.<String>of())
        : production.pool().query("SELECT " + HISTORY_COLUMNS + " FROM " + HISTORY + " WHERE success ORDER BY"
            + " installed_rank").execute()
            .compose(rows -> known(local).compose(have -> {
              List<Tuple> missing = new ArrayList<>();
              for (Row r : rows) {
                String id = r.getString(0) != null ? r.getString(0) : r.getString(3) + ":" + r.getInteger(4);
                if (!have.contains(id)) {
                  missing.add(Tuple.of(r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getInteger(4),
                      r.getString(5), r.getString(6), r.getInteger(7), r.getBoolean(8)));
                }
              }
              List<String> lines = List.of((dryRun ? "would copy " : "copied ") + missing.size() + " of production's "
                  + rows.size() + " applied migrations into the local Flyway history");
              if (dryRun || missing.isEmpty()) {
                return Future.succeededFuture(lines);
              }
              // One row at a time, each ranked after the last: the batch runs in order on one connection.
              return local.pool().withTransaction(conn -> conn.query(HISTORY_DDL).execute()
                  .compose(v -> conn.preparedQuery("INSERT INTO " + HISTORY + " (installed_rank, "
                      + HISTORY_COLUMNS.replace("::text", "") + ") SELECT coalesce((SELECT max(installed_rank) FROM "
                      + HISTORY + "), 0) + 1, $1, $2, $3, $4, $5, $6, $7::text::timestamp, $8, $9").executeBatch(missing)))
                  .map(lines);
            })));
  }

  /** The local history's entries (as {@link #copyHistory} identifies them); none when it has no history table. */
  private static Future<Set<String>> known(Database local) {
    return exists(local.pool()).compose(has -> !has ? Future.succeededFuture(Set.<String>of())
        : local.pool().query("SELECT coalesce(version, script || ':' || checksum) FROM " + HISTORY).execute().map(rs -> {
          Set<String> have = new HashSet<>();
          rs.forEach(r -> have.add(r.getString(0)));
          return have;
        }));
  }

  private static Future<Boolean> exists(SqlClient db) {
    return db.query("SELECT to_regclass('" + HISTORY + "') IS NOT NULL").execute()
        .map(rs -> rs.iterator().next().getBoolean(0));
  }
}
