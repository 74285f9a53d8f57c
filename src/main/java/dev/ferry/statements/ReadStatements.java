package dev.ferry.statements;

import static dev.ferry.statements.Fragments.joinOn;
import static dev.ferry.statements.Fragments.texts;

import dev.ferry.catalog.Column;
import dev.ferry.plan.TablePlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** What the copy reads: source rows (whole, in key order, by key, links), target keys, watermarks, counts. */
public final class ReadStatements {
  private final TablePlan plan;
  private final DigestStatements digests;

  ReadStatements(TablePlan plan, DigestStatements digests) {
    this.plan = plan;
    this.digests = digests;
  }

  /** @param fromSql a table, or a parenthesised SELECT (which needs the alias this adds) */
  public static String count(String fromSql) {
    return "SELECT count(*) FROM " + fromSql + " c";
  }

  /** Whether a table has any row. */
  public static String anyRow(String fromSql) {
    return "SELECT EXISTS (SELECT 1 FROM " + fromSql + " c)";
  }

  /**
   * Tables' rows as the planner estimates them: rows per page at the last VACUUM or ANALYZE times the pages now; null
   * for a table neither has seen. $1: the tables, as SQL names.
   */
  public static final String ESTIMATES = "SELECT n, CASE WHEN c.relpages > 0 AND c.reltuples >= 0 THEN"
      + " round(c.reltuples / c.relpages * (pg_relation_size(c.oid) / current_setting('block_size')::int))::int8 END"
      + " FROM unnest($1::text[]) n JOIN pg_class c ON c.oid = to_regclass(n)";

  /** Every written column as text, key first. */
  public String selectSource() {
    return "SELECT " + texts("", plan.columns()) + " FROM " + plan.sourceRelation() + " t";
  }

  /**
   * {@link #selectSource()} plus, as a last column, the row hash that {@link DigestStatements#digest} sums: the
   * source's digest comes with the rows the copy reads anyway, instead of from a second pass over the table.
   */
  public String selectSourceWithDigest() {
    DigestStatements.HashedRow row = digests.hashedRow(true);
    return "SELECT " + texts("t.", plan.columns()) + ", " + row.hash() + "::text FROM " + plan.sourceRelation() + " t"
        + row.joins();
  }

  /**
   * {@link #selectSource()} (with {@link #selectSourceWithDigest()}'s hash column if {@code digest}) as COPY text:
   * each value's text, which the target's COPY parses as its column's type (as the inserts' casts do); or, if
   * {@code binary} ({@link BinaryCopy#fits}), as binary COPY: each value in its binary form, jsonb as its text, the
   * hash as a bigint. {@code rewrites}: per id-mapped column, the source ids whose target id differs, and that id;
   * other ids pass as they are (the pairs travel inline: COPY takes no parameters). {@code where}: a condition on
   * {@code t}, or empty.
   */
  public String copySource(boolean digest, Map<String, Map<String, String>> rewrites, String where, boolean binary) {
    List<String> values = new ArrayList<>();
    StringBuilder joins = new StringBuilder();
    for (Column c : plan.columns()) {
      Map<String, String> ids = rewrites.getOrDefault(c.name(), Map.of());
      if (ids.isEmpty()) {
        values.add(binary && !BinaryCopy.JSONB.equals(c.type()) ? "t." + c.sql() : "t." + c.sql() + "::text");
        continue;
      }
      String m = "ferry_map" + values.size();
      values.add(binary ? "coalesce(" + m + ".target_id::" + c.type() + ", t." + c.sql() + ")"
          : "coalesce(" + m + ".target_id, t." + c.sql() + "::text)");
      joins.append(" LEFT JOIN (VALUES ").append(ids.entrySet().stream()
              .map(e -> "(" + literal(e.getKey()) + ", " + literal(e.getValue()) + ")").collect(Collectors.joining(", ")))
          .append(") ").append(m).append("(source_id, target_id) ON ").append(m).append(".source_id = t.")
          .append(c.sql()).append("::text");
    }
    String filter = where.isEmpty() ? "" : " WHERE " + where;
    String to = ") TO STDOUT" + BinaryCopy.option(binary);
    if (!digest) {
      return "COPY (SELECT " + String.join(", ", values) + " FROM " + plan.sourceRelation() + " t" + joins + filter + to;
    }
    DigestStatements.HashedRow row = digests.hashedRow(true);
    // The row is both printed and hashed, and what is hashed as text would be rendered twice (jsonb's text is most
    // of a wide row's cost): a fenced subquery renders it once, under the column's own name. Id-mapped columns stay
    // typed: the hash joins them to their parent. Binary COPY sends the others in their binary form, so only jsonb
    // (which it sends as text) is rendered there.
    String once = plan.columns().stream().map(c -> plan.mapped().containsKey(c.name())
        || (binary ? !BinaryCopy.JSONB.equals(c.type()) : DigestStatements.hashesLikeText(c.type()))
        ? "t." + c.sql() : "t." + c.sql() + "::text AS " + c.sql())
        .collect(Collectors.joining(", "));
    return "COPY (SELECT " + String.join(", ", values) + ", " + row.hash() + (binary ? "" : "::text") + " FROM (SELECT "
        + once + " FROM " + plan.sourceRelation() + " t" + filter + " OFFSET 0) t" + row.joins() + joins + to;
  }

