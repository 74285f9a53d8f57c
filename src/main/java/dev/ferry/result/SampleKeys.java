package dev.ferry.result;

import java.util.List;

/**
 * A few keys of the rows a table's copy inserted, updated and deleted (or, in a dry run, would), as
 * {@code column=value} text: enough to look one up, never the rows themselves. Known where the copy compared rows
 * by key (the differential path); a plain load or replace has none to show.
 */
public record SampleKeys(List<String> inserted, List<String> updated, List<String> deleted) {
  /** How many keys of each kind are kept. */
  public static final int LIMIT = 5;
  public static final SampleKeys NONE = new SampleKeys(List.of(), List.of(), List.of());
}
