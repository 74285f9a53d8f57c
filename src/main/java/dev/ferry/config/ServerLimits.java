package dev.ferry.config;

import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * What one client may make the server hold ({@code api.limits} in conf/ferry.yaml): request bodies, open
 * connections and event sockets, WebSocket frames and messages, and events queued for a client that reads slowly.
 *
 * @param maxBodyBytes          a larger request body is answered 413
 * @param maxConnections        open HTTP connections (WebSockets included); more are answered 503 and closed
 * @param maxEventSockets       open {@code /api/v1/events} WebSockets; more are answered 503
 * @param webSocketFrameBytes   a larger frame from a client closes its socket (1009)
 * @param webSocketMessageBytes a larger message (frames put together) from a client closes its socket (1009)
 * @param eventQueueBytes       events queued for one client that does not read them; then it is closed (1008)
 */
public record ServerLimits(int maxBodyBytes, int maxConnections, int maxEventSockets, int webSocketFrameBytes,
    int webSocketMessageBytes, int eventQueueBytes) {

  public static final ServerLimits DEFAULTS = new ServerLimits(64 * 1024, 1024, 100, 16 * 1024, 64 * 1024, 1024 * 1024);

  private static final Set<String> KEYS = Set.of("maxBodyBytes", "maxConnections", "maxEventSockets",
      "webSocketFrameBytes", "webSocketMessageBytes", "eventQueueBytes");

  static ServerLimits fromJson(Object value) {
    if (value == null) {
      return DEFAULTS;
    }
    if (!(value instanceof JsonObject limits)) {
      throw new ConfigException("api.limits", "must be a mapping such as {maxConnections: 1024}");
    }
    for (String key : limits.fieldNames()) {
      if (!KEYS.contains(key)) {
        throw new ConfigException("api.limits." + key, "unknown setting (known: " + String.join(", ", KEYS.stream().sorted().toList()) + ")");
      }
    }
    int frame = FerryConfig.intIn(limits, "api.limits.webSocketFrameBytes", "webSocketFrameBytes", DEFAULTS.webSocketFrameBytes, 1024, 16 * 1024 * 1024);
    int message = FerryConfig.intIn(limits, "api.limits.webSocketMessageBytes", "webSocketMessageBytes", DEFAULTS.webSocketMessageBytes, 1024, 64 * 1024 * 1024);
    if (message < frame) {
      throw new ConfigException("api.limits.webSocketMessageBytes", "must be at least webSocketFrameBytes (" + frame + ")");
    }
    return new ServerLimits(
        FerryConfig.intIn(limits, "api.limits.maxBodyBytes", "maxBodyBytes", DEFAULTS.maxBodyBytes, 1024, 64 * 1024 * 1024),
        FerryConfig.intIn(limits, "api.limits.maxConnections", "maxConnections", DEFAULTS.maxConnections, 1, 1_000_000),
        FerryConfig.intIn(limits, "api.limits.maxEventSockets", "maxEventSockets", DEFAULTS.maxEventSockets, 1, 1_000_000),
        frame, message,
        FerryConfig.intIn(limits, "api.limits.eventQueueBytes", "eventQueueBytes", DEFAULTS.eventQueueBytes, 16 * 1024, 1024 * 1024 * 1024));
  }
}
