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
    // Functions follow the tables (their argument and result types may be row types; bodies are not checked, see
    // Drift#script), and precede what may call them: constraints, indexes, aggregates, triggers, views.
    SCHEMA, EXTENSION, COLLATION, TYPE, DOMAIN, SEQUENCE, TABLE, COLUMN, FUNCTION, SEQUENCE_OWNER, CONSTRAINT, INDEX,
    FOREIGN_KEY, AGGREGATE, TRIGGER, VIEW, RULE,
    DROP_RULE, DROP_TRIGGER, DROP_VIEW, DROP_AGGREGATE, DROP_FOREIGN_KEY, DROP_INDEX, DROP_CONSTRAINT, DROP_COLUMN, DROP_TABLE,
    DROP_FUNCTION, DROP_SEQUENCE, DROP_DOMAIN, DROP_TYPE, DROP_COLLATION, DROP_EXTENSION, DROP_SCHEMA
  }

  public boolean manual() {
    return sql == null;
  }
}
