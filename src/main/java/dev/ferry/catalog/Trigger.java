package dev.ferry.catalog;

/**
 * A user trigger that fires on writes to a table (enabled, not a constraint's internal trigger).
 *
 * @param always     ENABLE ALWAYS: it fires even for replication, and is switched back on as such
 * @param changesRows a BEFORE ROW trigger on INSERT or UPDATE: it can change the row being written
 * @param definition as {@code pg_get_triggerdef} prints it
 */
public record Trigger(String name, boolean always, boolean changesRows, String definition) {

  public String sql() {
    return TableName.quote(name);
  }
}
