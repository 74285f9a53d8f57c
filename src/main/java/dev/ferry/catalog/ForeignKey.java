package dev.ferry.catalog;

import java.util.List;

/**
 * A foreign key from {@code table(columns)} to {@code refTable(refColumns)}. {@code enforced}: validated, with its
 * triggers enabled, so the server itself rules out orphans (a NOT VALID key or disabled triggers do not).
 */
public record ForeignKey(String name, TableName table, List<String> columns, TableName refTable,
    List<String> refColumns, boolean deferrable, boolean enforced) {

  public boolean selfReference() {
    return table.equals(refTable);
  }
}
