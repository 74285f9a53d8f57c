package dev.ferry.statements;

import static dev.ferry.statements.Fragments.texts;

import dev.ferry.catalog.Column;
import dev.ferry.plan.TablePlan;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The differential comparison's statements (sync.RangeDiff) and the claims' checks (sync.Claims). The key's first
 * column is cut into ranges: integer keys by arithmetic on a width, others by boundaries taken from the source. That
 * cut is every range statement's first parameter.
 */
public final class RangeStatements {
  private final TablePlan plan;
  private final DigestStatements digests;

  RangeStatements(TablePlan plan, DigestStatements digests) {
    this.plan = plan;
    this.digests = digests;
  }

  /** Integer keys are cut into ranges by arithmetic; others by boundaries taken from the source. */
  public boolean integerRanges() {
    return switch (plan.keyColumns().get(0).type()) {
      case "smallint", "integer", "bigint" -> true;
      default -> false;
    };
  }

  /** Smallest and largest value of an integer range column. */
  public String rangeExtent() {
    Column k = plan.keyColumns().get(0);
    return "SELECT min(t." + k.sql() + ")::bigint, max(t." + k.sql() + ")::bigint FROM " + plan.sourceRelation() + " t";
  }

  /** Every n-th value (the one parameter) of the range column on the source, in order: the boundaries. */
  public String rangeBoundaries() {
    return "SELECT b::text FROM (SELECT " + rangeExpr() + " AS b, row_number() OVER (ORDER BY " + rangeExpr()
        + ") AS rn FROM " + plan.sourceRelation() + " t) s WHERE rn % " + new Params().next() + " = 0 GROUP BY b ORDER BY b";
  }

  /**
   * Per range: row count and the exact sum of the rows' hashes. Binds the cut. The hash is taken in a fenced
   * subquery (OFFSET 0): otherwise the planner, expecting a group per row, sorts whole rows (spilling them to disk)
   * before the aggregate hashes them; this way only (range, hash) pairs reach the grouping (3.5 s down to 1.4 s on
   * 300k wide rows).
   */
  public String rangeDigests(boolean sourceSide) {
    String cut = new Params().next();
    DigestStatements.HashedRow row = digests.hashedRow(sourceSide);
    return "SELECT r, count(*), sum(h)::text FROM (SELECT " + range(cut) + " AS r, " + row.hash() + " AS h FROM "
        + bounds(cut) + (sourceSide ? plan.sourceRelation() : plan.target().fromSql()) + " t" + row.joins()
        + " OFFSET 0) s GROUP BY r";
  }

  /**
   * Per range, in range order, for claims: row count, the keys' hashes combined, how many rows the claim does not cover
   * (see {@link #UNCOVERED}) and, for a one-column integer key, the least and greatest of their keys (else null): all
   * of them where there are at most two, the common case; and the XOR of those keys themselves (else 0), which names
   * the one key a side has more when the counts differ by one (see sync.RangeDiff). Binds the cut, the claim's horizon
   * and its transactions.
   * Reads keys and row headers only, not the columns the digest hashes. XOR combines the keys (cheaper than a sum):
   * the two sides are subsets of one set of verified keys, so with equal counts they differ only if some keys on each
   * side XOR to the same 64 bits. No per-range arrays: each aggregates in a memory context of its own (8 KB), and
   * 45,000 touched ranges spilled the grouping to disk (2.83 s for 3M rows against 2.24 s with least and greatest).
   */
  public String rangeChecks(boolean sourceSide) {
    Params params = new Params();
    String cut = params.next();
    String horizon = horizon(params.next(), params.next());
    boolean keys = plan.key() == 1 && integerRanges();
    String key = keys ? ", t." + plan.keyColumns().get(0).sql() + "::bigint AS i" : "";
    return "SELECT r, count(*), bit_xor(k), count(*) FILTER (WHERE u), "
        + (keys ? "min(i) FILTER (WHERE u), max(i) FILTER (WHERE u), bit_xor(i)" : "NULL::bigint, NULL::bigint, 0::bigint")
        + " FROM (SELECT "
        + range(cut) + " AS r, " + keyHash() + " AS k, " + UNCOVERED + " AS u" + key + " FROM " + horizon + ", "
        + bounds(cut) + (sourceSide ? plan.sourceRelation() : plan.target().fromSql()) + " t OFFSET 0) s GROUP BY r"
        + " ORDER BY r";
  }

