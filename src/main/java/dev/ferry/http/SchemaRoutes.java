package dev.ferry.http;

import dev.ferry.backup.Backups;
import dev.ferry.catalog.TableName;
import dev.ferry.config.FerryConfig;
import dev.ferry.db.Database;
import dev.ferry.db.DatabaseException;
import dev.ferry.db.Side;
import dev.ferry.error.FerryException;
import dev.ferry.migrate.MigrationLint;
import dev.ferry.migrate.MigrationPlan;
import dev.ferry.migrate.Migrations;
import dev.ferry.runs.RunManager;
import dev.ferry.schema.Change;
import dev.ferry.schema.Drift;
import dev.ferry.schema.MigrationFiles;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Schema drift and migrations from the API, as {@code ferry diff}, {@code diff --write-migration} and
 * {@code ferry migrate} do them: the drift per object with its SQL, the pending migrations with their lint
 * findings, writing the drift as the next migration, and applying the pending ones (previewed, or confirmed when
 * destructive; the tables they destroy backed up first). Flyway runs on worker threads.
 */
final class SchemaRoutes {
  private final Vertx vertx;
  private final FerryConfig config;
  private final Database source;
  private final Database target;
  private final RunManager runs;
  private final Replies replies;
  /** Told when the target's schema changed (the shared status is stale). */
  private final Runnable changed;

  SchemaRoutes(Vertx vertx, FerryConfig config, Database source, Database target, RunManager runs, Replies replies,
      Runnable changed) {
    this.vertx = vertx;
    this.config = config;
    this.source = source;
    this.target = target;
    this.runs = runs;
    this.replies = replies;
    this.changed = changed;
  }

  void mount(Router router) {
    router.get("/api/v1/drift").handler(this::drift);
    router.post("/api/v1/migrations").handler(this::writeMigration);
    router.post("/api/v1/migrate").handler(this::migrate);
  }

  private String header() {
    return "ferry diff: DDL that makes " + config.requireTarget().redacted() + " match " + config.requireSource().redacted();
  }

  private Migrations migrations() {
    return new Migrations(Side.TARGET, config.requireTarget(), config.migrationLocations());
  }

  /** The plan, read on a worker thread; Flyway's own errors say what is wrong with the migrations. */
  private Future<MigrationPlan> plan() {
    return vertx.executeBlocking(() -> MigrationPlan.of(migrations()), false).recover(SchemaRoutes::described);
  }

  private static <T> Future<T> described(Throwable err) {
    return Future.failedFuture(err instanceof FerryException ? err
        : new DatabaseException("migrations on the target: " + err.getMessage(), err));
  }

  /** The drift, and the migrations' plan or why there is none (a target without migration history, say). */
  private void drift(RoutingContext rc) {
    Future<List<Change>> changes = Drift.compare(source, target);
    Future<JsonObject> plan = plan().map(this::json).recover(err -> Future.succeededFuture(json(new MigrationPlan(
        List.of(), List.of())).put("error", replies.scrub(err.getMessage()))));
    Future.all(changes, plan).onSuccess(v -> {
      JsonArray items = new JsonArray();
      changes.result().forEach(c -> items.add(new JsonObject().put("object", c.object()).put("description", c.description())
          .put("step", c.step().name().toLowerCase()).put("destructive", c.destructive()).put("manual", c.manual())
          .put("sql", c.sql())));
      Replies.json(rc, 200, new JsonObject().put("changes", items)
          .put("script", changes.result().isEmpty() ? null : Drift.script(changes.result(), false, header()))
          .put("migrations", plan.result()));
    }).onFailure(err -> replies.fail(rc, err));
  }

  private JsonObject json(MigrationPlan plan) {
    JsonArray pending = new JsonArray();
    for (Migrations.Pending p : plan.pending()) {
      JsonArray findings = new JsonArray();
      for (MigrationLint.Finding f : p.findings()) {
        findings.add(new JsonObject().put("statement", f.statement()).put("problem", f.problem())
            .put("destructive", f.destructive()));
      }
      pending.add(new JsonObject().put("version", p.version()).put("description", p.description())
          .put("script", p.script()).put("sql", p.sql()).put("findings", findings));
    }
    return new JsonObject().put("locations", new JsonArray(config.migrationLocations())).put("pending", pending)
        .put("invalid", new JsonArray(plan.invalid())).put("destructive", plan.destructive());
  }

