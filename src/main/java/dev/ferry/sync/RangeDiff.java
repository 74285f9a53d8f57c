package dev.ferry.sync;

import dev.ferry.config.TargetTriggers;
import dev.ferry.plan.TablePlan;
import dev.ferry.progress.ProgressEvent;
import dev.ferry.statements.RangeStatements;
import dev.ferry.statements.TableStatements;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Finds the rows of a keyed table that differ between source and target without moving the rows themselves. The
 * key's first column is cut into ranges of about {@link #rowsPerRange} rows (boundaries from the source); both
 * servers sum their rows' hashes per range at once; only ranges whose count or sum differ are read again, as
 * (key, hash) per row, to name the rows that are new, changed or gone. Remapped foreign keys are hashed as the
 * parent's natural key, so a remapped id is not a difference.
 * (Over 300 lines: one algorithm, cut, hash or check, descend, re-sum, whose steps share the cut and the ranges
 * found different.)
 */
final class RangeDiff {
  /** Rows read per round of the row-level pass: bounds the memory the comparison takes. */
  private static final int ROWS_PER_ROUND = 20_000;

  /**
   * What the comparison found, with the digests validation can reuse. {@code claimRun} is the verified run whose
   * claim let {@code ranges - differing} ranges go unhashed, or the whole table when {@code ranges} is 0 (null when
   * every range was hashed); the digests then cover the rows of the differing ranges only, on both sides alike, and
   * the counts every row; {@code targetDigest} is null where rows only the source changed went unread on the target.
   * {@code classified}: a claim was recorded for the table, so each difference says who made it (even where the claim
   * could not spare any hashing, a mapped parent's claim being from another run). {@code unhashed}: the keys (as
   * text) of rows only the source changed ({@link RowDifference#changedOnSource}), counted in {@code sourceDigest}
   * but not summed: the write that copies them adds their hashes.
   */
  record Result(List<RowDifference> differences, int ranges, int differing, long rowsCompared,
      StreamDigest sourceDigest, StreamDigest targetDigest, String claimRun, boolean classified,
      List<List<String>> keptEarlier, Set<String> unhashed) {}

  private record Range(long rows, String sum) {}

  /** What the row-level pass found, and the count and hash sum of the rows it read on each side. */
  private static final class Rows {
    final List<RowDifference> differences = new ArrayList<>();
    long sourceRows;
    long targetRows;
    /** Of those, the rows read in touched ranges (the rest of those ranges' rows are equal by the claim). */
    long sourceTouched;
    long targetTouched;
    /** Keys of rows only the source changed: the target has them, unread, and the source's row is not read either. */
    final Set<String> unhashed = new HashSet<>();
    BigInteger sourceSum = BigInteger.ZERO;
    BigInteger targetSum = BigInteger.ZERO;
    /** Target rows read that matched their source row: no write of this run touches them. */
    long targetMatched;
    BigInteger targetMatchedSum = BigInteger.ZERO;
  }

  private final RunContext ctx;
  private final TablePlan plan;
  private final long sourceRows;
  private final long targetRows;
  private final TableStatements sql;
  private int rowsPerRange;
  /** After {@link #compare}: how the key was cut, the ranges that differed, the target's sum over the others. */
  private List<Object> cut = List.of();
  private List<Long> differing = List.of();
  /** Ranges whose keys are alike on both sides but hold rows touched since the claim: only those rows are read. */
  private List<Long> touched = List.of();
  /** What the row-level pass found (after {@link #compare}). */
  private Rows found = new Rows();
  private StreamDigest targetClean;
  /** The claim the comparison runs under, if one holds: rows are then read with who-changed-them flags. */
  private Claims.Claim claim;

  RangeDiff(TableRun run) {
    this.ctx = run.ctx;
    this.plan = run.plan;
    this.sourceRows = run.sourceRows;
    this.targetRows = run.targetRows;
    this.sql = run.sql();
    this.rowsPerRange = rowsPerRange(sourceRows);
  }

