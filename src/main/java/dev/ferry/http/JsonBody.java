package dev.ferry.http;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** A request's JSON body, or a {@link BadRequest} saying what is wrong with it; no body reads as {}. */
final class JsonBody {
  private JsonBody() {}

  /** The body as {@code parse} reads it; null once a 400 saying what is wrong has been sent. */
  static <T> T parse(RoutingContext rc, java.util.function.Function<JsonObject, T> parse) {
    try {
      return parse.apply(of(rc));
    } catch (BadRequest e) {
      Problems.send(rc, 400, "Bad Request", e.getMessage());
      return null;
    }
  }

  static JsonObject of(RoutingContext rc) {
    String type = rc.request().getHeader("content-type");
    var buffer = rc.body().buffer();
    // The content type is checked before the body is found empty: the body handler consumes a form or multipart
    // body into form attributes, and the empty buffer it leaves must not read as "no body, run with the defaults".
    boolean json = type != null && isJson(type);
    if (type != null && !type.isBlank() && !json) {
      throw new BadRequest("send the body as JSON with 'Content-Type: application/json'");
    }
    if (buffer == null || buffer.length() == 0) {
      if (json) {
        // Announced as JSON, but nothing came (a lost Content-Length, say): not "run with the defaults".
        throw new BadRequest("the body is empty but announced as JSON: send {} for the defaults");
      }
      return new JsonObject();
    }
    if (!json) {
      throw new BadRequest("send the body as JSON with 'Content-Type: application/json'");
    }
    try {
      Object value = io.vertx.core.json.Json.decodeValue(buffer);
      if (!(value instanceof JsonObject o)) {
        throw new BadRequest("the body must be a JSON object");
      }
      return o;
    } catch (DecodeException e) {
      throw new BadRequest("the body is not valid JSON");
    }
  }

  /** application/json or a +json type, parameters allowed; not application/jsonx. */
  private static boolean isJson(String contentType) {
    String media = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
    return media.equals("application/json") || media.endsWith("+json");
  }
}
