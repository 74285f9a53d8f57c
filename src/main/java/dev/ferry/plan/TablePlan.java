package dev.ferry.plan;

import dev.ferry.catalog.Column;
import dev.ferry.catalog.TableInfo;
import dev.ferry.catalog.TableName;
import java.util.List;
import java.util.Map;

/**
 * How one table is copied.
 *
 * @param columns   the columns read from the source and written to the target, in order (target's types); the
 *                  key columns come first. Surrogate and deferred columns are not among them.
 * @param key       how many leading {@code columns} form the match key (0 when {@code keyKind} is NONE)
 * @param surrogate primary-key columns of a natural-key table: the target assigns its own values
 * @param mapped    column → table whose id map rewrites it (foreign keys into natural-key tables)
 * @param deferred  cycle and self-reference columns, written by a second pass after every row exists
 * @param watermark the configured watermark column (see {@code TableSettings}); null when none
 * @param maskedSource what a pull reads instead of the source table: the table with its ruled columns masked
 *                  ({@code mask.MaskSql#relation}); null to read the table itself
 */
public record TablePlan(
    TableInfo source,
    TableInfo target,
    KeyKind keyKind,
    List<Column> columns,
    int key,
    List<String> surrogate,
    Map<String, TableName> mapped,
    List<Column> deferred,
    long minRows,
    Column watermark,
    String maskedSource) {

  public TablePlan(TableInfo source, TableInfo target, KeyKind keyKind, List<Column> columns, int key,
      List<String> surrogate, Map<String, TableName> mapped, List<Column> deferred, long minRows, Column watermark) {
    this(source, target, keyKind, columns, key, surrogate, mapped, deferred, minRows, watermark, null);
  }

  /** The same plan reading {@code relation} (a parenthesised SELECT over the source table) instead of the table. */
  public TablePlan readingFrom(String relation) {
    return new TablePlan(source, target, keyKind, columns, key, surrogate, mapped, deferred, minRows, watermark, relation);
  }

  /** The source as a FROM item (follow it with an alias): the table, or what a pull reads instead. */
  public String sourceRelation() {
    return maskedSource != null ? maskedSource : source.fromSql();
  }

  public TableName name() {
    return target.name();
  }

  public List<Column> keyColumns() {
    return columns.subList(0, key);
  }

  public List<Column> valueColumns() {
    return columns.subList(key, columns.size());
  }

  /**
   * The columns whose text the upsert compares and writes: the values, after the key columns under a
   * nondeterministic collation (rows match through the key's own collation, so 'ABC' finds the row 'abc', whose
   * text must then change too).
   */
  public List<Column> comparedColumns() {
    List<Column> out = new java.util.ArrayList<>(keyColumns().stream().filter(c -> !c.deterministic()).toList());
    out.addAll(valueColumns());
    return out;
  }

  public boolean keyed() {
    return keyKind != KeyKind.NONE;
  }

  /** The id column others map through, for a natural-key table with a single-column primary key. */
  public String idColumn() {
    return keyKind == KeyKind.NATURAL && surrogate.size() == 1 ? surrogate.get(0) : null;
  }
}
