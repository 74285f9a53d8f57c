package dev.ferry.sync;

import dev.ferry.catalog.Column;
import dev.ferry.catalog.ForeignKey;
import dev.ferry.catalog.TableName;
import dev.ferry.plan.TablePlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Every statement Ferry sends for one table. Values always travel as {@code text[]} parameters cast on the server
 * to the column's type; identifiers come from the catalog and are always quoted. Nothing a request carries is
 * concatenated into SQL.
 */
public final class TableSql {
  private final TablePlan plan;
  private final Map<TableName, TablePlan> plans;
  private final boolean fastHash;

  /**
   * @param fastHash both servers have {@code hash_record_extended} (PostgreSQL 14+): rows are hashed from their
   *                 values' binary form (see {@link #rowHash}), not from their text
   */
  public TableSql(TablePlan plan, Map<TableName, TablePlan> plans, boolean fastHash) {
    this.plan = plan;
    this.plans = plans;
    this.fastHash = fastHash;
  }

  // ---- reading the source

  /** Every written column as text, key first. */
  public String selectSource() {
    return "SELECT " + texts("", plan.columns()) + " FROM " + plan.source().fromSql();
  }

  /**
   * {@link #selectSource()} plus, as a last column, the row hash that {@link #digest} sums: the source's digest
   * comes with the rows the copy reads anyway, instead of from a second pass over the table.
   */
  public String selectSourceWithDigest() {
    DigestRow row = digestRow(true);
    return "SELECT " + texts("t.", plan.columns()) + ", " + rowHash(row) + "::text FROM " + plan.source().fromSql() + " t"
        + String.join("", row.joins());
  }

  /**
   * {@link #selectSource()} (with the digest column unless {@code digest} is false) in key order, after the key
   * given as the first {@code key} parameters if {@code resume}: the read of a checkpointed copy, which can start
   * again right after the last committed key. Only for keys without NULLs (a NULL would never compare greater).
   */
  public String selectSourceInKeyOrder(boolean digest, boolean resume) {
    List<Column> keys = plan.keyColumns();
    String select = digest ? selectSourceWithDigest()
        : "SELECT " + texts("t.", plan.columns()) + " FROM " + plan.source().fromSql() + " t";
    String after = !resume ? "" : " WHERE (" + keys.stream().map(c -> "t." + c.sql()).collect(Collectors.joining(", "))
        + ") > (" + IntStream.range(0, keys.size()).mapToObj(i -> "$" + (i + 1) + "::text::" + keys.get(i).type())
        .collect(Collectors.joining(", ")) + ")";
    return select + after + " ORDER BY " + keys.stream().map(c -> "t." + c.sql()).collect(Collectors.joining(", "));
  }

  /** Key and deferred (cycle) columns, for the second pass. */
  public String selectSourceLinks() {
    List<Column> cols = new ArrayList<>(plan.keyColumns());
    cols.addAll(plan.deferred());
    return "SELECT " + texts("", cols) + " FROM " + plan.source().fromSql();
  }

  public String selectTargetKeys() {
    return "SELECT " + texts("", plan.keyColumns()) + " FROM " + plan.target().fromSql();
  }

  /** Which of a batch of keys (ordinal n) are missing on the source: rows mirror deletes. */
  public String missingOnSource() {
    int k = plan.key();
    return "SELECT u.n FROM unnest(" + arrays(k) + ") WITH ORDINALITY AS u(" + params(k) + ", n)"
        + " WHERE NOT EXISTS (SELECT 1 FROM " + plan.source().fromSql() + " s WHERE "
        + joinOn("s", plan.keyColumns()) + ")";
  }

  public static String count(String fromSql) {
    return "SELECT count(*) FROM " + fromSql;
  }

  // ---- differential comparison (RangeDiff)

  /** Integer keys are cut into ranges by arithmetic; others by boundaries taken from the source. */
  public boolean integerRanges() {
    return switch (plan.keyColumns().get(0).type()) {
      case "smallint", "integer", "bigint" -> true;
      default -> false;
    };
  }

