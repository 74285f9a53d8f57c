package dev.ferry.http;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** RFC 9457 problem details: every error the API returns, with a detail that says what to change. */
final class Problems {
  private Problems() {}

  static void send(RoutingContext rc, int status, String title, String detail) {
    send(rc.response(), rc.request().path(), status, title, detail);
  }

  /** For answers given outside the router (refused connections, requests the HTTP decoder could not read). */
  static void send(HttpServerResponse response, String instance, int status, String title, String detail) {
    if (response.ended() || response.closed() || response.headWritten()) {
      return;
    }
    JsonObject body = new JsonObject().put("type", "about:blank").put("title", title).put("status", status)
        .put("detail", detail);
    if (instance != null) {
      body.put("instance", SyncRequest.clip(instance));
    }
    response.setStatusCode(status).putHeader("content-type", "application/problem+json").end(body.encode());
  }
}
