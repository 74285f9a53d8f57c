package dev.ferry.sync;

import dev.ferry.catalog.TableName;
import dev.ferry.control.ClaimStore.StoredClaim;
import dev.ferry.control.ClaimStore;
import dev.ferry.plan.TablePlan;
import dev.ferry.statements.RangeStatements;
import dev.ferry.statements.TableStatements;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a verified run lets the next one skip. When validation finds a table identical on both sides, the run
 * records a claim on the target (table {@code ferry.table_claims}): the transaction horizon on each side at the
 * start of the run, the transactions after it that had already ended then (the source's as its snapshot saw them),
 * and the target transactions the run wrote that table with. Every row version written before a horizon (or by those
 * transactions: they committed before validation read them) belonged to the verified, identical contents.
 *
 * <p>A later run checks each key range cheaply instead of hashing it (see {@link RangeStatements#rangeChecks}): when no row
 * in the range, on either side, is a newer version, each side's rows there are a subset of the same verified rows,
 * and equal counts and key hashes make them the same subset. Every UPDATE, INSERT or COPY (even FREEZE) writes new
 * row versions; what could change contents without them changes the claim's fingerprint instead (see {@link Side}
 * and {@link #oids}): another server or database, a restart (a restore or failover rewinds history), other versions
 * or enum labels, another table under the name, column slots, columns or digest SQL. Target tables with triggers or
 * rules are never claimed, and the parents a table maps its foreign keys through must be unchanged too.
 *
 * <p>(Over 300 lines: what a claim proves and every guard on it belong together; the statements are in
 * {@link RangeStatements} and the stored rows in {@code control.ClaimStore}.)
 */
final class Claims {
  /** Claims older than this many transactions are not used: age() compares 32-bit ids, exact up to 2^31. */
  private static final long MAX_AGE = 1L << 30;

  static final Claims NONE = new Claims(null, null, Map.of(), Map.of(), Map.of(), false);

  /**
   * One table's rows checked against its claim on both sides (see {@link RangeStatements#tableCheck}): counts, the
   * keys' hashes combined, and rows the claim does not cover; summed from {@code ranges} where the table was
   * checked per key range (see {@link RangeCheck}), else {@code ranges} is null.
   */
  record TableCheck(long sourceRows, String sourceKeys, long sourceUncovered, long targetRows, String targetKeys,
      long targetUncovered, RangeCheck ranges) {
    /** Every row covered on both sides, and the same keys on both. */
    boolean unchanged() {
      return sourceUncovered == 0 && targetUncovered == 0 && sourceRows == targetRows && sourceKeys.equals(targetKeys);
    }
  }

  /**
   * One side when the run started: which database it is (system identifier / database oid), a digest of what could
   * change how rows read without new row versions or rewind its history (postmaster start, server and extension
   * versions, enum labels, the definitions of composite, domain and range types and of collations), its transaction
   * horizon and next transaction id.
   */
  private record Side(String database, String state, long horizon, long next, List<Long> seen) {}

  /**
   * Transactions between a side's horizon and its next id that a claim lists as seen, at most: beyond that (a
   * transaction held open while thousands of others came and went) it lists none, and rows written after the horizon
   * are checked as changed, as they were before the list existed.
   */
  private static final int MAX_SEEN = 2_000;

  /** A recorded claim: the run that verified the table, its horizons and its target transactions. */
  record Claim(String runId, long sourceXmin, long targetXmin, List<Long> ferryXids, String fingerprint,
      List<List<String>> kept, List<Long> laterWrites, List<Long> sourceSeen, List<Long> targetCovered) {
    /** The kept keys, each joined as the comparison joins keys. */
    Set<String> keptIds() {
      Set<String> out = new HashSet<>();
      kept.forEach(k -> out.add(String.join("\u0000", k)));
      return out;
    }

    /** Parameters for the checks on one side: the horizon and the transactions, as 32-bit ids in text. */
    List<Object> params(boolean sourceSide) {
      Flags f = flags(sourceSide);
      return List.of(f.xmin(), f.covered());
    }

    /** The horizon and transactions on one side, as 32-bit ids in text, to flag rows by who wrote them. */
    Flags flags(boolean sourceSide) {
      if (sourceSide) {
        return new Flags(Long.toString(sourceXmin & 0xFFFFFFFFL), ids(sourceSeen), new String[0]);
      }
      List<Long> ferry = new ArrayList<>(ferryXids);
      ferry.addAll(laterWrites);
      return new Flags(Long.toString(targetXmin & 0xFFFFFFFFL), ids(targetCovered), ids(ferry));
    }

    private static String[] ids(List<Long> xids) {
      return xids.stream().map(x -> Long.toString(x & 0xFFFFFFFFL)).toArray(String[]::new);
    }
  }

  /**
   * A side's horizon ({@code xmin}), the transactions the claim covers besides, and every transaction Ferry wrote the
   * table with ({@code ferry}): a row newer than the horizon that none of those wrote is someone else's change.
   */
  record Flags(String xmin, String[] covered, String[] ferry) {}

  private final Side source;
  private final Side target;
  /** Table oids by quoted name, per side. */
  private final Map<String, String> sourceOids;
  private final Map<String, String> targetOids;
  private final Map<String, Claim> stored;
  private final boolean kept;
  /**
   * Each table's check, read once per run: the run's counts come from it (one scan instead of two), and a parent's is
   * asked for by every table that maps through it. Empty and never written for {@link #NONE}, which has no claims.
   */
  private final Map<String, Future<TableCheck>> checks = new ConcurrentHashMap<>();

  private Claims(Side source, Side target, Map<String, String> sourceOids, Map<String, String> targetOids,
      Map<String, Claim> stored, boolean kept) {
    this.source = source;
    this.target = target;
    this.sourceOids = sourceOids;
    this.targetOids = targetOids;
    this.stored = stored;
    this.kept = kept;
  }

  /**
   * Reads both sides' identities and horizons and the claims recorded for this source. Called before the run reads
   * any table, so every later read sees at least what the horizons cover. Claims are off (never an error) where the
   * target has no control schema or a server will not say who it is.
   */
  static Future<Claims> open(RunContext ctx) {
    return read(ctx, true);
  }

  /** As {@link #open}; {@code withStored} false reads what fingerprints need and leaves the recorded claims alone. */
  private static Future<Claims> read(RunContext ctx, boolean withStored) {
    if (!ctx.fastHash) {
      return Future.succeededFuture(NONE);
    }
    List<String> sourceNames = ctx.plans.values().stream().map(p -> p.source().name().sql()).toList();
    List<String> targetNames = ctx.plans.values().stream().map(p -> p.target().name().sql()).toList();
    Future<Side> src = ctx.snapshot.read(c -> side(c));
    Future<Side> tgt = side(ctx.target.pool());
    Future<Map<String, String>> srcOids = ctx.snapshot.read(c -> oids(c, sourceNames, false));
    Future<Map<String, String>> tgtOids = oids(ctx.target.pool(), targetNames, true);
    Future<Boolean> kept = ClaimStore.kept(ctx.target.pool());
    return Future.all(src, tgt, srcOids, tgtOids, kept)
        .compose(v -> (withStored && kept.result() ? ClaimStore.load(ctx.target.pool(), src.result().database())
            .compose(stored -> ClaimStore.writes(ctx.target.pool(), src.result().database())
                .map(writes -> claims(stored, writes)))
            : Future.succeededFuture(Map.<String, Claim>of()))
            .map(claims -> new Claims(src.result(), tgt.result(), srcOids.result(), tgtOids.result(), claims,
                kept.result())))
        .otherwise(NONE);
  }

  private static Map<String, Claim> claims(Map<String, StoredClaim> stored, Map<String, List<Long>> writes) {
    Map<String, Claim> out = new HashMap<>();
    stored.forEach((table, c) -> out.put(table, new Claim(c.runId(), c.sourceXmin(), c.targetXmin(), c.ferryXids(),
        c.fingerprint(), c.kept(), writes.getOrDefault(table, List.of()), c.sourceSeen(), c.targetCovered())));
    return out;
  }

  /**
   * The postmaster's start time changes with every restart, which every restore, failover or clone involves: a
   * database put back to an earlier moment keeps its identifiers, and its reused transaction ids would look covered.
   */
  private static Future<Side> side(SqlClient db) {
    return db.query("SELECT txid_snapshot_xmin(s), txid_snapshot_xmax(s), " + ClaimStore.DATABASE_IDENTITY + ","
        + " md5(concat_ws('|', pg_postmaster_start_time(), current_setting('server_version_num'),"
        + " (SELECT string_agg(extname || ' ' || extversion, ',' ORDER BY extname) FROM pg_extension),"
        + " (SELECT string_agg(enumtypid::text || ':' || enumlabel, ',' ORDER BY enumtypid, enumsortorder) FROM pg_enum),"
        + TYPES + "))"
        + ", ARRAY(SELECT x FROM generate_series(txid_snapshot_xmin(s), txid_snapshot_xmax(s) - 1) x"
        + " WHERE txid_snapshot_xmax(s) - txid_snapshot_xmin(s) <= " + MAX_SEEN
        + " AND x <> ALL (ARRAY(SELECT txid_snapshot_xip(s))))"
        + " FROM txid_current_snapshot() s").execute().map(rs -> {
          Row r = rs.iterator().next();
          return new Side(r.getString(2), r.getString(3), r.getLong(0), r.getLong(1), List.of(r.getArrayOfLongs(4)));
        });
  }

  /**
   * Every type whose definition decides how stored values read, without new row versions when it changes: composite
   * types (ALTER TYPE … ADD ATTRIBUTE makes every row read one field longer), domains, ranges and multiranges, and
   * the collations (a refreshed version may order and compare text differently). Ferry's own schemas are left out:
   * its backups create tables, and so row types, on every run.
   */
  private static final String TYPES = """
      (SELECT string_agg(d, ',' ORDER BY d) FROM (
        SELECT concat_ws(':', t.oid, t.typtype, t.typbasetype, t.typtypmod, t.typcollation, t.typnotnull,
          (SELECT concat_ws(':', r.rngsubtype, r.rngcollation, r.rngsubopc) FROM pg_range r WHERE r.rngtypid = t.oid),
          (SELECT string_agg(concat_ws(' ', a.attnum, a.attname, a.atttypid, a.atttypmod, a.attcollation, a.attisdropped),
             ';' ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0)) AS d
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'ferry', 'ferry_backup')
          AND (t.typtype IN ('d', 'r', 'm') OR (t.typtype = 'c'
               AND (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c'))
        UNION ALL
        SELECT concat_ws(':', co.oid, co.collname, co.collprovider, co.collversion, to_jsonb(co) ->> 'collisdeterministic')
        FROM pg_collation co WHERE co.oid >= 16384 OR co.collversion IS NOT NULL) x)""";

  /**
   * The oid and column slots of each table claims can cover: plain tables (a partitioned table's rows live in other
   * tables) and, on the target, only those without triggers or rules of their own, which could change other rows
   * than the run wrote in the run's own transactions. The slots count dropped columns: a column dropped and added
   * again under the same name reads as NULL in every row without a new row version.
   */
  private static Future<Map<String, String>> oids(SqlClient db, List<String> names, boolean target) {
    return db.preparedQuery("SELECT n, c.oid || ':' || c.relnatts FROM unnest($1::text[]) n"
        + " JOIN pg_class c ON c.oid = to_regclass(n)"
        + " WHERE c.relkind = 'r'" + (!target ? "" : " AND NOT c.relhasrules AND NOT EXISTS (SELECT 1 FROM pg_trigger g"
        + " WHERE g.tgrelid = c.oid AND NOT g.tgisinternal)"))
        .execute(Tuple.of(names.toArray(String[]::new))).map(rs -> {
          Map<String, String> out = new HashMap<>();
          rs.forEach(r -> out.put(r.getString(0), r.getString(1)));
          return out;
        });
  }

  /**
   * The claim this run may use for a table: recorded for the same fingerprint, young enough, and with the parents
   * the table maps through claimed by the same run and unchanged on both sides since (their rows all covered, the
   * same keys on both sides), so that every id still maps to the natural key it was verified with.
   */
  Future<Optional<Claim>> usable(RunContext ctx, TablePlan plan) {
    Optional<Claim> claim = recorded(ctx, plan);
    if (claim.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    Future<Boolean> parents = Future.succeededFuture(true);
    for (TablePlan parent : parents(ctx, plan)) {
      Optional<Claim> theirs = recorded(ctx, parent).filter(c -> c.runId().equals(claim.get().runId()));
      parents = parents.compose(ok -> ok && theirs.isPresent() ? check(ctx, parent, theirs.get())
          .map(TableCheck::unchanged) : Future.succeededFuture(false));
    }
    return parents.map(ok -> ok ? claim : Optional.<Claim>empty());
  }

  /** Whether a claim for the table holds as far as identities, fingerprint and age tell (its parents aside). */
  boolean covers(RunContext ctx, TablePlan plan) {
    return recorded(ctx, plan).isPresent();
  }

  /** Whether a claim was recorded for the table but no longer holds (a restart, another server, schema changes). */
  boolean voided(RunContext ctx, TablePlan plan) {
    return stored.containsKey(plan.target().name().sql()) && recorded(ctx, plan).isEmpty();
  }

  /** The table's recorded claim if it still holds as far as identities, fingerprint and age tell. */
  Optional<Claim> recorded(RunContext ctx, TablePlan plan) {
    Optional<String> fingerprint = fingerprint(ctx, plan);
    Claim claim = stored.get(plan.target().name().sql());
    return fingerprint.isPresent() && claim != null && claim.fingerprint().equals(fingerprint.get())
        && young(source, claim.sourceXmin()) && young(target, claim.targetXmin()) ? Optional.of(claim) : Optional.empty();
  }

  /** The synced tables this one maps foreign keys through (their natural keys are part of its digest). */
  private static List<TablePlan> parents(RunContext ctx, TablePlan plan) {
    return plan.mapped().values().stream().distinct().map(ctx.plans::get).filter(Objects::nonNull).toList();
  }

  private static boolean young(Side side, long horizon) {
    return side.next() >= horizon && side.next() - horizon < MAX_AGE;
  }

  /**
   * The table's rows checked against {@code claim} on both sides (the source's in the run's snapshot), once per run:
   * the target's is as of the run's counts, which the run's choices rest on anyway.
   */
  Future<TableCheck> check(RunContext ctx, TablePlan table, Claim claim) {
    return checks.computeIfAbsent(table.target().name().sql() + " " + claim.runId(), k -> RangeCheck
        .ifTouched(ctx, table, claim).compose(ranged -> ranged.isPresent() ? Future.succeededFuture(ranged.get().total())
            : whole(ctx, table, claim)));
  }

  /** The whole-table check: one row per side. */
  private static Future<TableCheck> whole(RunContext ctx, TablePlan table, Claim claim) {
    TableStatements sql = ctx.sql(table);
    Future<Row> s = ctx.snapshot.read(c -> c.preparedQuery(sql.ranges().tableCheck(true))
        .execute(Tuple.from(claim.params(true)))).map(rs -> rs.iterator().next());
    Future<Row> t = ctx.target.pool().preparedQuery(sql.ranges().tableCheck(false))
        .execute(Tuple.from(claim.params(false))).map(rs -> rs.iterator().next());
    return Future.all(s, t).map(v -> new TableCheck(s.result().getLong(0), s.result().getString(1),
        s.result().getLong(2), t.result().getLong(0), t.result().getString(1), t.result().getLong(2), null));
  }

  /** Everything the claim's truth depends on besides the rows; empty for a table claims do not cover. */
  private Optional<String> fingerprint(RunContext ctx, TablePlan plan) {
    if (source == null || !plan.keyed()) {
      return Optional.empty();
    }
    TableStatements sql = ctx.sql(plan);
    StringBuilder b = new StringBuilder(sql.ranges().rangeDigests(true)).append('\n').append(sql.ranges().rangeDigests(false))
        .append('\n').append(source.database()).append(' ').append(source.state())
        .append('\n').append(target.database()).append(' ').append(target.state());
    List<TablePlan> tables = new ArrayList<>(List.of(plan));
    tables.addAll(parents(ctx, plan));
    for (TablePlan p : tables) {
      String so = sourceOids.get(p.source().name().sql());
      String to = targetOids.get(p.target().name().sql());
      if (so == null || to == null) {
        return Optional.empty();
      }
      b.append('\n').append(so).append(' ').append(p.source().columns()).append('\n').append(to).append(' ')
          .append(p.target().columns());
    }
    if (ctx.direction.pull()) {
      // A pull's rows read through the rules: the rules are in the digest SQL above, the salt only in its hash.
      b.append("\npull ").append(ctx.direction.salt() == null ? "unsalted" : sha256(ctx.direction.salt()));
    }
    return Optional.of(sha256(b.toString()));
  }

  /**
   * Records a claim for each table validation found identical. The horizons are this run's (taken before it read
   * anything); the transactions are those it wrote the table with, all committed before validation read it.
   */
  Future<Set<TableName>> record(RunContext ctx, List<TablePlan> verified, TableStates states) {
    if (source == null || ctx.options.dryRun()) {
      return Future.succeededFuture(Set.of());
    }
    // Read again now: what the fingerprint covers (a trigger, a column, an enum label) may have changed during the run.
    // A table the run replaced itself (a staged load) has another oid now, and only that changed.
    Map<String, String> targetOidsNow = new HashMap<>(targetOids);
    targetOidsNow.putAll(ctx.swapped);
    Claims before = new Claims(source, target, sourceOids, targetOidsNow, stored, kept);
    return read(ctx, false).compose(now -> {
      if (!now.kept) {
        return Future.succeededFuture(Set.<TableName>of());
      }
      Set<TableName> claimed = new HashSet<>();
      List<StoredClaim> claims = new ArrayList<>();
      for (TablePlan p : verified) {
        before.fingerprint(ctx, p).filter(f -> now.fingerprint(ctx, p).equals(Optional.of(f))).ifPresent(f -> {
          claims.add(new StoredClaim(source.database(), p.target().name().sql(), ctx.runId, source.horizon(),
              target.horizon(), states.get(p.name()).xids(), f, states.get(p.name()).evidence().kept().keys(),
              source.seen(), target.seen()));
          claimed.add(p.name());
        });
      }
      return ClaimStore.save(ctx.target.pool(), claims).map(v -> claimed);
    });
  }

  /**
   * After a real run: the target transactions it wrote the tables it did not claim with (it failed, was cancelled,
   * skipped validation, or found a difference), so that a later comparison does not take those rows for production's.
   */
  Future<Void> recordWrites(RunContext ctx, Map<String, List<Long>> byTable) {
    if (source == null || !kept || ctx.options.dryRun() || byTable.isEmpty()) {
      return Future.succeededFuture();
    }
    return ClaimStore.wrote(ctx.target.pool(), source.database(), byTable);
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