  /**
   * Small ranges: changes spread over a table dirty few of them (1% of rows changed leaves ~92% of 8-row ranges
   * clean).
   */
  static int rowsPerRange(long rows) {
    return (int) Math.max(8, rows / 200_000);
  }

  Future<Result> compare() {
    return ctx.claims.usable(ctx, plan).compose(usable -> {
      // Who changed a row needs only the table's own claim; skipping ranges needs its mapped parents' too.
      this.claim = usable.or(() -> ctx.claims.recorded(ctx, plan)).orElse(null);
      return usable.isPresent() ? checked(usable.get()) : ctx.snapshot.read(this::cut).compose(this::hashed);
    });
  }

  /** How the key is cut: the parameters that place a row in its range (see {@link RangeStatements#rangeDigests}). */
  private Future<List<Object>> cut(SqlClient src) {
    if (sql.ranges().integerRanges()) {
      return integerCut(src, sql, sourceRows, rowsPerRange);
    }
    return src.preparedQuery(sql.ranges().rangeBoundaries()).execute(Tuple.of(rowsPerRange)).map(rs -> {
      List<String> b = new ArrayList<>();
      rs.forEach(r -> b.add(r.getString(0)));
      return List.<Object>of((Object) b.toArray(String[]::new));
    });
  }

  /** The width of integer ranges of about {@code rowsPerRange} of the table's {@code rows}, from the key's extent. */
  static Future<List<Object>> integerCut(SqlClient src, TableStatements sql, long rows, int rowsPerRange) {
    return src.query(sql.ranges().rangeExtent()).execute().map(rs -> {
      Row r = rs.iterator().next();
      BigInteger min = BigInteger.valueOf(r.getLong(0) == null ? 0 : r.getLong(0));
      BigInteger max = BigInteger.valueOf(r.getLong(1) == null ? 0 : r.getLong(1));
      // BigInteger: keys spread over the whole bigint range would overflow a long here.
      BigInteger width = max.subtract(min).add(BigInteger.ONE).multiply(BigInteger.valueOf(rowsPerRange))
          .divide(BigInteger.valueOf(Math.max(1, rows))).max(BigInteger.ONE).min(BigInteger.valueOf(Long.MAX_VALUE));
      return List.<Object>of(width.longValue());
    });
  }

  /** Without a claim: both sides hash every row, summed per range; ranges whose sums differ are read row by row. */
  private Future<Result> hashed(List<Object> cut) {
    Future<Map<Long, Range>> s = ctx.snapshot.read(src -> perRange(src, sql.ranges().rangeDigests(true), cut,
        r -> new Range(r.getLong(1), r.getString(2))));
    Future<Map<Long, Range>> t = perRange(ctx.target.pool(), sql.ranges().rangeDigests(false), cut,
        r -> new Range(r.getLong(1), r.getString(2)));
    return Future.all(s, t).compose(v -> {
      Map<Long, Range> source = s.result();
      Map<Long, Range> target = t.result();
      Set<Long> all = union(source, target);
      List<Long> differ = all.stream().filter(r -> !Objects.equals(source.get(r), target.get(r))).toList();
      Map<Long, Range> clean = new HashMap<>(target);
      differ.forEach(clean::remove);
      targetClean = total(clean);
      return descend(cut, differ, List.of(), List.of(), Set.of())
          .map(rows -> result(rows, all.size(), total(source), total(target), null));
    });
  }

