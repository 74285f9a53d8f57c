package dev.ferry.sync;

import dev.ferry.plan.TablePlan;
import dev.ferry.statements.RangeStatements;
import dev.ferry.statements.TableStatements;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collector;

/**
 * A claimed table checked per key range in the scan that counts it, when a sample of its pages on either side (0.1%,
 * and its last pages) holds rows written since the claim: the comparison reads those ranges next anyway, and reading
 * them with the count saves a whole scan of each side (the whole-table check). A table the sample finds untouched
 * gets the whole-table check, the cheaper one when nothing changed; if the sample missed a change, the comparison
 * reads the ranges after it, as it always did. The sample chooses between two checks that prove the same thing,
 * never what is proven.
 */
record RangeCheck(List<Object> cut, int rowsPerRange, Side source, Side target) {
  /** Tables estimated smaller than this get the whole-table check: both checks are quick, the sample is not free. */
  private static final long MIN_ROWS = 50_000;
  /**
   * The last pages the sample reads whole besides: a table without free space (never vacuumed, say) takes every new
   * row version there, and a day's changes to a few percent of a large table fill more than this.
   */
  private static final long TAIL_PAGES = 1_024;

  /**
   * One side's ranges in range order, as arrays (a large table has 200,000: boxed, in maps and a sorted set, they
   * took ~1 s of client time to compare): each range's number, rows, XOR of the key hashes, rows the claim does not
   * cover, the least and greatest of their keys, and the XOR of all its keys themselves (one-column integer keys;
   * else 0). Filled row by row as the rows are decoded ({@link #COLLECTOR}), so that a side's 200,000 rows of boxed
   * values are not all kept until the last arrives (~40 MB, beyond the young generation's survivor space).
   */
  static final class Side {
    static final Collector<Row, Side, Side> COLLECTOR = Collector.of(Side::new, Side::add, (a, b) -> {
      throw new IllegalStateException("one result, one side");
    });

    int size;
    long[] range = new long[1024];
    long[] rows = new long[1024];
    long[] keys = new long[1024];
    long[] uncovered = new long[1024];
    long[] keyXor = new long[1024];
    private long[] least = new long[1024];
    private long[] greatest = new long[1024];

    private void add(Row r) {
      if (size == range.length) {
        int n = size * 2;
        range = Arrays.copyOf(range, n);
        rows = Arrays.copyOf(rows, n);
        keys = Arrays.copyOf(keys, n);
        uncovered = Arrays.copyOf(uncovered, n);
        keyXor = Arrays.copyOf(keyXor, n);
        least = Arrays.copyOf(least, n);
        greatest = Arrays.copyOf(greatest, n);
      }
      range[size] = r.getLong(0);
      rows[size] = r.getLong(1);
      keys[size] = r.getLong(2);
      uncovered[size] = r.getLong(3);
      Long first = r.getLong(4);
      Long last = r.getLong(5);
      keyXor[size] = r.getLong(6);
      least[size] = first == null ? 0 : first;
      greatest[size] = last == null ? 0 : last;
      size++;
    }

    /**
     * The keys of range {@code i}'s rows the claim does not cover, or null when they are not all known (more than
     * two, or a key other than one integer column).
     */
    long[] touched(int i, boolean keyed) {
      long n = uncovered[i];
      if (n == 0) {
        return new long[0];
      }
      if (!keyed || n > 2) {
        return null;
      }
      return n == 1 || least[i] == greatest[i] ? new long[] {least[i]} : new long[] {least[i], greatest[i]};
    }

    private long rows() {
      return Arrays.stream(rows, 0, size).sum();
    }

    private long uncovered() {
      return Arrays.stream(uncovered, 0, size).sum();
    }

    /** XOR of the ranges' XORs, as text like {@code bit_xor(...)::text}: 0 for no rows. */
    private String keys() {
      long x = 0;
      for (int i = 0; i < size; i++) {
        x ^= keys[i];
      }
      return Long.toString(x);
    }
  }