  /**
   * The key hash {@link #rangeChecks} XORs, of each key of a one-column integer key given as the one parameter
   * (bigint[]), in order: what a range's XOR would lose or gain with that key.
   */
  public static final String KEY_HASHES = "SELECT hashint8extended(k, 0) FROM unnest($1::bigint[]) WITH ORDINALITY"
      + " u(k, n) ORDER BY n";

  /** As {@link #rangeChecks}, for the whole table. Binds the claim's horizon and its transactions. */
  public String tableCheck(boolean sourceSide) {
    Params params = new Params();
    return "SELECT count(*), coalesce(bit_xor(" + keyHash() + "), 0)::text, count(*) FILTER (WHERE " + UNCOVERED
        + ") FROM " + horizon(params.next(), params.next()) + ", "
        + (sourceSide ? plan.sourceRelation() : plan.target().fromSql()) + " t";
  }

  /**
   * Whether a row version the claim does not cover lies in a sample of 0.1% of the table's pages or, with {@code tail},
   * from the page given as a third parameter ({@code (page,0)}, a tid) on: where a table without free space takes new
   * versions. A hint, never a proof, of which check to run (see sync.RangeCheck). Reads the table itself, masked or
   * not (the masking passes row versions through unchanged). Binds the claim's horizon and its transactions.
   */
  public String sampleTouched(boolean sourceSide, boolean tail) {
    Params params = new Params();
    String h = horizon(params.next(), params.next());
    String table = sourceSide ? plan.source().fromSql() : plan.target().fromSql();
    return "SELECT EXISTS (SELECT 1 FROM " + h + ", " + table + " t TABLESAMPLE SYSTEM (0.1) WHERE " + UNCOVERED + ")"
        + (!tail ? "" : " OR EXISTS (SELECT 1 FROM " + h + ", " + table + " t WHERE t.ctid >= " + params.next()
            + "::text::tid AND " + UNCOVERED + ")");
  }

  /**
   * Of the table whose quoted name is the one parameter: whether the server reads a table from a tid on without
   * scanning it whole (PostgreSQL 14+), its pages now, and the planner's estimate of its rows now (null without
   * statistics; as {@link ReadStatements#ESTIMATES}).
   */
  public static final String TABLE_SIZE = "SELECT current_setting('server_version_num')::int >= 140000, p.pages,"
      + " CASE WHEN c.relpages > 0 AND c.reltuples >= 0 THEN round(c.reltuples / c.relpages * p.pages)::int8 END"
      + " FROM pg_class c, LATERAL (SELECT pg_relation_size(c.oid) / current_setting('block_size')::int AS pages) p"
      + " WHERE c.oid = to_regclass($1)";

  /** Key (as text) and hash of every row in the given ranges. Binds the cut and the ranges (bigint[]). */
  public String rangeRows(boolean sourceSide) {
    Params params = new Params();
    String cut = params.next();
    DigestStatements.HashedRow row = digests.hashedRow(sourceSide);
    return "SELECT " + texts("t.", plan.keyColumns()) + ", " + row.hash() + "::text FROM " + bounds(cut)
        + (sourceSide ? plan.sourceRelation() : plan.target().fromSql()) + " t" + row.joins()
        + " WHERE " + range(cut) + " = ANY(" + params.next() + "::bigint[])";
  }

  /**
   * As {@link #rangeRows}, for integer ranges given as inclusive key bounds: each range is an index range scan
   * instead of the whole table being read to pick out its rows. Only where an index leads with the range column
   * (see {@link #rangeIndexed}). The bounds are literals, not parameters, so that every read is planned with the
   * ranges it reads: a prepared statement's generic plan cannot see them and chose a parallel scan of a 900k-row
   * table against every range (174 s instead of 13 s for a re-sync at scale 3).
   */
  public String rangeRowsBounded(boolean sourceSide, long[] lo, long[] hi) {
    DigestStatements.HashedRow row = digests.hashedRow(sourceSide);
    return "SELECT " + texts("t.", plan.keyColumns()) + ", " + row.hash() + "::text FROM "
        + bounded(sourceSide, lo, hi) + row.joins();
  }