  /**
   * With a claim: both sides check every range's row versions and keys (see {@link Claims}), hashing nothing; the
   * ranges not shown unchanged are read row by row, and their rows' hashes make the digests. The check the run
   * counted the table with comes first: it may show the whole table unchanged (a no-op's common case), or hold the
   * ranges already (see {@link RangeCheck}).
   */
  private Future<Result> checked(Claims.Claim claim) {
    return ctx.claims.check(ctx, plan, claim).compose(check -> {
      if (check.unchanged()) {
        StreamDigest all = StreamDigest.of(check.sourceRows(), BigInteger.ZERO); // the same count on both sides
        targetClean = all;
        return descend(List.of(), List.of(), List.of(), List.of(), Set.of())
            .map(rows -> result(rows, 0, all, all, claim.runId()));
      }
      Future<RangeCheck> ranged = check.ranges() != null ? Future.succeededFuture(check.ranges())
          : ctx.snapshot.read(this::cut).compose(cut -> RangeCheck.read(ctx, sql, claim, cut, rowsPerRange));
      return ranged.compose(r -> byRange(claim, r));
    });
  }

  /**
   * The ranges each side's check found, sorted (see {@link RangeTriage}): clean, read by their touched rows, or read
   * whole.
   */
  private Future<Result> byRange(Claims.Claim claim, RangeCheck ranged) {
    List<Object> cut = ranged.cut();
    rowsPerRange = ranged.rowsPerRange();
    boolean byKey = touchable();
    long width = byKey ? (Long) cut.get(0) : 0;
    return RangeTriage.of(ranged, byKey, width, keys -> ctx.snapshot.read(src ->
        src.preparedQuery(RangeStatements.KEY_HASHES).execute(Tuple.of(keys)))).compose(t -> {
      if (t.reads > Math.max(sourceRows, targetRows) / 4) { // reading that many rows by key costs more than hashing all
        return hashed(cut);
      }
      return descend(cut, t.full, t.touched, List.copyOf(t.keys), t.targetKeys).map(rows -> {
        // The clean and touched ranges' rows not read are equal on both sides (the claim covers them there).
        targetClean = StreamDigest.of(t.targetAlike - rows.targetTouched - rows.unhashed.size(),
            BigInteger.ZERO);
        // With rows unread on the target its digest before the writes is not known: validation reads it after them.
        // The source's counts the rows only it changed (alike in their ranges' checks) but lacks their hashes: the
        // write adds them (Result.unhashed).
        StreamDigest before = !rows.unhashed.isEmpty() ? null
            : StreamDigest.of(targetClean.rows() + rows.targetRows, rows.targetSum);
        return result(rows, t.ranges, StreamDigest.of(t.sourceAlike - rows.sourceTouched + rows.sourceRows,
            rows.sourceSum), before, claim.runId());
      });
    });
  }

  /**
   * Whether touched ranges can be read by their touched rows: rows looked up by key on the other side need a
   * one-column integer key with an index on both sides.
   */
  private boolean touchable() {
    return plan.key() == 1 && sql.ranges().rangeIndexed(true) && sql.ranges().rangeIndexed(false);
  }

  /** One row per range (its number first) of {@code query}, read into a map by range. */
  private static <V> Future<Map<Long, V>> perRange(SqlClient db, String query, List<Object> args, Function<Row, V> read) {
    return db.preparedQuery(query).execute(Tuple.from(args)).map(rs -> {
      Map<Long, V> out = new HashMap<>();
      for (Row r : rs) {
        out.put(r.getLong(0), read.apply(r));
      }
      return out;
    });
  }

  /** Every range either side has, in order. */
  private static Set<Long> union(Map<Long, ?> source, Map<Long, ?> target) {
    Set<Long> all = new TreeSet<>(source.keySet());
    all.addAll(target.keySet());
    return all;
  }