  /**
   * Which range a row falls in. Integer keys: {@code key / $1} (a width; never overflows), no boundaries needed.
   * Others: {@code width_bucket} over the boundaries {@code $1}, the key compared as text in the "C" collation
   * when it is collatable, so that both servers sort and bucket it alike whatever their own collations.
   */
  private String range() {
    Column k = plan.keyColumns().get(0);
    if (integerRanges()) {
      return "(t." + k.sql() + "::bigint / $1::bigint)";
    }
    return k.collatable() ? "width_bucket(t." + k.sql() + "::text COLLATE \"C\", $1::text[])"
        : "width_bucket(t." + k.sql() + ", rb.bounds)";
  }

  /**
   * For keys bucketed by typed boundaries: the boundaries converted once, as a FROM item. Written inline, the cast
   * ({@code $1::text[]::timestamptz[]}, stable, not foldable) ran for every row: 9 s for one no-op table.
   */
  private String bounds() {
    Column k = plan.keyColumns().get(0);
    return integerRanges() || k.collatable() ? "" : "(SELECT $1::text[]::" + k.type() + "[] AS bounds OFFSET 0) rb, ";
  }

  private String rangeExpr() {
    Column k = plan.keyColumns().get(0);
    return k.collatable() ? "t." + k.sql() + "::text COLLATE \"C\"" : "t." + k.sql();
  }

  /** Smallest and largest value of an integer range column. */
  public String rangeExtent() {
    Column k = plan.keyColumns().get(0);
    return "SELECT min(t." + k.sql() + ")::bigint, max(t." + k.sql() + ")::bigint FROM " + plan.source().fromSql() + " t";
  }

  /** Every {@code $1}-th value of the range column on the source, in order: the boundaries between ranges. */
  public String rangeBoundaries() {
    return "SELECT b::text FROM (SELECT " + rangeExpr() + " AS b, row_number() OVER (ORDER BY " + rangeExpr()
        + ") AS rn FROM " + plan.source().fromSql() + " t) s WHERE rn % $1 = 0 GROUP BY b ORDER BY b";
  }

  /**
   * Per range: row count and the exact sum of the rows' hashes. The hash is taken in a fenced subquery (OFFSET 0):
   * otherwise the planner, expecting a group per row, sorts whole rows (spilling them to disk) before the aggregate
   * hashes them; this way only (range, hash) pairs reach the grouping (3.5 s down to 1.4 s on 300k wide rows).
   */
  public String rangeDigests(boolean sourceSide) {
    DigestRow row = digestRow(sourceSide);
    return "SELECT r, count(*), sum(h)::text FROM (SELECT " + range() + " AS r, " + rowHash(row) + " AS h FROM "
        + bounds() + (sourceSide ? plan.source() : plan.target()).fromSql() + " t" + String.join("", row.joins())
        + " OFFSET 0) s GROUP BY r";
  }

  /**
   * Per range, for {@link Claims}: row count, the keys' hashes combined, and how many rows the claim does not cover
   * (see {@link #UNCOVERED}; horizon {@code $2}, transactions {@code $3}). Reads keys and row headers only, not the
   * columns the digest hashes. XOR combines the keys (cheaper than a sum): the two sides are subsets of one set of
   * verified keys, so with equal counts they differ only if some keys on each side XOR to the same 64 bits.
   */
  public String rangeChecks(boolean sourceSide) {
    return "SELECT r, count(*), bit_xor(k)::text, count(*) FILTER (WHERE u) FROM (SELECT " + range() + " AS r, "
        + keyHash() + " AS k, " + UNCOVERED + " AS u FROM " + horizon("$2", "$3") + ", " + bounds()
        + (sourceSide ? plan.source() : plan.target()).fromSql() + " t OFFSET 0) s GROUP BY r";
  }

  /** As {@link #rangeChecks}, for the whole table (horizon {@code $1}, transactions {@code $2}). */
  public String tableCheck(boolean sourceSide) {
    return "SELECT count(*), coalesce(bit_xor(" + keyHash() + "), 0)::text, count(*) FILTER (WHERE " + UNCOVERED
        + ") FROM " + horizon("$1", "$2") + ", " + (sourceSide ? plan.source() : plan.target()).fromSql() + " t";
  }

  private String keyHash() {
    if (plan.key() == 1 && integerRanges()) { // the common case, without building a record per row
      return "hashint8extended(t." + plan.keyColumns().get(0).sql() + "::bigint, 0)";
    }
    return "hashint8extended(hash_record_extended(ROW(" + plan.keyColumns().stream().map(TableSql::hashed)
        .collect(Collectors.joining(", ")) + "), 0), 0)";
  }

