package dev.ferry.db;

/** Which database: the one we read from, the one we write to, or the one holding Ferry's run history. */
public enum Side {
  SOURCE, TARGET, CONTROL;

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
