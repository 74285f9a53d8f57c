package dev.ferry.control;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.db.Database;
import dev.ferry.db.Side;
import dev.ferry.plan.SyncOptions;
import dev.ferry.progress.ProgressBus;
import dev.ferry.result.RunSummary;
import dev.ferry.result.TableResult;
import dev.ferry.retry.Backoff;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs, their per-table results and a compact event log, kept in the {@code ferry} control schema
 * ({@link ControlSchema}); reads and writes use the reactive client. While a run is under way, the process running it holds a session advisory lock for it on the control
 * database: a run marked running whose lock nobody holds was cut off (killed, crashed), and whichever Ferry opens
 * the history next marks it interrupted. This works across processes (the server, CLI runs) and machines.
 */
public final class RunHistory {
  private static final String COLUMNS = "id::text, trigger, target, mode, dry_run, options::text, status, message,"
      + " (extract(epoch FROM started_at) * 1000)::bigint, (extract(epoch FROM finished_at) * 1000)::bigint, rows_written";

  /** First key of the liveness locks ("FRRY"); the second is hashtext(run id). */
  private static final int LIVE_LOCK = 0x46525259;

  /**
   * Recording a result is retried: the history often lives on the target, which may be why the run failed. The
   * CLI and the server record alike (about 3.5 s of waits at most).
   */
  private static final Backoff RECORD_RETRIES = new Backoff(4, 500);

  private final Vertx vertx;
  private final Database db;
  /** The connection holding each live run's lock, released when its result is recorded. */
  private final Map<String, SqlConnection> leases = new ConcurrentHashMap<>();

  private RunHistory(Vertx vertx, Database db) {
    this.vertx = vertx;
    this.db = db;
  }

  /** Applies the control schema's migrations, then marks runs a previous process left running as interrupted. */
  public static Future<RunHistory> open(Vertx vertx, DatabaseUrl url, int connectTimeoutSeconds) {
    Database db = Database.open(vertx, Side.CONTROL, url, 4, connectTimeoutSeconds, false);
    RunHistory history = new RunHistory(vertx, db);
    return ControlSchema.ensure(vertx, db.pool(), url)
        .recover(err -> Future.failedFuture(db.describe(err)))
        .compose(v -> history.markInterrupted())
        .map(history)
        .onFailure(err -> db.close());
  }

  private Future<Void> markInterrupted() {
    return db.pool().preparedQuery("UPDATE ferry.runs r SET status = 'interrupted', finished_at = now(), message ="
        + " 'interrupted: the process running it stopped before it finished (killed, crashed or cut off); what it had"
        + " committed stays committed (whole tables, and the checkpoints of large ones)' WHERE status = 'running'"
        + " AND NOT EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted"
        + " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        + " AND l.classid = $1::int4::oid AND l.objid = hashtext(r.id::text)::oid AND l.objsubid = 2)")
        .execute(Tuple.of(LIVE_LOCK)).mapEmpty();
  }

  /** Records the run as running, under a lock held until {@link #finished} or {@link #failedToStart}. */
  /** @param mode the sync's mode, or {@code validate} */
  public Future<Void> started(String runId, String trigger, String target, String mode, SyncOptions options,
      long startedAtMs) {
    return db.connect().compose(conn -> conn.preparedQuery("SELECT pg_advisory_lock($1, hashtext($2))")
            .execute(Tuple.of(LIVE_LOCK, runId))
            .onSuccess(v -> leases.put(runId, conn))
            .onFailure(err -> conn.close()))
        .compose(v -> db.pool().preparedQuery("INSERT INTO ferry.runs (id, trigger, target, mode, dry_run, options,"
                + " status, started_at) VALUES ($1::uuid, $2, $3, $4, $5, $6::text::jsonb, 'running',"
                + " to_timestamp($7::float8 / 1000))")
            .execute(Tuple.of(runId, trigger, target, mode, options.dryRun(), options(options).encode(), startedAtMs)))
        .onFailure(err -> release(runId))
        .mapEmpty();
  }

  /** Unlocks explicitly: a pooled connection goes back to its pool, session locks and all. */
  private void release(String runId) {
    SqlConnection conn = leases.remove(runId);
    if (conn != null) {
      conn.query("SELECT pg_advisory_unlock_all()").execute().eventually(conn::close);
    }
  }

  /**
   * Records the outcome, the per-table results and the compact event log, in one transaction, retried with backoff;
   * {@code onRetry} hears why each try failed.
   */
  public Future<Void> finished(RunSummary summary, List<JsonObject> events, java.util.function.Consumer<Throwable> onRetry) {
    return RECORD_RETRIES.run(vertx, () -> record(summary, events), err -> true, (n, err) -> onRetry.accept(err));
  }

