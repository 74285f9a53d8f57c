package dev.ferry.config;

import java.util.Locale;

/**
 * What a sync does with rows production changed since the last verified sync, by a transaction that was not
 * Ferry's ({@code sync.onProductionEdit}, per table {@code tables.<name>.onProductionEdit}, per run
 * {@code --on-production-edit}). A row changed on both sides is a conflict: refused unless {@link #OVERWRITE}.
 */
public enum OnProductionEdit {
  /** The table is not written; the run ends refused and lists the rows. The default. */
  REFUSE,
  /** Production's version stays; the rest is copied. */
  KEEP,
  /** The source's version replaces production's, as every sync did before, said out loud and recorded. */
  OVERWRITE;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@code value} as a policy; null stays null (not set). */
  public static OnProductionEdit parse(Object value, String key) {
    if (value == null) {
      return null;
    }
    return switch (value.toString().toLowerCase(Locale.ROOT)) {
      case "refuse" -> REFUSE;
      case "keep" -> KEEP;
      case "overwrite" -> OVERWRITE;
      default -> throw new ConfigException(key, "must be refuse, keep or overwrite (got '" + value + "')");
    };
  }
}
