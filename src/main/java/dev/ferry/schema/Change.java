package dev.ferry.schema;

/**
 * One difference and the statement that removes it.
 *
 * @param step        where the statement goes in a script that runs: creates before uses, drops last
 * @param object      the object concerned ({@code public.animals.name})
 * @param description what differs, for the report
 * @param sql         the statement (no trailing semicolon), or null when it needs a person ({@link #manual()})
 * @param destructive drops, or changes that rewrite or can lose data: left commented out unless --unsafe
 */
public record Change(Step step, String object, String description, String sql, boolean destructive) {

  /** Script order. Changed objects are dropped and re-created within their own step. */
  public enum Step {
    SCHEMA, EXTENSION, TYPE, DOMAIN, SEQUENCE, TABLE, COLUMN, SEQUENCE_OWNER, CONSTRAINT, INDEX, FOREIGN_KEY, VIEW,
    DROP_VIEW, DROP_FOREIGN_KEY, DROP_INDEX, DROP_CONSTRAINT, DROP_COLUMN, DROP_TABLE, DROP_SEQUENCE, DROP_DOMAIN,
    DROP_TYPE, DROP_EXTENSION, DROP_SCHEMA
  }

  public boolean manual() {
    return sql == null;
  }
}