  /**
   * The rows of each key range, as {@code t}: a lateral scan per range. Written as a join instead, the ranges' rows
   * are estimated at a ninth of the table per range, and the planner scans the whole table against every range
   * (a re-sync at scale 10 spent minutes per batch); per range, the estimate is small enough for the index. The
   * subquery passes each row's {@code xmin} on (a pull's masked relation already does).
   */
  private String bounded(boolean sourceSide, long[] lo, long[] hi) {
    return "unnest('" + bigints(lo) + "'::bigint[], '" + bigints(hi) + "'::bigint[]) AS b(lo, hi), LATERAL "
        + scan(sourceSide, "t." + plan.keyColumns().get(0).sql() + " BETWEEN b.lo AND b.hi");
  }

  /** The rows of that side matching {@code where}, as {@code t}, each with its {@code xmin}. */
  private String scan(boolean sourceSide, String where) {
    String relation = sourceSide ? plan.sourceRelation() : plan.target().fromSql();
    boolean passesXmin = sourceSide && !relation.equals(plan.source().fromSql());
    return "(SELECT t.*" + (passesXmin ? "" : ", t.xmin AS xmin") + " FROM " + relation + " t WHERE " + where
        + " OFFSET 0) t";
  }

  /**
   * As {@link #rangeRows}, with two flags after the hash: {@code u}, the row is newer than a claim (see
   * {@link #UNCOVERED}), and {@code p}, besides, no Ferry transaction wrote it: a production edit when on the target.
   * Binds the cut, the ranges, the claim's horizon, its transactions and every transaction Ferry wrote the table with.
   */
  public String rangeRowsFlagged(boolean sourceSide) {
    Params params = new Params();
    String cut = params.next();
    String ranges = params.next();
    String horizon = flagHorizon(params.next(), params.next(), params.next());
    DigestStatements.HashedRow row = digests.hashedRow(sourceSide);
    return "SELECT " + texts("t.", plan.keyColumns()) + ", " + row.hash() + "::text, " + FLAGS + " FROM " + horizon
        + ", " + bounds(cut) + (sourceSide ? plan.sourceRelation() : plan.target().fromSql()) + " t" + row.joins()
        + " WHERE " + range(cut) + " = ANY(" + ranges + "::bigint[])";
  }

  /**
   * As {@link #rangeRowsBounded} with the flags of {@link #rangeRowsFlagged}; the horizon and the transaction ids are
   * literals too (numbers only, checked), so that every read is planned with its ranges.
   */
  public String rangeRowsBoundedFlagged(boolean sourceSide, long[] lo, long[] hi, String xmin, String[] covered,
      String[] ferry) {
    DigestStatements.HashedRow row = digests.hashedRow(sourceSide);
    String horizon = flagHorizon("'" + number(xmin) + "'", "'" + numbers(covered) + "'", "'" + numbers(ferry) + "'");
    return "SELECT " + texts("t.", plan.keyColumns()) + ", " + row.hash() + "::text, " + FLAGS + " FROM " + horizon
        + ", " + bounded(sourceSide, lo, hi) + row.joins();
  }

  /**
   * As {@link #rangeRowsBoundedFlagged}, for the rows with the given keys (a one-column integer key): the rows a
   * range's check found touched since a claim, on both sides.
   */
  public String keyedRowsFlagged(boolean sourceSide, long[] keys, String xmin, String[] covered, String[] ferry) {
    DigestStatements.HashedRow row = digests.hashedRow(sourceSide);
    String horizon = flagHorizon("'" + number(xmin) + "'", "'" + numbers(covered) + "'", "'" + numbers(ferry) + "'");
    return "SELECT " + texts("t.", plan.keyColumns()) + ", " + row.hash() + "::text, " + FLAGS + " FROM " + horizon
        + ", " + scan(sourceSide, "t." + plan.keyColumns().get(0).sql() + " = ANY('" + bigints(keys) + "'::bigint[])")
        + row.joins();
  }

