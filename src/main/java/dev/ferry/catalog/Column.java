package dev.ferry.catalog;

/**
 * One column as the catalog describes it.
 *
 * @param type       {@code format_type(atttypid, atttypmod)}: valid SQL to cast a text value to this column's type
 * @param identity   "" for none, "a" for GENERATED ALWAYS, "d" for BY DEFAULT
 * @param generated  a generated (computed) column: never written
 * @param collatable text-like, so ordering needs an explicit collation to agree across servers
 */
public record Column(String name, String type, boolean notNull, String defaultExpr, String identity,
    boolean generated, boolean collatable) {

  public String sql() {
    return TableName.quote(name);
  }

  public boolean identityAlways() {
    return "a".equals(identity);
  }
}
