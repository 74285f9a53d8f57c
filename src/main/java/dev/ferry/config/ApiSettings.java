package dev.ferry.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server's settings ({@code api:} in conf/ferry.yaml): port, bearer tokens, where the run history lives,
 * inbound webhooks and outbound notifications. {@link #toString()} never shows a token or secret.
 *
 * @param token     allows everything; required by {@code ferry serve}
 * @param readToken optional, allows GET only
 * @param control   the database holding the {@code ferry} control schema; null means the target
 * @param limits    what one client may make the server hold ({@code api.limits})
 * @param schedules syncs and validations the server starts by itself ({@code api.schedules})
 * @param cluster   how the server joins others with {@code ferry serve --cluster} ({@code api.cluster})
 */
public record ApiSettings(int port, String token, String readToken, DatabaseUrl control,
    Map<String, Webhook> webhooks, List<Notification> notifications, long notifyRetryBaseMs, ServerLimits limits,
    Map<String, Schedule> schedules, ClusterSettings cluster) {

  public static final int MIN_TOKEN_LENGTH = 16;

  /** An inbound webhook: its HMAC secret and the sync request it triggers (a JSON body as POST /syncs takes). */
  public record Webhook(String name, String secret, JsonObject sync) {
    @Override
    public String toString() {
      return "Webhook[" + name + "]";
    }
  }

  /**
   * A sync or a validation the server starts when its cron expression comes round.
   *
   * @param options  a JSON body as {@code POST /syncs} takes, or as {@code POST /validations} takes
   * @param validate the schedule validates ({@code validate:} in the configuration) rather than syncs ({@code sync:})
   */
  public record Schedule(String name, Cron cron, JsonObject options, boolean validate) {
    /** The configuration key its options came from. */
    public String optionsKey() {
      return "api.schedules." + name + (validate ? ".validate" : ".sync");
    }
  }

  /** An outbound notification target; {@code secret} (optional) signs each POST. */
  public record Notification(URI url, String secret) {
    @Override
    public String toString() {
      return "Notification[" + url.getHost() + "]";
    }
  }

  @Override
  public String toString() {
    return "ApiSettings[port=" + port + ", token=" + (token == null ? "none" : "***") + ", readToken="
        + (readToken == null ? "none" : "***") + ", webhooks=" + webhooks.keySet() + ", notifications="
        + notifications.size() + "]";
  }

  static ApiSettings fromJson(JsonObject api, Map<String, String> origins) {
    int port = port(api.getValue("port"));
    String token = token(api, "token", origins);
    String readToken = token(api, "readToken", origins);
    Object control = api.getValue("controlDatabase");
    DatabaseUrl controlUrl = null;
    if (control != null) {
      if (!(control instanceof String s)) {
        throw new ConfigException("api.controlDatabase", "must be a postgresql:// URL string");
      }
      controlUrl = DatabaseUrl.parse(s, origins.getOrDefault("api.controlDatabase", "api.controlDatabase"));
    }
    long retryBase = api.getValue("notifyRetryBaseMs") instanceof Number n ? n.longValue() : 1000;
    if (retryBase < 0 || retryBase > 600_000) {
      throw new ConfigException("api.notifyRetryBaseMs", "must be between 0 and 600000");
    }
    return new ApiSettings(port, token, readToken, controlUrl, webhooks(api.getValue("webhooks")),
        notifications(api.getValue("notify")), retryBase, ServerLimits.fromJson(api.getValue("limits")),
        schedules(api.getValue("schedules")), ClusterSettings.fromJson(api.getValue("cluster")));
  }

  private static int port(Object value) {
    if (value == null) {
      return 8080;
    }
    String s = value.toString().trim();
    if (!s.matches("\\d{1,5}") || Integer.parseInt(s) > 65535) {
      throw new ConfigException("api.port", "must be a port number between 0 and 65535 (got '" + value + "')");
    }
    return Integer.parseInt(s);
  }

  private static String token(JsonObject api, String field, Map<String, String> origins) {
    Object value = api.getValue(field);
    if (value == null || value.toString().isBlank()) {
      return null;
    }
    String key = origins.getOrDefault("api." + field, "api." + field);
    if (!(value instanceof String s) || s.length() < MIN_TOKEN_LENGTH) {
      throw new ConfigException(key, "must be at least " + MIN_TOKEN_LENGTH + " characters (a long random string;"
          + " `openssl rand -hex 24` makes one)");
    }
    return s;
  }

  private static Map<String, Webhook> webhooks(Object value) {
    Map<String, Webhook> out = new LinkedHashMap<>();
    if (value == null) {
      return out;
    }
    if (!(value instanceof JsonObject hooks)) {
      throw new ConfigException("api.webhooks", "must be a mapping of name → {secret, sync}");
    }
    for (String name : hooks.fieldNames()) {
      String key = "api.webhooks." + name;
      if (!name.matches("[A-Za-z0-9_-]{1,64}")) {
        throw new ConfigException(key, "webhook names may use letters, digits, '-' and '_' only");
      }
      if (!(hooks.getValue(name) instanceof JsonObject hook)) {
        throw new ConfigException(key, "must be a mapping such as {secret: ..., sync: {mode: incremental}}");
      }
      Object secret = hook.getValue("secret");
      if (!(secret instanceof String s) || s.length() < MIN_TOKEN_LENGTH) {
        throw new ConfigException(key + ".secret", "must be at least " + MIN_TOKEN_LENGTH + " characters");
      }
      Object sync = hook.getValue("sync");
      if (sync != null && !(sync instanceof JsonObject)) {
        throw new ConfigException(key + ".sync", "must be a mapping like the body of POST /api/v1/syncs");
      }
      out.put(name, new Webhook(name, s, sync == null ? new JsonObject() : (JsonObject) sync));
    }
    return out;
  }

  private static Map<String, Schedule> schedules(Object value) {
    Map<String, Schedule> out = new LinkedHashMap<>();
    if (value == null) {
      return out;
    }
    if (!(value instanceof JsonObject all)) {
      throw new ConfigException("api.schedules", "must be a mapping of name → {cron, zone, sync or validate}");
    }
    for (String name : all.fieldNames()) {
      String key = "api.schedules." + name;
      if (!name.matches("[A-Za-z0-9_-]{1,64}")) {
        throw new ConfigException(key, "schedule names may use letters, digits, '-' and '_' only");
      }
      if (!(all.getValue(name) instanceof JsonObject sched)) {
        throw new ConfigException(key, "must be a mapping such as {cron: '0 2 * * MON-FRI', zone: Europe/Berlin,"
            + " sync: {mode: incremental}}");
      }
      for (String field : sched.fieldNames()) {
        if (!List.of("cron", "zone", "sync", "validate").contains(field)) {
          throw new ConfigException(key + "." + field, "unknown setting (known: cron, zone, sync, validate)");
        }
      }
      Object zone = sched.getValue("zone");
      Cron cron = Cron.parse(sched.getValue("cron") == null ? null : sched.getValue("cron").toString(),
          zone == null ? null : zone.toString(), key);
      boolean validate = sched.containsKey("validate");
      if (validate && sched.containsKey("sync")) {
        throw new ConfigException(key, "a schedule either syncs (sync: {…}) or validates (validate: {…}), not both");
      }
      Object options = sched.getValue(validate ? "validate" : "sync");
      if (options != null && !(options instanceof JsonObject)) {
        throw new ConfigException(key + (validate ? ".validate" : ".sync"), validate
            ? "must be a mapping like the body of POST /api/v1/validations ({} or {tables: [...]})"
            : "must be a mapping like the body of POST /api/v1/syncs");
      }
      out.put(name, new Schedule(name, cron, options == null ? new JsonObject() : (JsonObject) options, validate));
    }
    return out;
  }

  private static List<Notification> notifications(Object value) {
    List<Notification> out = new ArrayList<>();
    if (value == null) {
      return out;
    }
    if (!(value instanceof JsonArray list)) {
      throw new ConfigException("api.notify", "must be a list of {url, secret}");
    }
    for (int i = 0; i < list.size(); i++) {
      String key = "api.notify[" + i + "]";
      Object item = list.getValue(i);
      JsonObject n = item instanceof String s ? new JsonObject().put("url", s) : item instanceof JsonObject o ? o : null;
      if (n == null || !(n.getValue("url") instanceof String url)) {
        throw new ConfigException(key, "must be a URL or {url, secret}");
      }
      URI uri;
      try {
        uri = URI.create(url);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(key + ".url", "is not a valid URL");
      }
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
        throw new ConfigException(key + ".url", "must be an http:// or https:// URL");
      }
      Object secret = n.getValue("secret");
      if (secret != null && !(secret instanceof String)) {
        throw new ConfigException(key + ".secret", "must be a string");
      }
      out.add(new Notification(uri, (String) secret));
    }
    return out;
  }
}