  private static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  /**
   * {@link #selectSource()} (with the digest column unless {@code digest} is false) in key order, after the key
   * given as one parameter per key column if {@code resume}: the read of a checkpointed copy, which can start again
   * right after the last committed key. Only for keys without NULLs (a NULL would never compare greater).
   */
  public String selectSourceInKeyOrder(boolean digest, boolean resume) {
    List<Column> keys = plan.keyColumns();
    Params params = new Params();
    String select = digest ? selectSourceWithDigest()
        : "SELECT " + texts("t.", plan.columns()) + " FROM " + plan.sourceRelation() + " t";
    String after = !resume ? "" : " WHERE (" + keys.stream().map(c -> "t." + c.sql()).collect(Collectors.joining(", "))
        + ") > (" + keys.stream().map(c -> params.next() + "::text::" + c.type()).collect(Collectors.joining(", ")) + ")";
    return select + after + " ORDER BY " + keys.stream().map(c -> "t." + c.sql()).collect(Collectors.joining(", "));
  }

  /** Key and deferred (cycle) columns, for the second pass. */
  public String selectSourceLinks() {
    List<Column> cols = new ArrayList<>(plan.keyColumns());
    cols.addAll(plan.deferred());
    return "SELECT " + texts("", cols) + " FROM " + plan.sourceRelation() + " t";
  }

  public String selectTargetKeys() {
    return "SELECT " + texts("", plan.keyColumns()) + " FROM " + plan.target().fromSql();
  }

  /** Which of a batch of keys (ordinal n) are missing on the source: rows mirror deletes. Binds the key batch. */
  public String missingOnSource() {
    return "SELECT u.n FROM " + new Params().unnest(plan.key(), true)
        + " WHERE NOT EXISTS (SELECT 1 FROM " + plan.sourceRelation() + " s WHERE "
        + joinOn("s", plan.keyColumns()) + ")";
  }

  /** Whole source rows (as {@link #selectSource()}) for a batch of keys. Binds the key batch. */
  public String selectSourceByKeys() {
    return "SELECT " + texts("t.", plan.columns()) + " FROM " + plan.sourceRelation() + " t" + byKeys();
  }

  /** {@link #selectSourceByKeys()} plus, as a last column, the row hash {@link #selectSourceWithDigest()} adds. */
  public String selectSourceByKeysWithDigest() {
    return selectSourceWithDigest() + byKeys();
  }

  /** The join that keeps only the rows of source alias {@code t} whose keys are in the bound key batch. */
  private String byKeys() {
    return " JOIN " + new Params().unnest(plan.key()) + " ON " + joinOn("t", plan.keyColumns());
  }

  /** Whole target rows (their written columns, as text, key first) for a batch of keys. Binds the key batch. */
  public String selectTargetByKeys() {
    return "SELECT " + texts("t.", plan.columns()) + " FROM " + plan.target().fromSql() + " t JOIN "
        + new Params().unnest(plan.key()) + " ON " + joinOn("t", plan.keyColumns());
  }

  /** The target's newest watermark, as text (null for an empty table or only NULL watermarks). */
  public String targetWatermark() {
    return "SELECT max(t." + plan.watermark().sql() + ")::text FROM " + plan.target().fromSql() + " t";
  }

  /** Keys (as text) of the source rows whose watermark is newer than the one parameter. */
  public String sourceKeysNewerThan() {
    Column w = plan.watermark();
    return "SELECT " + texts("t.", plan.keyColumns()) + " FROM " + plan.sourceRelation() + " t WHERE t." + w.sql()
        + " > " + new Params().next() + "::text::" + w.type();
  }
}
