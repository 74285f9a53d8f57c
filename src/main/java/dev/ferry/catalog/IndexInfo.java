package dev.ferry.catalog;

import java.util.List;

/**
 * An index. {@code definition} is {@code pg_get_indexdef}; {@code backsConstraint} marks the indexes of primary
 * key, unique and exclusion constraints, which belong to the schema rather than to index sync.
 * {@code recreatable}: dropping the index and running its definition again gives back the same index (no
 * constraint, tablespace, comment, clustering, replica identity or statistics target would be lost).
 */
public record IndexInfo(String name, String definition, boolean unique, boolean backsConstraint, boolean partial,
    boolean expression, boolean valid, boolean recreatable, List<String> columns) {

  /** The definition without the index's own name, to compare indexes that are the same under other names. */
  public String shape() {
    return definition.replaceFirst("INDEX \\S+ ON (ONLY )?", "INDEX ON ");
  }
}