  /** {@link #horizon} plus the transactions Ferry wrote the table with since (a superset of the claim's). */
  private static String flagHorizon(String xid, String xids, String ferry) {
    return "(SELECT age(" + xid + "::text::xid) AS age, " + xids + "::text[]::xid[] AS xids, " + ferry
        + "::text[]::xid[] AS ferry OFFSET 0) h";
  }

  private static String number(String s) {
    if (!s.matches("[0-9]{1,20}")) {
      throw new IllegalArgumentException("not a transaction id: " + s);
    }
    return s;
  }

  private static String numbers(String[] values) {
    return Arrays.stream(values).map(RangeStatements::number).collect(Collectors.joining(",", "{", "}"));
  }

  /** Whether that side has a valid, whole-table btree index whose first column is the range column. */
  public boolean rangeIndexed(boolean sourceSide) {
    String first = plan.keyColumns().get(0).name();
    return integerRanges() && (sourceSide ? plan.source() : plan.target()).indexes().stream()
        .anyMatch(i -> i.valid() && !i.partial() && !i.expression() && !i.columns().isEmpty()
            && first.equals(i.columns().get(0)) && i.definition().contains(" USING btree "));
  }

  /**
   * Which range a row falls in. Integer keys: {@code key / cut} (a width; never overflows), no boundaries needed.
   * Others: {@code width_bucket} over the boundaries, the key compared as text in the "C" collation when it is
   * collatable, so that both servers sort and bucket it alike whatever their own collations.
   */
  private String range(String cut) {
    Column k = plan.keyColumns().get(0);
    if (integerRanges()) {
      return "(t." + k.sql() + "::bigint / " + cut + "::bigint)";
    }
    return k.collatable() ? "width_bucket(t." + k.sql() + "::text COLLATE \"C\", " + cut + "::text[])"
        : "width_bucket(t." + k.sql() + ", rb.bounds)";
  }

  /**
   * For keys bucketed by typed boundaries: the boundaries converted once, as a FROM item. Written inline, the cast
   * ({@code $1::text[]::timestamptz[]}, stable, not foldable) ran for every row: 9 s for one no-op table.
   */
  private String bounds(String cut) {
    Column k = plan.keyColumns().get(0);
    return integerRanges() || k.collatable() ? "" : "(SELECT " + cut + "::text[]::" + k.type() + "[] AS bounds OFFSET 0) rb, ";
  }

  private String rangeExpr() {
    Column k = plan.keyColumns().get(0);
    return k.collatable() ? "t." + k.sql() + "::text COLLATE \"C\"" : "t." + k.sql();
  }

  private String keyHash() {
    if (plan.key() == 1 && integerRanges()) { // the common case, without building a record per row
      return "hashint8extended(t." + plan.keyColumns().get(0).sql() + "::bigint, 0)";
    }
    return "hashint8extended(hash_record_extended(ROW(" + plan.keyColumns().stream().map(DigestStatements::hashed)
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

  /**
   * Of any table ({@code fromSql}), {@code selected} for each row written after a claim's horizon by a transaction not
   * in the list, as {@link #tableCheck} counts them. Binds the horizon and the transactions.
   */
  public static String writtenSince(String fromSql, String selected, int limit) {
    Params params = new Params();
    return "SELECT " + selected + " FROM " + fromSql + " t, " + horizon(params.next(), params.next()) + " WHERE "
        + UNCOVERED + " LIMIT " + limit;
  }

  /** The flags of {@link #rangeRowsFlagged}. */
  private static final String FLAGS = UNCOVERED + " AS u, " + UNCOVERED + " AND NOT t.xmin = ANY(h.ferry) AS p";

  /** An array literal of numbers (nothing to quote or escape). */
  private static String bigints(long[] values) {
    return Arrays.stream(values).mapToObj(Long::toString).collect(Collectors.joining(",", "{", "}"));
  }
}
