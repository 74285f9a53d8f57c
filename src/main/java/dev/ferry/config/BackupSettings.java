package dev.ferry.config;

import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * {@code backup:} in conf/ferry.yaml. {@code beforeSync}: {@code destructive} (rebuild and force runs, the default),
 * {@code always} (every real sync, so any run can be rolled back) or {@code never}.
 */
public record BackupSettings(String beforeSync, int keep, int maxAgeDays) {

  static BackupSettings fromJson(JsonObject b) {
    Object before = b.getValue("beforeSync", "destructive");
    String mode = String.valueOf(before).toLowerCase(Locale.ROOT);
    if (!mode.equals("destructive") && !mode.equals("always") && !mode.equals("never")) {
      throw new ConfigException("backup.beforeSync", "must be destructive, always or never (got '" + before + "')");
    }
    return new BackupSettings(mode, whole(b, "keep", 10, 1, 10_000), whole(b, "maxAgeDays", 30, 1, 36_500));
  }

  private static int whole(JsonObject b, String field, int dflt, int min, int max) {
    Object v = b.getValue(field);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.intValue() < min || n.intValue() > max) {
      throw new ConfigException("backup." + field, "must be a whole number between " + min + " and " + max);
    }
    return n.intValue();
  }
}
