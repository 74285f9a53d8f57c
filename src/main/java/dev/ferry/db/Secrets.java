package dev.ferry.db;

import dev.ferry.config.ApiSettings;
import dev.ferry.config.DatabaseUrl;
import dev.ferry.config.FerryConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Last line of defence, and the only one: takes every secret Ferry knows of out of a text that may be shown or
 * logged. Passwords in any URL (by pattern), the configured URLs' passwords also where they are quoted decoded
 * (no pattern would recognise those), {@code access_token=} in a quoted request URI, and the API tokens and webhook
 * and notification secrets.
 */
public final class Secrets {
  private static final Secrets NONE = new Secrets(List.of(), List.of());

  private final List<DatabaseUrl> urls;
  private final List<String> literals;

  private Secrets(List<DatabaseUrl> urls, List<String> literals) {
    this.urls = urls;
    this.literals = literals;
  }

  /** Only what a pattern recognises (no configuration loaded yet). */
  public static Secrets none() {
    return NONE;
  }

  public static Secrets of(DatabaseUrl... urls) {
    return new Secrets(java.util.Arrays.stream(urls).filter(Objects::nonNull).toList(), List.of());
  }

  /** Everything the configuration holds: both URLs, the control database's, tokens and secrets. */
  public static Secrets of(FerryConfig config) {
    ApiSettings api = config.api();
    List<String> literals = new ArrayList<>();
    literals.add(api.token());
    literals.add(api.readToken());
    api.webhooks().values().forEach(h -> literals.add(h.secret()));
    api.notifications().forEach(n -> literals.add(n.secret()));
    literals.removeIf(s -> s == null || s.isEmpty());
    List<DatabaseUrl> urls = new ArrayList<>();
    urls.add(config.source());
    urls.add(config.target());
    urls.add(api.control());
    urls.removeIf(Objects::isNull);
    return new Secrets(List.copyOf(urls), List.copyOf(literals));
  }

  public String scrub(String text) {
    if (text == null) {
      return null;
    }
    String out = DatabaseUrl.scrub(text);
    for (DatabaseUrl url : urls) {
      out = url.scrubPassword(out);
    }
    out = out.replaceAll("(?i)(access_token=)[^&\\s'\"]*", "$1***");
    for (String secret : literals) {
      out = out.replace(secret, "***");
    }
    return out;
  }
}