  /** The claim's horizon (a 32-bit transaction id, as text) and transactions (text[]), converted once, not per row. */
  private static String horizon(String xid, String xids) {
    return "(SELECT age(" + xid + "::text::xid) AS age, " + xids + "::text[]::xid[] AS xids OFFSET 0) h";
  }

  /**
   * Whether row version {@code t} was written at or after the horizon by a transaction not in the list. age() counts
   * back from the current transaction id modulo 2^32, so this holds across a wraparound of the 32-bit ids while the
   * horizon is less than 2^31 transactions old (Claims checks that). A negative age is a frozen row more than 2^31
   * transactions old (freezing keeps the original id): no visible row is younger than the current transaction.
   */
  private static final String UNCOVERED = "NOT (age(t.xmin) > h.age OR age(t.xmin) < 0 OR t.xmin = ANY(h.xids))";

  /** Key (as text) and hash of every row in the given ranges (the last parameter). */
  public String rangeRows(boolean sourceSide) {
    DigestRow row = digestRow(sourceSide);
    return "SELECT " + texts("t.", plan.keyColumns()) + ", " + rowHash(row) + "::text FROM " + bounds()
        + (sourceSide ? plan.source() : plan.target()).fromSql() + " t" + String.join("", row.joins())
        + " WHERE " + range() + " = ANY($2::bigint[])";
  }

  /**
   * As {@link #rangeRows}, for integer ranges given as inclusive key bounds: each range is an index range scan
   * instead of the whole table being read to pick out its rows. Only where an index leads with the range column
   * (see {@link #rangeIndexed}). The bounds are literals, not parameters, so that every read is planned with the
   * ranges it reads: a prepared statement's generic plan cannot see them and chose a parallel scan of a 900k-row
   * table against every range (174 s instead of 13 s for a re-sync at scale 3).
   */
  public String rangeRowsBounded(boolean sourceSide, long[] lo, long[] hi) {
    DigestRow row = digestRow(sourceSide);
    return "SELECT " + texts("t.", plan.keyColumns()) + ", " + rowHash(row) + "::text FROM unnest('"
        + bigints(lo) + "'::bigint[], '" + bigints(hi) + "'::bigint[]) AS b(lo, hi) JOIN "
        + (sourceSide ? plan.source() : plan.target()).fromSql() + " t ON t." + plan.keyColumns().get(0).sql()
        + " BETWEEN b.lo AND b.hi" + String.join("", row.joins());
  }

  /** An array literal of numbers (nothing to quote or escape). */
  private static String bigints(long[] values) {
    return java.util.Arrays.stream(values).mapToObj(Long::toString).collect(Collectors.joining(",", "{", "}"));
  }

  /** Whether that side has a valid, whole-table btree index whose first column is the range column. */
  public boolean rangeIndexed(boolean sourceSide) {
    String first = plan.keyColumns().get(0).name();
    return integerRanges() && (sourceSide ? plan.source() : plan.target()).indexes().stream()
        .anyMatch(i -> i.valid() && !i.partial() && !i.expression() && !i.columns().isEmpty()
            && first.equals(i.columns().get(0)) && i.definition().contains(" USING btree "));
  }

  /** The target's newest watermark, as text (null for an empty table or only NULL watermarks). */
  public String targetWatermark() {
    return "SELECT max(t." + plan.watermark().sql() + ")::text FROM " + plan.target().fromSql() + " t";
  }

  /** Keys (as text) of the source rows whose watermark is newer than {@code $1}. */
  public String sourceKeysNewerThan() {
    Column w = plan.watermark();
    return "SELECT " + texts("t.", plan.keyColumns()) + " FROM " + plan.source().fromSql() + " t WHERE t." + w.sql()
        + " > $1::text::" + w.type();
  }

  /** Whole source rows (as {@link #selectSource()}) for a batch of keys. */
  public String selectSourceByKeys() {
    int k = plan.key();
    return "SELECT " + texts("t.", plan.columns()) + " FROM " + plan.source().fromSql() + " t JOIN unnest(" + arrays(k)
        + ") AS u(" + params(k) + ") ON " + joinOn("t", plan.keyColumns());
  }

