package dev.ferry.catalog;

/**
 * A user trigger that fires on writes to a table (enabled, not a constraint's internal trigger), or a rewrite rule
 * on it ({@code rule}), which rewrites writes the same way and is switched off the same way.
 *
 * @param always     ENABLE ALWAYS: it fires even for replication, and is switched back on as such
 * @param changesRows a BEFORE ROW trigger on INSERT or UPDATE, or a rule: it can change what is written
 * @param definition as {@code pg_get_triggerdef} or {@code pg_get_ruledef} prints it
 */
public record Trigger(String name, boolean rule, boolean always, boolean changesRows, String definition) {

  public String sql() {
    return TableName.quote(name);
  }
}
