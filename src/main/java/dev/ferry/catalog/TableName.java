package dev.ferry.catalog;

import dev.ferry.config.ConfigException;

/** A schema-qualified table name. {@link #sql()} is the only form that goes into SQL. */
public record TableName(String schema, String name) implements Comparable<TableName> {

  /** Always double-quotes: safe for mixed case, spaces, quotes and reserved words. */
  public static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  public String sql() {
    return quote(schema) + "." + quote(name);
  }

  /** What users type and read: "animals", or "billing.invoices" outside public. */
  public String display() {
    // A pattern typed without a schema (parse) has none.
    return schema == null || schema.equals("public") ? name : schema + "." + name;
  }

  public String qualified() {
    return schema + "." + name;
  }

  /** Parses "table" or "schema.table" as typed in a flag or the config file. */
  public static TableName parse(String text, String key) {
    if (text == null || text.isBlank()) {
      throw new ConfigException(key, "empty table name");
    }
    int dot = text.indexOf('.');
    if (dot < 0) {
      return new TableName(null, text);
    }
    if (dot == 0 || dot == text.length() - 1) {
      throw new ConfigException(key, "'" + text + "' is not a table name (use table or schema.table)");
    }
    return new TableName(text.substring(0, dot), text.substring(dot + 1));
  }

  /** True when this (possibly unqualified) pattern names {@code table}. */
  public boolean matches(TableName table) {
    return name.equals(table.name) && (schema == null || schema.equals(table.schema));
  }

  @Override
  public int compareTo(TableName o) {
    int c = schema.compareTo(o.schema);
    return c != 0 ? c : name.compareTo(o.name);
  }

  @Override
  public String toString() {
    return display();
  }
}
