package dev.ferry.catalog;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Everything Ferry needs to know about one table (a partitioned table counts as one, its partitions not at all). */
public record TableInfo(
    TableName name,
    boolean partitioned,
    List<Column> columns,
    List<String> primaryKey,
    List<List<String>> uniqueKeys,
    List<ForeignKey> foreignKeys,
    List<IndexInfo> indexes,
    Map<String, String> sequences,
    List<Trigger> triggers) {

  public Optional<Column> column(String name) {
    return columns.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /** Columns Ferry reads and writes: everything but generated columns. */
  public List<Column> writableColumns() {
    return columns.stream().filter(c -> !c.generated()).toList();
  }

  /** True when some unique index or constraint covers exactly these columns (ON CONFLICT can use it). */
  public boolean hasUniqueOn(List<String> cols) {
    return uniqueKeys.stream().anyMatch(k -> k.size() == cols.size() && k.containsAll(cols));
  }

  /** FROM-clause form: ONLY for plain tables so inheritance children are not read twice. */
  public String fromSql() {
    return partitioned ? name.sql() : "ONLY " + name.sql();
  }
}
