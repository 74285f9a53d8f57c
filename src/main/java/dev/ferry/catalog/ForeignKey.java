package dev.ferry.catalog;

import java.util.List;

/** A foreign key from {@code table(columns)} to {@code refTable(refColumns)}. */
public record ForeignKey(String name, TableName table, List<String> columns, TableName refTable,
    List<String> refColumns, boolean deferrable) {

  public boolean selfReference() {
    return table.equals(refTable);
  }
}