  /**
   * The row-level pass over the differing ranges (every row) and the touched ones (their rows written since the
   * claim on either side, and a key one side lacks, {@code touchedRowKeys}, read by key on the source, and on the
   * target those in {@code onTarget} or kept earlier), in rounds.
   */
  private Future<Rows> descend(List<Object> cut, List<Long> differing, List<Long> touched, List<Long> touchedRowKeys,
      Set<Long> onTarget) {
    this.cut = cut;
    this.differing = differing;
    this.touched = touched;
    Rows found = new Rows();
    this.found = found;
    List<Supplier<Future<Runnable>>> reads = new ArrayList<>();
    for (List<Long> round : rounds(differing)) {
      reads.add(() -> rows(cut, round, found));
    }
    for (int from = 0; from < touchedRowKeys.size(); from += ROWS_PER_ROUND) {
      List<Long> round = touchedRowKeys.subList(from, Math.min(touchedRowKeys.size(), from + ROWS_PER_ROUND));
      reads.add(() -> touchedRows(round, onTarget, found));
    }
    return twoAhead(reads).map(found);
  }

  /**
   * The rounds' reads, two at a time (one session after another left a core idle: a scale-10 re-sync's three rounds
   * of touched rows took 0.69 s so, 0.43 s two at a time), matched in order, so that the differences come out the
   * same however the reads interleave. A round starts once the one two before it is matched: at most two rounds'
   * rows are held.
   */
  private static Future<Void> twoAhead(List<Supplier<Future<Runnable>>> reads) {
    List<Future<Void>> matched = new ArrayList<>(reads.size());
    for (int i = 0; i < reads.size(); i++) {
      Supplier<Future<Runnable>> next = reads.get(i);
      Future<Runnable> read = i < 2 ? next.get() : matched.get(i - 2).compose(v -> next.get());
      Future<Void> before = i == 0 ? Future.succeededFuture() : matched.get(i - 1);
      matched.add(before.compose(v -> read).map(match -> {
        match.run();
        return null;
      }));
    }
    return matched.isEmpty() ? Future.succeededFuture() : matched.get(matched.size() - 1);
  }

  private Result result(Rows rows, int ranges, StreamDigest source, StreamDigest target, String claimRun) {
    int compared = differing.size() + touched.size();
    Result result = new Result(rows.differences, ranges, compared, rows.sourceRows + rows.targetRows,
        source, target, claimRun, claim != null, claim == null ? List.of() : claim.kept(), rows.unhashed);
    List<RowDifference> d = rows.differences;
    ctx.bus.publish(new ProgressEvent.TableCompared(ctx.runId, plan.name().display(), ranges, compared,
        result.rowsCompared(), d.stream().filter(RowDifference::onSource).count(),
        d.stream().filter(x -> !x.onSource()).count(), result.classified(),
        count(d, RowDifference.Kind.PRODUCTION_EDIT), count(d, RowDifference.Kind.PRODUCTION_INSERT),
        count(d, RowDifference.Kind.PRODUCTION_DELETE), count(d, RowDifference.Kind.CONFLICT)));
    return result;
  }

  private static long count(List<RowDifference> differences, RowDifference.Kind kind) {
    return differences.stream().filter(x -> x.kind() == kind).count();
  }

  /**
   * One round of the row-level pass: (key, hash) of the round's rows from both sides at once, and the match to run
   * on them (in round order, see {@link #twoAhead}). Under a claim each row also says whether it is newer than the
   * claim (and, on the target, whether Ferry wrote it), which tells who made each difference.
   */
  private Future<Runnable> rows(List<Object> cut, List<Long> round, Rows found) {
    Future<RowSet<Row>> tgt = rowsOf(ctx.target.pool(), false, cut, round);
    Future<RowSet<Row>> src = ctx.snapshot.read(db -> rowsOf(db, true, cut, round));
    return Future.all(tgt, src).map(v -> () -> match(src.result(), tgt.result(), found));
  }