  /** The per-range check of a table the sample shows touched since the claim; empty where the whole check serves. */
  static Future<Optional<RangeCheck>> ifTouched(RunContext ctx, TablePlan plan, Claims.Claim claim) {
    TableStatements sql = ctx.sql(plan);
    if (!plan.keyed() || !sql.ranges().integerRanges()) {
      return Future.succeededFuture(Optional.empty());
    }
    // A sample that fails only loses the hint: the whole-table check runs, and reports what is wrong.
    Future<Sample> s = ctx.snapshot.read(c -> sample(c, sql, true, plan.source().name().sql(), claim.params(true)))
        .otherwise(Sample.NONE);
    Future<Sample> t = sample(ctx.target.pool(), sql, false, plan.target().name().sql(), claim.params(false))
        .otherwise(Sample.NONE);
    return Future.all(s, t).compose(v -> {
      Long estimate = s.result().estimate();
      return estimate != null && estimate >= MIN_ROWS && (s.result().touched() || t.result().touched())
          ? read(ctx, sql, claim, estimate).map(Optional::of) : Future.succeededFuture(Optional.empty());
    });
  }

  /** One side's estimate of the table's rows, and whether its sample found rows written since the claim. */
  private record Sample(Long estimate, boolean touched) {
    static final Sample NONE = new Sample(null, false);
  }

  private static Future<Sample> sample(SqlClient db, TableStatements sql, boolean sourceSide, String table,
      List<Object> claimParams) {
    return db.preparedQuery(RangeStatements.TABLE_SIZE).execute(Tuple.of(table)).compose(rs -> {
      if (rs.size() == 0) {
        return Future.succeededFuture(Sample.NONE);
      }
      Row size = rs.iterator().next();
      Long estimate = size.getLong(2);
      if (estimate == null || estimate < MIN_ROWS) {
        return Future.succeededFuture(new Sample(estimate, false));
      }
      boolean tail = Boolean.TRUE.equals(size.getBoolean(0));
      List<Object> args = new ArrayList<>(claimParams);
      if (tail) {
        args.add("(" + Math.max(0, size.getLong(1) - TAIL_PAGES) + ",0)");
      }
      return db.preparedQuery(sql.ranges().sampleTouched(sourceSide, tail)).execute(Tuple.from(args))
          .map(r -> new Sample(estimate, r.iterator().next().getBoolean(0)));
    });
  }

  private static Future<RangeCheck> read(RunContext ctx, TableStatements sql, Claims.Claim claim, long estimate) {
    int rowsPerRange = RangeDiff.rowsPerRange(estimate);
    return ctx.snapshot.read(src -> RangeDiff.integerCut(src, sql, estimate, rowsPerRange))
        .compose(cut -> read(ctx, sql, claim, cut, rowsPerRange));
  }

  /** Both sides' ranges of the given cut, checked against the claim at once. */
  static Future<RangeCheck> read(RunContext ctx, TableStatements sql, Claims.Claim claim, List<Object> cut,
      int rowsPerRange) {
    Future<Side> s = ctx.snapshot.read(src -> read(src, sql.ranges().rangeChecks(true), cut, claim.params(true)));
    Future<Side> t = read(ctx.target.pool(), sql.ranges().rangeChecks(false), cut, claim.params(false));
    return Future.all(s, t).map(v -> new RangeCheck(cut, rowsPerRange, s.result(), t.result()));
  }

  /** One side's ranges as {@code rangeChecks} returns them: the cut first, then the claim's parameters. */
  private static Future<Side> read(SqlClient db, String query, List<Object> cut, List<Object> claimParams) {
    List<Object> args = new ArrayList<>(cut);
    args.addAll(claimParams);
    return db.preparedQuery(query).collecting(Side.COLLECTOR).execute(Tuple.from(args)).map(SqlResult::value);
  }

  /** The whole table's check, summed from the ranges: what {@code tableCheck} would have returned. */
  Claims.TableCheck total() {
    return new Claims.TableCheck(source.rows(), source.keys(), source.uncovered(), target.rows(), target.keys(),
        target.uncovered(), this);
  }
}
