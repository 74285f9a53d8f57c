package dev.ferry.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** RFC 9457 problem details: every error the API returns, with a detail that says what to change. */
final class Problems {
  private Problems() {}

  static void send(RoutingContext rc, int status, String title, String detail) {
    if (rc.response().ended() || rc.response().headWritten()) {
      return;
    }
    rc.response().setStatusCode(status).putHeader("content-type", "application/problem+json")
        .end(new JsonObject().put("type", "about:blank").put("title", title).put("status", status)
            .put("detail", detail).put("instance", rc.request().path()).encode());
  }
}
