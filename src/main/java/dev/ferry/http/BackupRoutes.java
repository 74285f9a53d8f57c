package dev.ferry.http;

import dev.ferry.backup.Backups;
import dev.ferry.catalog.TableName;
import dev.ferry.config.FerryConfig;
import dev.ferry.runs.RunManager;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.function.Function;

/**
 * The target's backups: list them, and restore one or roll a run back, each previewed ({@code dryRun}) or
 * confirmed ({@code confirmDestructive}). A restore holds the target like a run (see {@link RunManager#exclusively}),
 * and backs up what it replaces first.
 */
final class BackupRoutes {
  private final Vertx vertx;
  private final FerryConfig config;
  private final RunManager runs;
  private final Replies replies;
  /** Told when a restore changed the target's rows (the shared status is stale). */
  private final Runnable changed;

  BackupRoutes(Vertx vertx, FerryConfig config, RunManager runs, Replies replies, Runnable changed) {
    this.vertx = vertx;
    this.config = config;
    this.runs = runs;
    this.replies = replies;
    this.changed = changed;
  }

  void mount(Router router) {
    router.get("/api/v1/backups").handler(this::list);
    router.post("/api/v1/backups/:id/restore").handler(rc -> {
      String id = rc.pathParam("id");
      if (!id.matches("\\d{1,18}")) {
        Problems.send(rc, 404, "Not Found", "no backup '" + SyncRequest.clip(id) + "' (backup ids are numbers)");
        return;
      }
      restore(rc, "restoring backup #" + id, b -> b.get(Long.parseLong(id)));
    });
    router.post("/api/v1/syncs/:id/rollback").handler(rc -> {
      String id = rc.pathParam("id");
      if (!RunRoutes.isUuid(id)) {
        Problems.send(rc, 404, "Not Found", "no run with id '" + SyncRequest.clip(id) + "' (run ids are UUIDs)");
        return;
      }
      restore(rc, "rolling back run " + id, b -> b.forRun(id));
    });
  }

  private void list(RoutingContext rc) {
    Backups.onTarget(vertx, config, Backups::list).onSuccess(all -> {
      JsonArray items = new JsonArray();
      all.forEach(b -> items.add(json(b)));
      Replies.json(rc, 200, new JsonObject().put("backups", items).put("retention", new JsonObject()
          .put("keep", config.backup().keep()).put("maxAgeDays", config.backup().maxAgeDays())));
    }).onFailure(err -> replies.fail(rc, err));
  }

  /** Preview: the backup and what its tables hold now. Confirmed: the restore, holding the target. */
  private void restore(RoutingContext rc, String what, Function<Backups, Future<Backups.Info>> find) {
    SyncRequest.Confirm confirm = JsonBody.parse(rc, SyncRequest::confirm);
    if (confirm == null) {
      return;
    }
    Backups.onTarget(vertx, config, backups -> find.apply(backups).compose(info -> {
      if (confirm.dryRun() || !confirm.confirmDestructive()) {
        return backups.currentRows(info).map(now -> {
          if (!confirm.dryRun()) {
            Problems.send(rc, 422, "Confirmation Required", "restoring backup #" + info.id() + " replaces the current"
                + " rows of " + info.rowsByTable().size() + " table(s) (they are backed up first): send"
                + " \"confirmDestructive\": true, or \"dryRun\": true to preview");
          } else {
            Replies.json(rc, 200, new JsonObject().put("dryRun", true).put("backup", json(info))
                .put("current", current(now)));
          }
          return null;
        });
      }
      return runs.exclusively(what, () -> backups.restore(info.id())).map(done -> {
        changed.run();
        Replies.json(rc, 200, new JsonObject().put("dryRun", false).put("backup", json(done))
            .put("detail", "restored backup #" + done.id() + "; what it replaced is in the newest backup"));
        return null;
      });
    })).onFailure(err -> replies.fail(rc, err));
  }

  private static JsonObject current(Map<TableName, Long> rows) {
    JsonObject out = new JsonObject();
    rows.forEach((t, n) -> out.put(t.display(), n));
    return out;
  }

  static JsonObject json(Backups.Info b) {
    JsonArray tables = new JsonArray();
    b.rowsByTable().forEach((t, n) -> tables.add(new JsonObject().put("table", t.display()).put("rows", n)
        .put("deletedRowsOnly", b.deletedRowsOnly().contains(t))));
    return new JsonObject().put("id", b.id()).put("createdAt", b.createdAt().toString()).put("reason", b.reason())
        .put("runId", b.runId()).put("restoredAt", b.restoredAt() == null ? null : b.restoredAt().toString())
        .put("rows", b.rows()).put("tables", tables);
  }
}
