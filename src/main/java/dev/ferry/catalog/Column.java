package dev.ferry.catalog;

/**
 * One column as the catalog describes it.
 *
 * @param type       {@code format_type(atttypid, atttypmod)}: valid SQL to cast a text value to this column's type
 * @param identity   "" for none, "a" for GENERATED ALWAYS, "d" for BY DEFAULT
 * @param generated  a generated (computed) column: never written
 * @param collation  the column's collation (quoted, qualified) when its type is collatable (text-like, arrays and
 *                   domains of them), else null; part of the column's identity, since it decides equality
 * @param deterministic false under a nondeterministic collation ({@code deterministic = false}, such as a
 *                   case-insensitive ICU one), where equal values need not have equal text
 */
public record Column(String name, String type, boolean notNull, String defaultExpr, String identity,
    boolean generated, String collation, boolean deterministic) {

  /** Text-like: ordering needs an explicit collation to agree across servers. */
  public boolean collatable() {
    return collation != null;
  }

  public String sql() {
    return TableName.quote(name);
  }

  public boolean identityAlways() {
    return "a".equals(identity);
  }
}