  // ---- writing the target

  /**
   * The upsert. Rows are first compared with the target on the server (text of every value), and only rows that
   * are new or differ reach the INSERT: unchanged rows are neither locked nor written, so they make no WAL.
   * Returns one row: (inserted, written); written minus inserted were updates.
   */
  public String upsert() {
    // Key columns are among the values only under a nondeterministic collation: their text can change while the
    // key still matches, and SET then writes the source's text.
    List<Column> values = plan.comparedColumns();
    String insert = "INSERT INTO " + plan.name().sql() + " AS t (" + insertColumns() + ")" + overriding()
        + " SELECT " + casts(plan.columns()) + deferredNulls() + " FROM changed u";
    String conflict = " ON CONFLICT (" + names(plan.keyColumns()) + ")" + (values.isEmpty()
        ? " DO NOTHING"
        : " DO UPDATE SET " + values.stream().map(c -> c.sql() + " = EXCLUDED." + c.sql()).collect(Collectors.joining(", "))
            + " WHERE " + rowText("t", values) + " IS DISTINCT FROM " + rowText("EXCLUDED", values));
    return "WITH u AS (SELECT * FROM unnest(" + arrays(plan.columns().size()) + ") AS u(" + params(plan.columns().size()) + ")),"
        + " changed AS (SELECT u.*, t." + plan.keyColumns().get(0).sql() + " IS NULL AS is_new FROM u LEFT JOIN "
        + plan.target().fromSql() + " t ON " + joinOn("t", plan.keyColumns()) + " WHERE " + differs() + "),"
        // RETURNING cannot see xmax on partitioned tables, so "new" comes from the comparison itself.
        + " w AS (" + insert + conflict + " RETURNING 1)"
        + " SELECT (SELECT count(*) FROM changed WHERE is_new) AS inserted, (SELECT count(*) FROM w) AS written";
  }

  /** The dry-run twin of {@link #upsert()}: the same comparison, counted instead of written. */
  public String upsertPreview() {
    return "WITH u AS (SELECT * FROM unnest(" + arrays(plan.columns().size()) + ") AS u(" + params(plan.columns().size()) + "))"
        + " SELECT count(*) FILTER (WHERE t." + plan.keyColumns().get(0).sql() + " IS NULL) AS inserted,"
        + " count(*) FILTER (WHERE t." + plan.keyColumns().get(0).sql() + " IS NOT NULL AND (" + differs() + ")) AS updated"
        + " FROM u LEFT JOIN " + plan.target().fromSql() + " t ON " + joinOn("t", plan.keyColumns());
  }

  /** Plain insert, for tables known to be empty inside this transaction (rebuild, keyless replace). */
  public String insert() {
    return "INSERT INTO " + plan.name().sql() + " (" + insertColumns() + ")" + overriding()
        + " SELECT " + casts(plan.columns()) + deferredNulls()
        + " FROM unnest(" + arrays(plan.columns().size()) + ") AS u(" + params(plan.columns().size()) + ")";
  }

  /** Second pass: set cycle columns on rows that exist by now, where they differ. */
  public String updateLinks() {
    int k = plan.key();
    List<Column> d = plan.deferred();
    String set = IntStream.range(0, d.size())
        .mapToObj(i -> d.get(i).sql() + " = u.p" + (k + i + 1) + "::" + d.get(i).type())
        .collect(Collectors.joining(", "));
    return "WITH u AS (SELECT * FROM unnest(" + arrays(k + d.size()) + ") AS u(" + params(k + d.size()) + "))"
        + " UPDATE " + plan.target().fromSql() + " AS t SET " + set + " FROM u WHERE " + joinOn("t", plan.keyColumns())
        + " AND " + rowText("t", d) + " IS DISTINCT FROM " + rowParams(k, d.size());
  }

  public String updateLinksPreview() {
    int k = plan.key();
    List<Column> d = plan.deferred();
    return "SELECT count(*) FROM unnest(" + arrays(k + d.size()) + ") AS u(" + params(k + d.size()) + ")"
        + " JOIN " + plan.target().fromSql() + " t ON " + joinOn("t", plan.keyColumns())
        + " WHERE " + rowText("t", d) + " IS DISTINCT FROM " + rowParams(k, d.size());
  }