  /** Writes the drift as the next versioned migration: {@code {"name": "…"}}. Destructive statements stay comments. */
  private void writeMigration(RoutingContext rc) {
    String name = JsonBody.parse(rc, SchemaRoutes::migrationName);
    if (name == null) {
      return;
    }
    Drift.compare(source, target).compose(changes -> {
      if (changes.isEmpty()) {
        Problems.send(rc, 409, "Conflict", "the schemas match: there is no drift to write as a migration");
        return Future.succeededFuture();
      }
      return vertx.executeBlocking(() -> MigrationFiles.writeNext(config.migrationLocations(), name,
          Drift.script(changes, false, header()), migrations().highestVersion()), false).recover(SchemaRoutes::described)
          .map(path -> {
            Replies.json(rc, 201, new JsonObject().put("file", path.getFileName().toString())
                .put("changes", changes.size()).put("detail", "wrote " + path.getFileName() + " (" + changes.size()
                    + (changes.size() == 1 ? " change" : " changes") + "); review it, then migrate"));
            return null;
          });
    }).onFailure(err -> replies.fail(rc, err));
  }

  private static String migrationName(JsonObject body) {
    Object n = body.getValue("name");
    if (body.size() != 1 || !(n instanceof String s) || !s.matches("[A-Za-z0-9_ -]{1,60}")) {
      throw new BadRequest("send {\"name\": \"…\"}: letters, digits, spaces, '-' and '_', at most 60");
    }
    return s;
  }

  /** Applies the target's pending migrations: {@code dryRun} previews, destructive ones need confirmation. */
  private void migrate(RoutingContext rc) {
    SyncRequest.Confirm confirm = JsonBody.parse(rc, SyncRequest::confirm);
    if (confirm == null) {
      return;
    }
    plan().compose(plan -> {
      if (!plan.invalid().isEmpty()) {
        Problems.send(rc, 409, "Conflict", "applied migrations do not match their files: " + String.join("; ",
            plan.invalid()) + ". Restore the files, or run `ferry migrate --repair` if the change was intended");
        return Future.succeededFuture();
      }
      if (confirm.dryRun() || plan.pending().isEmpty()) {
        Replies.json(rc, 200, new JsonObject().put("dryRun", confirm.dryRun()).put("applied", new JsonArray())
            .put("plan", json(plan)));
        return Future.succeededFuture();
      }
      if (plan.destructive() && !confirm.confirmDestructive()) {
        Problems.send(rc, 422, "Confirmation Required", "a pending migration drops or deletes data: preview it with"
            + " \"dryRun\": true, then send \"confirmDestructive\": true (the tables it names are backed up first)");
        return Future.succeededFuture();
      }
      return runs.exclusively("applying migrations", () -> backUp(plan)
          .compose(backup -> vertx.executeBlocking(() -> migrations().migrate(line -> {}), false)
              .recover(SchemaRoutes::described)
              .map(applied -> {
                changed.run();
                Replies.json(rc, 200, new JsonObject().put("dryRun", false).put("applied", new JsonArray(applied))
                    .put("backup", backup));
                return null;
              })));
    }).onFailure(err -> replies.fail(rc, err));
  }

  /** Snapshots the tables destructive statements name (those that exist); the backup's id, or null. */
  private Future<Long> backUp(MigrationPlan plan) {
    if (plan.destroyedTables().isEmpty()) {
      return Future.succeededFuture();
    }
    return Backups.onTarget(vertx, config, b -> b.takeExisting(plan.destroyedTables().stream()
        .map(t -> TableName.parse(t, "migration")).toList(), "before destructive migration").map(Backups.Info::id));
  }
}
