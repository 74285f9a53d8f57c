package dev.ferry.http;

import dev.ferry.runs.Scheduler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** The schedules' endpoints: list them, pause and resume one (writes need the full token, see {@link BearerAuth}). */
final class ScheduleRoutes {
  private final Scheduler scheduler;

  ScheduleRoutes(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  void mount(Router router) {
    router.get("/api/v1/schedules").handler(this::list);
    router.post("/api/v1/schedules/:name/pause").handler(rc -> pause(rc, true));
    router.post("/api/v1/schedules/:name/resume").handler(rc -> pause(rc, false));
  }

  private void list(RoutingContext rc) {
    Replies.json(rc, 200, new JsonObject().put("schedules", scheduler.list()));
  }

  private void pause(RoutingContext rc, boolean paused) {
    String name = rc.pathParam("name");
    scheduler.pause(name, paused).ifPresentOrElse(s -> Replies.json(rc, 200, s),
        () -> Problems.send(rc, 404, "Not Found", "no schedule named '" + SyncRequest.clip(name) + "' (GET"
            + " /api/v1/schedules lists them)"));
  }
}