  public String deleteByKeys() {
    int k = plan.key();
    return "DELETE FROM " + plan.target().fromSql() + " t USING unnest(" + arrays(k) + ") AS u(" + params(k) + ")"
        + " WHERE " + joinOn("t", plan.keyColumns());
  }

  public String deleteAll() {
    return "DELETE FROM " + plan.target().fromSql();
  }

  // ---- validation

  /**
   * Row count and an order-independent digest: the exact sum of every row's {@link #rowHash}. Foreign keys into
   * natural-key tables are hashed as the referenced row's natural key, so remapped ids compare equal.
   */
  public String digest(boolean sourceSide) {
    DigestRow row = digestRow(sourceSide);
    return "SELECT count(*) AS n, coalesce(sum(" + rowHash(row) + "), 0)::text AS digest FROM "
        + (sourceSide ? plan.source() : plan.target()).fromSql() + " t" + String.join("", row.joins());
  }

  /**
   * A row's 64-bit hash, the same on both servers for equal rows. With PostgreSQL 14+ on both sides it is
   * {@code hash_record_extended} over the values themselves, which skips rendering them as text (five times
   * faster on jsonb-heavy rows); values whose hash equality is not text equality (enums hash their OIDs, numeric
   * ignores display scale, json and arrays, extension types) are hashed as text. Otherwise: 60 bits of the md5
   * of the row's text.
   */
  private String rowHash(DigestRow row) {
    String values = String.join(", ", fastHash ? row.values() : row.texts());
    // hash_record_extended combines columns linearly (31·h + c): summed over a range, values swapped between two
    // rows would cancel out. Hashing its result again scrambles it.
    return fastHash ? "hashint8extended(hash_record_extended(ROW(" + values + "), 0), 0)"
        : "('x' || left(md5(ROW(" + values + ")::text), 15))::bit(60)::bigint";
  }

  /**
   * How a column enters a row hash: its value where the type's hash function agrees with its text (see
   * {@link #hashesLikeText}), else its text. Collatable values are hashed in the "C" collation: text hashes follow
   * the collation, and under a nondeterministic one 'abc' and 'ABC' hash alike; a text cast keeps the column's
   * collation (an array or domain of such text too), so it needs the same.
   */
  static String hashed(Column c) {
    String value = hashesLikeText(c.type()) ? "t." + c.sql() : "t." + c.sql() + "::text";
    return c.collatable() || !hashesLikeText(c.type()) ? value + C : value;
  }

  private static final String C = " COLLATE \"C\"";

  /**
   * Types whose hash function agrees with their text: equal hash input exactly when equal text output. Not jsonb
   * (its hash ignores numeric scale: 1.5 and 1.50), numeric without a typmod (the same), enums (OIDs), json,
   * arrays (their bounds), composites, ranges, domains and extension types: all hashed as their text. See the hash
   * audit in docs/architecture.md.
   */
  static boolean hashesLikeText(String type) {
    return switch (type) {
      case "smallint", "integer", "bigint", "boolean", "text", "uuid", "bytea", "date",
          "timestamp without time zone", "timestamp with time zone", "time without time zone",
          "character varying", "character" -> true;
      default -> !type.endsWith("]") && (type.startsWith("character varying(") || type.startsWith("character(")
          || type.startsWith("numeric(")); // a typmod fixes the scale; arrays hash without their bounds
    };
  }

  /**
   * What a row's hash is made of: each column (its text unless it hashes like its text), remapped keys as their
   * parent's natural key. {@code texts} are the same values all as text, for the md5 fallback.
   */
  private record DigestRow(List<String> values, List<String> texts, List<String> joins) {}

