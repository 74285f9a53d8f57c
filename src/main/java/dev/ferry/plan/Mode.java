package dev.ferry.plan;

import dev.ferry.config.ConfigException;
import java.util.Locale;

/** How a sync treats rows that differ or are missing (seed 001's modes, plus mirror). */
public enum Mode {
  /** Insert and update, never delete; refuses a table whose target has more rows than the source. */
  INCREMENTAL,
  /** Replace the target tables' contents, in one transaction; needs confirmation and the minimum row counts. */
  REBUILD,
  /** Incremental without the guards and schema check; needs confirmation; logged as such. */
  FORCE,
  /** Incremental plus deleting target rows missing from the source; big deletes need confirmation. */
  MIRROR;

  public static Mode parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new ConfigException("--mode", "unknown mode '" + text + "' (use incremental, rebuild, force or mirror)");
    }
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Modes that may delete or overwrite unconditionally, and so always need --confirm-destructive. */
  public boolean alwaysDestructive() {
    return this == REBUILD || this == FORCE;
  }
}
