package dev.ferry.catalog;

import java.util.Map;
import java.util.Optional;

/** The user tables of one database, keyed by name. */
public record Catalog(Map<TableName, TableInfo> tables) {

  public Optional<TableInfo> table(TableName name) {
    return Optional.ofNullable(tables.get(name));
  }
}
