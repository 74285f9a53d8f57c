package dev.ferry.http;

import dev.ferry.db.Secrets;
import dev.ferry.error.FerryException;
import dev.ferry.runs.RunConflict;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** How the API answers: JSON bodies, and the one place errors become problems. */
final class Replies {
  private final Secrets secrets;

  Replies(Secrets secrets) {
    this.secrets = secrets;
  }

  /** The one place errors become answers: by their code, else 500 (logged, its text not shown). */
  void fail(RoutingContext rc, Throwable err) {
    if (!(err instanceof FerryException fe)) {
      rc.fail(500, err);
      return;
    }
    if (err instanceof RunConflict c && c.runningId() != null) {
      rc.response().putHeader("Location", "/api/v1/syncs/" + c.runningId());
    }
    String detail = secrets.scrub(fe.getMessage());
    switch (fe.code()) {
      case CONFIG, BAD_REQUEST -> Problems.send(rc, 400, "Bad Request", detail);
      case NOT_FOUND -> Problems.send(rc, 404, "Not Found", detail);
      case CONFLICT, REFUSED, CANCELLED -> Problems.send(rc, 409, "Conflict", detail);
      case DATABASE, STOPPING -> Problems.send(rc, 503, "Service Unavailable", detail);
    }
  }

  /** A message about to reach a client, with every configured secret masked. */
  String scrub(String message) {
    return secrets.scrub(message);
  }

  static void json(RoutingContext rc, int status, JsonObject body) {
    rc.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
  }
}