  /**
   * One round of touched rows: on both sides those the target changed, a side lacks or an earlier run kept
   * production's version of, matched as in {@link #rows}; the others only the source changed, and the claim covers
   * the rest of their ranges: they differ, and neither side is read (see {@link RowDifference#changedOnSource}; a
   * scale-10 day's 30,000 updates were read on the source twice, here and by the write).
   */
  private Future<Runnable> touchedRows(List<Long> round, Set<Long> onTarget, Rows found) {
    Set<String> kept = claim.keptIds();
    List<Long> read = new ArrayList<>();
    List<String[]> unread = new ArrayList<>();
    for (long k : round) {
      if (onTarget.contains(k) || kept.contains(Long.toString(k))) {
        read.add(k);
      } else {
        unread.add(new String[] {Long.toString(k)});
      }
    }
    long[] keys = read.stream().mapToLong(Long::longValue).toArray();
    Claims.Flags sf = claim.flags(true);
    Claims.Flags tf = claim.flags(false);
    Future<List<Row>> tgt = keys.length == 0 ? Future.succeededFuture(List.of()) : ctx.target.pool()
        .query(sql.ranges().keyedRowsFlagged(false, keys, tf.xmin(), tf.covered(), tf.ferry())).execute()
        .map(RangeDiff::list);
    Future<List<Row>> src = keys.length == 0 ? Future.succeededFuture(List.of()) : ctx.snapshot.read(db -> db
        .query(sql.ranges().keyedRowsFlagged(true, keys, sf.xmin(), sf.covered(), sf.ferry())).execute())
        .map(RangeDiff::list);
    return Future.all(tgt, src).map(v -> () -> {
      found.sourceTouched += src.result().size();
      found.targetTouched += tgt.result().size();
      match(src.result(), tgt.result(), found);
      for (String[] key : unread) {
        found.unhashed.add(key[0]);
        found.differences.add(RowDifference.changedOnSource(key));
      }
    });
  }

  private static List<Row> list(RowSet<Row> rs) {
    List<Row> out = new ArrayList<>(rs.size());
    rs.forEach(out::add);
    return out;
  }

  /** Matches one round's source rows with its target rows by key; each mismatch is a difference. */
  private void match(Iterable<Row> sourceRowsRead, Iterable<Row> targetRowsRead, Rows found) {
    int k = plan.key();
    boolean flagged = claim != null;
    Set<String> kept = flagged ? claim.keptIds() : Set.of();
    Map<String, Row> there = new HashMap<>();
    for (Row r : targetRowsRead) {
      there.put(String.join("\u0000", key(r, k)), r);
      found.targetSum = found.targetSum.add(new BigInteger(r.getString(k)));
      found.targetRows++;
    }
    for (Row r : sourceRowsRead) {
      String[] key = key(r, k);
      String joined = String.join("\u0000", key);
      Row t = there.remove(joined);
      if (t != null && t.getString(k).equals(r.getString(k))) {
        found.targetMatched++;
        found.targetMatchedSum = found.targetMatchedSum.add(new BigInteger(t.getString(k)));
      } else {
        RowDifference.Kind kind = !flagged ? RowDifference.Kind.LOCAL
            : RowDifference.classify(true, t != null, r.getBoolean(k + 1), t != null && t.getBoolean(k + 2),
                kept.contains(joined));
        found.differences.add(new RowDifference(key, kind, r.getString(k), t == null ? null : t.getString(k)));
      }
      found.sourceSum = found.sourceSum.add(new BigInteger(r.getString(k)));
      found.sourceRows++;
    }
    for (Row t : there.values()) {
      RowDifference.Kind kind = !flagged ? RowDifference.Kind.LOCAL
          : RowDifference.classify(false, true, false, t.getBoolean(k + 2),
              kept.contains(String.join("\u0000", key(t, k))));
      found.differences.add(new RowDifference(key(t, k), kind, null, t.getString(k)));
    }
  }

