package dev.ferry.http;

import dev.ferry.progress.ProgressBus;
import dev.ferry.runs.RunManager;
import dev.ferry.status.SharedStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;

/** {@code GET /api/v1/status}: the shared status (see {@link SharedStatus}), when it was taken, and the active runs. */
final class StatusRoute {
  private final SharedStatus status;
  private final RunManager runs;
  private final Replies replies;
  /** Whether this server may start pulls: its run history is kept in the local database (see RunRoutes). */
  private final boolean pulls;

  StatusRoute(SharedStatus status, RunManager runs, Replies replies, boolean pulls) {
    this.pulls = pulls;
    this.status = status;
    this.runs = runs;
    this.replies = replies;
  }

  void mount(Router router) {
    router.get("/api/v1/status").handler(this::get);
  }

  private void get(RoutingContext rc) {
    status.get().onComplete(ar -> {
      if (ar.failed()) {
        replies.fail(rc, ar.cause());
        return;
      }
      JsonObject body = ProgressBus.toJsonObject(ar.result().status())
          .put("asOf", Instant.ofEpochMilli(ar.result().asOf()).toString());
      JsonArray active = new JsonArray();
      runs.active().forEach(r -> active.add(r.snapshot()));
      Replies.json(rc, 200, body.put("activeRuns", active).put("pulls", pulls));
    });
  }
}