  private Future<Void> record(RunSummary summary, List<JsonObject> events) {
    return db.pool().withTransaction(conn -> conn.preparedQuery("UPDATE ferry.runs SET status = $2, message = $3,"
            + " finished_at = to_timestamp($4::float8 / 1000), rows_written = $5, summary = $6::text::jsonb WHERE id = $1::uuid")
        .execute(Tuple.from(List.of(summary.runId(), summary.status().name().toLowerCase(), summary.message(),
            // A dry run wrote nothing: its would-be rows are in its summary and per-table rows, not in rows_written.
            summary.startedAtEpochMs() + summary.durationMs(), summary.dryRun() ? 0L : summary.rowsWritten(),
            ProgressBus.toJson(summary))))
        .compose(v -> summary.tables().isEmpty() ? Future.succeededFuture() : conn.preparedQuery(
                "INSERT INTO ferry.run_tables VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)")
            .executeBatch(summary.tables().stream().map(t -> tableRow(summary.runId(), t)).toList()))
        .compose(v -> {
          List<Tuple> rows = new ArrayList<>();
          for (int i = 0; i < events.size(); i++) {
            rows.add(Tuple.of(summary.runId(), i, events.get(i).getLong("at", summary.startedAtEpochMs()),
                events.get(i).encode()));
          }
          return rows.isEmpty() ? Future.succeededFuture() : conn.preparedQuery(
              "INSERT INTO ferry.run_events VALUES ($1::uuid, $2, to_timestamp($3::float8 / 1000), $4::text::jsonb)")
              .executeBatch(rows);
        })
        .<Void>mapEmpty()).onSuccess(v -> release(summary.runId()));
  }

  private static Tuple tableRow(String runId, TableResult t) {
    return Tuple.from(List.<Object>of(runId, t.table(), t.outcome().name().toLowerCase(), String.valueOf(t.path()),
        t.sourceRows(), t.targetRowsBefore(), t.inserted(), t.updated(), t.deleted(), t.linked(), t.attempts(),
        t.durationMs(), t.message() == null ? "" : t.message()));
  }

  /** A run that was due but did not start (a schedule found its target busy): recorded as {@code skipped}, with why. */
  /** @param mode the sync's mode, or {@code validate} */
  public Future<Void> skipped(String runId, String trigger, String target, String mode, SyncOptions options, String why) {
    return db.pool().preparedQuery("INSERT INTO ferry.runs (id, trigger, target, mode, dry_run, options, status,"
            + " message, started_at, finished_at, rows_written) VALUES ($1::uuid, $2, $3, $4, $5, $6::text::jsonb,"
            + " 'skipped', $7, now(), now(), 0)")
        .execute(Tuple.from(List.of(runId, trigger, target, mode, options.dryRun(), options(options).encode(), why)))
        .mapEmpty();
  }

  /** Best effort: a run whose verticle never started is not left "running". */
  public void failedToStart(String runId, String message) {
    db.pool().preparedQuery("UPDATE ferry.runs SET status = 'failed', finished_at = now(), message = $2"
        + " WHERE id = $1::uuid AND status = 'running'").execute(Tuple.of(runId, "could not start: " + message))
        .eventually(() -> {
          release(runId);
          return Future.succeededFuture();
        });
  }

  /** Newest first. */
  public Future<JsonObject> page(int limit, int offset) {
    return db.pool().preparedQuery("SELECT " + COLUMNS + ", count(*) OVER () FROM ferry.runs"
            + " ORDER BY started_at DESC, id LIMIT $1 OFFSET $2")
        .execute(Tuple.of(limit, offset))
        .compose(rows -> {
          JsonArray items = new JsonArray();
          long total = 0;
          for (Row r : rows) {
            items.add(run(r));
            total = r.getLong(11);
          }
          if (items.isEmpty() && offset > 0) {
            return db.pool().query("SELECT count(*) FROM ferry.runs").execute()
                .map(c -> page(items, c.iterator().next().getLong(0), limit, offset));
          }
          return Future.succeededFuture(page(items, total, limit, offset));
        });
  }

  private static JsonObject page(JsonArray items, long total, int limit, int offset) {
    return new JsonObject().put("items", items).put("total", total).put("limit", limit).put("offset", offset);
  }

  /** One run with its summary and event log, or null when there is no such run. */
  public Future<JsonObject> get(String runId) {
    return db.pool().preparedQuery("SELECT " + COLUMNS + ", summary::text FROM ferry.runs WHERE id = $1::uuid")
        .execute(Tuple.of(runId))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(null);
          }
          Row r = rows.iterator().next();
          JsonObject run = run(r);
          String summary = r.getString(11);
          if (summary != null) {
            run.put("summary", new JsonObject(summary));
          }
          return db.pool().preparedQuery("SELECT event::text FROM ferry.run_events WHERE run_id = $1::uuid ORDER BY seq")
              .execute(Tuple.of(runId))
              .map(events -> {
                JsonArray log = new JsonArray();
                events.forEach(e -> log.add(new JsonObject(e.getString(0))));
                return run.put("events", log);
              });
        });
  }

  private static JsonObject run(Row r) {
    Long finished = r.getLong(9);
    return new JsonObject()
        .put("id", r.getString(0))
        .put("trigger", r.getString(1))
        .put("target", r.getString(2))
        .put("mode", r.getString(3))
        .put("dryRun", r.getBoolean(4))
        .put("options", new JsonObject(r.getString(5)))
        .put("status", r.getString(6))
        .put("message", r.getString(7))
        .put("startedAt", Instant.ofEpochMilli(r.getLong(8)).toString())
        .put("finishedAt", finished == null ? null : Instant.ofEpochMilli(finished).toString())
        .put("rowsWritten", r.getLong(10));
  }

  public Future<Void> close() {
    return db.close();
  }

  /** A run's options as the history and the API show them. */
  public static JsonObject options(SyncOptions o) {
    return new JsonObject()
        .put("mode", o.mode().label())
        .put("dryRun", o.dryRun())
        .put("confirmDestructive", o.confirmDestructive())
        .put("skipValidation", o.skipValidation())
        .put("skipIndexes", o.skipIndexes())
        .put("dropExtraIndexes", o.dropExtraIndexes())
        .put("tables", new JsonArray(o.tables()))
        .put("exclude", new JsonArray(o.exclude()));
  }
}
