package dev.ferry.http;

import dev.ferry.config.ApiSettings;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Bearer tokens: the API token allows everything, the optional read token GET and HEAD only. Compared in constant
 * time. Browsers cannot set headers on a WebSocket, so the events socket also takes {@code ?access_token=}.
 */
final class BearerAuth implements Handler<RoutingContext> {
  private final byte[] token;
  private final byte[] readToken;

  BearerAuth(ApiSettings api) {
    this.token = api.token().getBytes(StandardCharsets.UTF_8);
    this.readToken = api.readToken() == null ? null : api.readToken().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void handle(RoutingContext rc) {
    String presented;
    try {
      presented = presented(rc);
    } catch (IllegalArgumentException e) {
      // A query string that is not valid percent-encoding; the decoder's message repeats the whole URI, token
      // included, so it is not echoed.
      Problems.send(rc, 400, "Bad Request", "the query string is not valid percent-encoding");
      return;
    }
    if (presented == null) {
      rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"ferry\"");
      Problems.send(rc, 401, "Unauthorized", "send the API token as 'Authorization: Bearer <token>'"
          + " (the server's api.token or FERRY_API_TOKEN; `ferry demo` prints its own and keeps it in ferry-demo.yaml)");
      return;
    }
    byte[] p = presented.getBytes(StandardCharsets.UTF_8);
    if (MessageDigest.isEqual(p, token)) {
      rc.next();
    } else if (readToken != null && MessageDigest.isEqual(p, readToken)) {
      HttpMethod m = rc.request().method();
      if (m == HttpMethod.GET || m == HttpMethod.HEAD) {
        rc.next();
      } else {
        Problems.send(rc, 403, "Forbidden", "the read-only token may only read; this call needs the API token");
      }
    } else {
      rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"ferry\", error=\"invalid_token\"");
      Problems.send(rc, 401, "Unauthorized", "the token is not valid");
    }
  }

  private static String presented(RoutingContext rc) {
    String header = rc.request().getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return header.substring(7).trim();
    }
    if (rc.request().path().endsWith("/events")) {
      return rc.request().getParam("access_token");
    }
    return null;
  }
}