  /**
   * The target's digest after this run wrote to the table: the rows that differed are read again, the rest keeps
   * the sums the comparison found (every row the run wrote or deleted was a difference; a row read on both sides
   * alike is not written). With a claim over a one-column integer key the differences are read by key; otherwise
   * the ranges that differed are summed again whole (no range is then read by its touched rows). Either way the whole table's digest at a
   * fraction of the cost (validation of a 300k-row table: 1.2 s to ~0.1 s; of a 3M-row table after a day of changes,
   * 51k rows read by key instead of 150k). Read by key, the rows the upsert wrote need not be read at all when
   * {@code written}, the digest its RETURNING summed of them as stored, counts every key of {@code copied}: only
   * the other differences are (deleted, kept or left alone), unless something else of the run may write the rows
   * after the upsert returned them (see {@link #keptAsReturned}). A scale-10 re-sync's read-back of 51k rows took
   * 1.2 s beside the GIN merge it slowed.
   *
   * @param written the digest of the rows the write stored (see {@link TableCopier#copyKeys}), or null
   * @param copied  the keys (the differences' own arrays) the write was given
   */
  Future<StreamDigest> targetAfterWrites(StreamDigest written, Set<String[]> copied) {
    int k = plan.key();
    boolean byKey = claim != null && touchable();
    boolean fromWrite = byKey && written != null && written.rows() == copied.size() && keptAsReturned();
    long[] rows = {targetClean.rows() + (byKey ? found.targetMatched : 0) + (fromWrite ? written.rows() : 0)};
    BigInteger[] sum = {new BigInteger(targetClean.value()).add(byKey ? found.targetMatchedSum : BigInteger.ZERO)
        .add(fromWrite ? new BigInteger(written.value()) : BigInteger.ZERO)};
    Function<RowSet<Row>, Void> add = rs -> {
      for (Row r : rs) {
        sum[0] = sum[0].add(BigInteger.valueOf(Long.parseLong(r.getString(k))));
      }
      rows[0] += rs.size();
      return null;
    };
    if (!byKey) {
      return inTwoLanes(rounds(differing), round -> rowsOf(ctx.target.pool(), false, cut, round).map(add))
          .map(v -> StreamDigest.of(rows[0], sum[0]));
    }
    long[] keys = found.differences.stream().filter(d -> !fromWrite || !copied.contains(d.key()))
        .mapToLong(d -> Long.parseLong(d.key()[0])).toArray();
    Claims.Flags f = claim.flags(false);
    int n = (int) Math.max(2, 2 * Math.ceil(keys.length / (2.0 * ROWS_PER_ROUND))); // an even number of rounds
    List<long[]> rounds = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rounds.add(Arrays.copyOfRange(keys, (int) ((long) keys.length * i / n), (int) ((long) keys.length * (i + 1) / n)));
    }
    return inTwoLanes(rounds, round -> round.length == 0 ? Future.succeededFuture() : ctx.target.pool()
        .query(sql.ranges().keyedRowsFlagged(false, round, f.xmin(), f.covered(), f.ferry())).execute().map(add))
        .map(v -> StreamDigest.of(rows[0], sum[0]));
  }

  /**
   * Whether the rows the upsert returned are the rows validation would read: no cycle link written after them (the
   * links pass sets those columns later, and a retried pass counts nothing), and no target trigger or rule that could
   * change them — the table's own never fire under a claim (see {@link Claims}), another synced table's only where
   * they are left to fire ({@code sync.targetTriggers: fire}).
   */
  private boolean keptAsReturned() {
    return plan.deferred().isEmpty() && (ctx.config.targetTriggers() == TargetTriggers.DISABLE
        || ctx.plans.values().stream().allMatch(p -> p.target().triggers().isEmpty()));
  }

  /**
   * The rounds on two target sessions at once, each taking every other round: the run's writes are done, and one
   * session alone left a core idle (a scale-10 re-sync's 50,000 rows read back in 1.2 s).
   */
  private static <R> Future<Void> inTwoLanes(List<R> rounds, Function<R, Future<Void>> read) {
    List<Future<Void>> lanes = new ArrayList<>();
    for (int lane = 0; lane < 2; lane++) {
      Future<Void> chain = Future.succeededFuture();
      for (int i = lane; i < rounds.size(); i += 2) {
        R round = rounds.get(i);
        chain = chain.compose(v -> read.apply(round));
      }
      lanes.add(chain);
    }
    return Future.all(lanes).mapEmpty();
  }

  /** Ranges in rounds of about {@link #ROWS_PER_ROUND} rows read, which bounds a round's memory. */
  private List<List<Long>> rounds(List<Long> ranges) {
    int perRound = (int) Math.max(1, Math.min(100_000, (long) ROWS_PER_ROUND / rowsPerRange));
    List<List<Long>> out = new ArrayList<>();
    for (int from = 0; from < ranges.size(); from += perRound) {
      out.add(ranges.subList(from, Math.min(ranges.size(), from + perRound)));
    }
    return out;
  }

  /** Inclusive key bounds of integer ranges: lows, then highs. */
  private static long[][] bounds(List<Long> ranges, long width) {
    long[][] out = new long[2][ranges.size()];
    for (int i = 0; i < ranges.size(); i++) {
      long[] b = bounds(ranges.get(i), width);
      out[0][i] = b[0];
      out[1][i] = b[1];
    }
    return out;
  }

  /** Key and hash of the rows in {@code round}: by key bounds where an index serves them, else by range number. */
  private Future<RowSet<Row>> rowsOf(SqlClient db, boolean sourceSide, List<Object> cut, List<Long> round) {
    if (sql.ranges().rangeIndexed(sourceSide)) {
      long[][] b = bounds(round, (Long) cut.get(0));
      long[] lo = b[0];
      long[] hi = b[1];
      if (claim == null) {
        return db.query(sql.ranges().rangeRowsBounded(sourceSide, lo, hi)).execute();
      }
      Claims.Flags f = claim.flags(sourceSide);
      return db.query(sql.ranges().rangeRowsBoundedFlagged(sourceSide, lo, hi, f.xmin(), f.covered(), f.ferry()))
          .execute();
    }
    List<Object> args = new ArrayList<>(cut);
    args.add(round.toArray(Long[]::new));
    if (claim == null) {
      return db.preparedQuery(sql.ranges().rangeRows(sourceSide)).execute(Tuple.from(args));
    }
    Claims.Flags f = claim.flags(sourceSide);
    args.addAll(List.of(f.xmin(), f.covered(), f.ferry()));
    return db.preparedQuery(sql.ranges().rangeRowsFlagged(sourceSide)).execute(Tuple.from(args));
  }

  /**
   * The keys of integer range {@code r}, inclusive: those whose {@code key / width} is r. PostgreSQL's division
   * truncates toward zero, so range 0 spans both signs. Computed wide and clamped to bigint: the end ranges never wrap.
   */
  static long[] bounds(long r, long width) {
    BigInteger w = BigInteger.valueOf(width);
    BigInteger start = BigInteger.valueOf(r).multiply(w);
    BigInteger lo = r > 0 ? start : start.subtract(w).add(BigInteger.ONE);
    BigInteger hi = r < 0 ? start : start.add(w).subtract(BigInteger.ONE);
    return new long[] {clamp(lo), clamp(hi)};
  }

  private static long clamp(BigInteger v) {
    return v.max(BigInteger.valueOf(Long.MIN_VALUE)).min(BigInteger.valueOf(Long.MAX_VALUE)).longValue();
  }

  /** The first {@code k} columns of a row: its key, as text. */
  static String[] key(Row r, int k) {
    String[] key = new String[k];
    for (int i = 0; i < k; i++) {
      key[i] = r.getString(i);
    }
    return key;
  }

  private static StreamDigest total(Map<Long, Range> ranges) {
    long rows = 0;
    BigInteger sum = BigInteger.ZERO;
    for (Range r : ranges.values()) {
      rows += r.rows();
      sum = sum.add(new BigInteger(r.sum()));
    }
    return StreamDigest.of(rows, sum);
  }
}
