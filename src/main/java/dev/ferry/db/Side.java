package dev.ferry.db;

/** Which database: the one we read from, or the one we write to. */
public enum Side {
  SOURCE, TARGET;

  public String label() {
    return this == SOURCE ? "source" : "target";
  }
}
