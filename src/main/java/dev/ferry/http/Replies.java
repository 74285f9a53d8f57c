package dev.ferry.http;

import dev.ferry.config.ConfigException;
import dev.ferry.db.DatabaseException;
import dev.ferry.db.Secrets;
import dev.ferry.runs.RunConflict;
import dev.ferry.runs.ServerStopping;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** How the API answers: JSON bodies, and the one place errors become problems. */
final class Replies {
  private final Secrets secrets;

  Replies(Secrets secrets) {
    this.secrets = secrets;
  }

  /** The one place errors become answers: conflicts 409, bad input 400, unreachable databases 503, else 500. */
  void fail(RoutingContext rc, Throwable err) {
    if (err instanceof RunConflict c) {
      rc.response().putHeader("Location", "/api/v1/syncs/" + c.runningId());
      Problems.send(rc, 409, "Conflict", c.getMessage());
    } else if (err instanceof ConfigException || err instanceof BadRequest) {
      Problems.send(rc, 400, "Bad Request", err.getMessage());
    } else if (err instanceof ServerStopping) {
      Problems.send(rc, 503, "Service Unavailable", err.getMessage());
    } else if (err instanceof DatabaseException) {
      Problems.send(rc, 503, "Service Unavailable",
          secrets.scrub(err.getMessage()));
    } else {
      rc.fail(500, err);
    }
  }

  static void json(RoutingContext rc, int status, JsonObject body) {
    rc.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
  }
}