  private DigestRow digestRow(boolean sourceSide) {
    List<String> values = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    List<String> joins = new ArrayList<>();
    List<Column> all = new ArrayList<>(plan.columns());
    all.addAll(plan.deferred());
    for (Column c : all) {
      TableName parent = plan.mapped().get(c.name());
      TablePlan parentPlan = parent == null ? null : plans.get(parent);
      if (parentPlan == null) {
        texts.add("t." + c.sql() + "::text");
        values.add(hashed(c));
        continue;
      }
      String alias = "m" + joins.size();
      joins.add(" LEFT JOIN " + (sourceSide ? parentPlan.source() : parentPlan.target()).fromSql() + " " + alias
          + " ON " + alias + "." + TableName.quote(parentPlan.idColumn()) + " = t." + c.sql());
      // A one-column natural key is hashed as its text; a record's text costs a record_out per row.
      List<Column> natural = parentPlan.keyColumns();
      texts.add(natural.size() == 1 ? alias + "." + natural.get(0).sql() + "::text" : rowText(alias, natural) + "::text");
      values.add(texts.get(texts.size() - 1) + C);
    }
    return new DigestRow(values, texts, joins);
  }

  public static String orphans(ForeignKey fk, String childFrom) {
    String notNull = fk.columns().stream().map(c -> "c." + TableName.quote(c) + " IS NOT NULL")
        .collect(Collectors.joining(" AND "));
    String match = IntStream.range(0, fk.columns().size())
        .mapToObj(i -> "p." + TableName.quote(fk.refColumns().get(i)) + " = c." + TableName.quote(fk.columns().get(i)))
        .collect(Collectors.joining(" AND "));
    return "SELECT count(*) FROM " + childFrom + " c WHERE " + notNull
        + " AND NOT EXISTS (SELECT 1 FROM " + fk.refTable().sql() + " p WHERE " + match + ")";
  }

  // ---- fragments

  private String differs() {
    String missing = "t." + plan.keyColumns().get(0).sql() + " IS NULL";
    List<Column> values = plan.comparedColumns();
    if (values.isEmpty()) {
      return missing;
    }
    return missing + " OR " + rowText("t", values) + " IS DISTINCT FROM " + rowParams(values);
  }

  private String insertColumns() {
    List<Column> cols = new ArrayList<>(plan.columns());
    cols.addAll(plan.deferred());
    return names(cols);
  }

  private String deferredNulls() {
    return plan.deferred().stream().map(c -> ", NULL").collect(Collectors.joining());
  }

  private String overriding() {
    return plan.columns().stream().anyMatch(Column::identityAlways) ? " OVERRIDING SYSTEM VALUE" : "";
  }

  private static String texts(String alias, List<Column> cols) {
    return cols.stream().map(c -> alias + c.sql() + "::text").collect(Collectors.joining(", "));
  }

  private static String names(List<Column> cols) {
    return cols.stream().map(Column::sql).collect(Collectors.joining(", "));
  }

  private static String casts(List<Column> cols) {
    return IntStream.range(0, cols.size()).mapToObj(i -> "u.p" + (i + 1) + "::" + cols.get(i).type())
        .collect(Collectors.joining(", "));
  }

  private static String joinOn(String alias, List<Column> keys) {
    return IntStream.range(0, keys.size())
        .mapToObj(i -> alias + "." + keys.get(i).sql() + " = u.p" + (i + 1) + "::" + keys.get(i).type())
        .collect(Collectors.joining(" AND "));
  }

  /** The columns' text, compared byte for byte ("C"): under a column's own collation 'abc' may equal 'ABC'. */
  private static String rowText(String alias, List<Column> cols) {
    return "ROW(" + cols.stream().map(c -> alias + "." + c.sql() + "::text" + C).collect(Collectors.joining(", ")) + ")";
  }

  /** ROW(u.p{from+1}, …) over {@code n} parameters following the first {@code from}. */
  private static String rowParams(int from, int n) {
    return "ROW(" + IntStream.range(0, n).mapToObj(i -> "u.p" + (from + i + 1)).collect(Collectors.joining(", ")) + ")";
  }

  /** ROW(u.pN, …) of the parameters that carry these columns of the plan's. */
  private String rowParams(List<Column> cols) {
    return "ROW(" + cols.stream().map(c -> "u.p" + (plan.columns().indexOf(c) + 1)).collect(Collectors.joining(", ")) + ")";
  }

  private static String arrays(int n) {
    return joinIndexed(n, i -> "$" + i + "::text[]");
  }

  private static String params(int n) {
    return joinIndexed(n, i -> "p" + i);
  }

  private static String joinIndexed(int n, IntFunction<String> f) {
    return IntStream.rangeClosed(1, n).mapToObj(f).collect(Collectors.joining(", "));
  }
}
