package dev.ferry.db;

import dev.ferry.config.DatabaseUrl;

/** Last line of defence: strips URL passwords from any text that may be shown or logged. */
public final class Secrets {
  private Secrets() {}

  public static String scrub(String text, DatabaseUrl... urls) {
    if (text == null) {
      return null;
    }
    String out = DatabaseUrl.scrub(text);
    for (DatabaseUrl url : urls) {
      if (url != null) {
        out = url.scrubPassword(out);
      }
    }
    return out;
  }
}
