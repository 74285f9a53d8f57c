package dev.ferry.sync;

import dev.ferry.catalog.Catalog;
import dev.ferry.catalog.CatalogReader;
import dev.ferry.catalog.TableInfo;
import dev.ferry.catalog.TableName;
import dev.ferry.config.MaskRule;
import dev.ferry.config.TargetTriggers;
import dev.ferry.db.Database;
import dev.ferry.error.FerryException;
import dev.ferry.mask.MaskSql;
import dev.ferry.mask.Masking;
import dev.ferry.plan.Mode;
import dev.ferry.plan.Planner;
import dev.ferry.plan.SafetyRules;
import dev.ferry.plan.TableOrder;
import dev.ferry.plan.TablePlan;
import dev.ferry.pull.SubsetSpec;
import dev.ferry.result.Phase;
import dev.ferry.result.PhaseOutcome;
import dev.ferry.result.RunSummary;
import dev.ferry.result.TableResult;
import dev.ferry.schema.DbSchema;
import dev.ferry.schema.SchemaReader;
import dev.ferry.statements.ReadStatements;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One sync run, phase by phase: schema check, plan, counts and guards, backup, indexes, data, validation. Each phase
 * is a composed Future on the run's context; the tables' {@link TableStates} are handed from each data phase to the
 * next. Reports through the {@link PhaseLog} and the progress bus only.
 * (Over 300 lines: the phases in order, each a few lines composing the parts that do the work; the rest is in
 * {@link PhaseLog}, {@link Verdict}, {@link LoadLevels}, {@link RunBackup} and {@link DataPhase}.)
 */
final class SyncRun {
  /** Ends a validate-only run after its validation phase (the data phases are skipped). */
  private static final class ValidatedOnly extends RuntimeException {
    ValidatedOnly() {
      super(null, null, false, false);
    }
  }

  /** What the schema phase found: the tables selected, the target's catalog, the phase's lines. */
  private record Checked(List<TableInfo> selected, Catalog target, List<String> lines) {}

  /** The run's context: replaced, once planned, by the prepared one (see {@link RunContext#prepared}). */
  private RunContext ctx;
  private final long startedAt;
  private final PhaseLog log;
  private final List<String> ddl = new ArrayList<>();
  private List<TablePlan> plans = List.of();
  private List<RunSummary.ValidationResult> validation = List.of();
  /** A dry run's refusals: it goes on to plan, and ends refused as the real run would. */
  private final List<String> wouldRefuse = new ArrayList<>();
  private final boolean validateOnly;
  /** Every table's state: counted, then replaced by what each data phase returns. */
  private TableStates states = TableStates.of(List.of());
  private final RunBackup backups;
  /** The tables this run's validation claimed (see {@link Claims#record}). */
  private Set<TableName> claimedNow = Set.of();
  /** Once the data phases begin. */
  private DataPhase data;
  /**
   * While the run reads both sides' schemas and counts and compares tables, and while it copies them: a cancel then
   * cancels the statements running (see {@link #interruptible()}).
   */
  private volatile boolean interruptible;

  /** The run's loading order, once planned. */
  private LoadLevels levels;
  private TableOrder order;
  /** A pull's data rules per table (see {@link Masking}); empty for a push. */
  private Map<TableName, Map<String, MaskRule>> masks = Map.of();

  SyncRun(RunContext ctx, long startedAt, boolean validateOnly) {
    this.ctx = ctx;
    this.startedAt = startedAt;
    this.validateOnly = validateOnly;
    this.log = new PhaseLog(ctx.runId, ctx.bus, this::message);
    this.backups = new RunBackup(ctx, this::message);
  }

  Future<Void> execute() {
    return interruptibly(this::readAndCount)
        .compose(v -> validateOnly ? validate().compose(x -> Future.<Void>failedFuture(new ValidatedOnly())) : backup())
        .compose(v -> ctx.options.skipIndexes() ? log.skipped(Phase.INDEXES, "--skip-indexes")
            : log.phase(Phase.INDEXES, "create indexes the target lacks", this::syncIndexes, Function.identity()).mapEmpty())
        .compose(v -> unlessCancelled())
        .compose(v -> interruptibly(this::loadData))
        .compose(v -> unlessCancelled())
        .compose(v -> ctx.options.skipValidation() || ctx.options.dryRun()
            ? log.skipped(Phase.VALIDATION, ctx.options.dryRun() ? "dry run: nothing was written" : "--skip-validation")
            : validate())
        .recover(err -> err instanceof ValidatedOnly ? Future.succeededFuture() : Future.failedFuture(err));
  }

  /** The schema phase, the plan, the source's snapshot, the claims and the counts: reads only. */
  private Future<Void> readAndCount() {
    Future<SideRead> source = read(ctx.source);
    Future<SideRead> target = read(ctx.target);
    return Future.all(source, target)
        .compose(v -> log.phase(Phase.SCHEMA, "compare columns, types, nullability and defaults",
            () -> checkSchema(source.result(), target.result()), Checked::lines))
        .compose(this::plan)
        .compose(plans -> SourceSnapshot.open(ctx.source).compose(s -> subset(s, plans)
            .map(chosen -> ctx = ctx.prepared(chosen, s, source.result().modern() && target.result().modern()))))
        .compose(v -> log.phase(Phase.COUNT, "count rows on both sides; tables a verified run claimed are checked for"
            + " rows written since", () -> asCancelled(Claims.open(ctx).map(c -> ctx = ctx.withClaims(c))
                .compose(c -> countAndGuard())), Function.identity()))
        .mapEmpty();
  }

  /**
   * Whether a cancel may cancel the statements running now: while schemas are read and tables counted, compared and
   * copied (each table's writes in a transaction of their own that rolls back), with nothing the run records for
   * itself (its backups, index builds, claims and history) under way.
   */
  boolean interruptible() {
    return interruptible;
  }

  private Future<Void> interruptibly(Supplier<Future<Void>> phase) {
    interruptible = true;
    return asCancelled(phase.get().andThen(ar -> interruptible = false));
  }

  /** A statement the cancel interrupted fails as the cancel (so a phase it ends in says "cancelled", not "failed"). */
  private <T> Future<T> asCancelled(Future<T> work) {
    return work.recover(err -> Future.failedFuture(Failures.ifCancelled(ctx, err)));
  }

  private Future<Void> backup() {
    return backups.take(plans, log);
  }

  /** See {@link RunBackup#dropUnused}. */
  Future<Void> dropUnusedBackups(boolean completed) {
    return backups.dropUnused(completed, states);
  }

  /** Tables whose line waited for a later step that never came (the run stopped first) get it now. */
  void announceUnfinished() {
    if (data != null) {
      data.announceUnfinished(states);
    }
  }

  /** What the schema phase reads of one side: its tables, its schema, and whether it is PostgreSQL 14+. */
  private record SideRead(Catalog catalog, DbSchema schema, boolean modern) {}

  /**
   * One side's catalog and schema, their queries pipelined on one session: its backend warms its catalog caches
   * once, where spread over the pool they started six new backends a side that each warmed their own (a no-op run's
   * own time 1.05 s → 0.93 s, medians of six alternating runs).
   */
  private static Future<SideRead> read(Database db) {
    return db.pool().withConnection(conn -> {
      Future<Catalog> catalog = CatalogReader.read(conn);
      Future<DbSchema> schema = SchemaReader.read(conn);
      // PostgreSQL 14+ has hash_record_extended.
      Future<Boolean> modern = conn.query("SELECT current_setting('server_version_num')::int >= 140000").execute()
          .map(rs -> rs.iterator().next().getBoolean(0));
      return Future.all(catalog, schema, modern)
          .map(v -> new SideRead(catalog.result(), schema.result(), modern.result()));
    }).recover(e -> Future.failedFuture(db.describe(e)));
  }

  /** Between phases: a cancelled run stops here (each table already committed or rolled back whole). */
  private Future<Void> unlessCancelled() {
    return ctx.cancelled.get() ? Future.failedFuture(Failures.cancelled()) : Future.succeededFuture();
  }

  /** Validation, with the written tables' ANALYZE running alongside (both only read the tables). */
  private Future<Void> validate() {
    Future<List<String>> analyzed = DataPhase.analyze(ctx, data, plans, states);
    return log.phase(Phase.VALIDATION, "compare counts and content digests, look for orphaned rows; refresh statistics",
        () -> Validation.run(ctx, plans, states).map(r -> validation = r).compose(this::claim).compose(r -> analyzed.map(a -> {
          List<String> lines = new ArrayList<>(r.stream().map(x -> x.table() + ": " + x.detail()).toList());
          lines.addAll(a);
          return lines;
        })), Function.identity(),
        () -> validation.stream().allMatch(RunSummary.ValidationResult::matches) ? PhaseOutcome.OK : PhaseOutcome.FAILED).mapEmpty();
  }

  /** A data phase's outcome: failed (or refused) when one of its tables was, or one failed while it ran. */
  private Supplier<PhaseOutcome> tablesVerdict(Collection<TableName> tables) {
    Set<TableName> troubledBefore = states.troubled();
    return () -> {
      List<TableState> hit = states.troubled().stream()
          .filter(t -> tables.contains(t) || !troubledBefore.contains(t)).map(states::get).toList();
      return hit.isEmpty() ? PhaseOutcome.OK : hit.stream().anyMatch(t -> t.outcome() == TableResult.Outcome.FAILED)
          ? PhaseOutcome.FAILED : PhaseOutcome.REFUSED;
    };
  }

  /** After a real run's validation: claims for the tables it found identical, so the next run can skip them. */
  private Future<List<RunSummary.ValidationResult>> claim(List<RunSummary.ValidationResult> results) {
    Set<String> identical = new HashSet<>();
    results.stream().filter(RunSummary.ValidationResult::matches).forEach(r -> identical.add(r.table()));
    List<TablePlan> verified = plans.stream().filter(p -> identical.contains(p.name().display())).toList();
    return ctx.claims.record(ctx, verified, states)
        .map(claimed -> claimedNow = claimed)
        .recover(err -> {
          ctx.warn(null, "could not record what this run verified (the next run compares every row): "
              + message(err));
          return Future.succeededFuture();
        })
        .map(results);
  }

  /** See {@link Claims#recordWrites}; never fails the run. */
  Future<Void> recordWrites() {
    Map<String, List<Long>> byTable = new LinkedHashMap<>();
    states.all().stream().filter(t -> !t.xids().isEmpty() && !claimedNow.contains(t.plan().name()))
        .forEach(t -> byTable.put(t.plan().target().name().sql(), t.xids()));
    return ctx.claims.recordWrites(ctx, byTable).recover(err -> {
      ctx.warn(null, "could not record the transactions this run wrote with (a later run may take its rows for"
          + " production's edits): " + message(err));
      return Future.succeededFuture();
    });
  }

  private Future<Checked> checkSchema(SideRead source, SideRead target) {
    List<String> planned = new ArrayList<>(); // a typo in include or exclude: said on every surface, as any warning
    List<TableInfo> selected = new Planner(ctx.config).select(source.catalog(), ctx.options, planned);
    planned.forEach(w -> ctx.warn(null, w));
    SchemaCheck.Report report = SchemaCheck.compare(selected, source.schema(), target.schema());
    List<String> lines = report.lines();
    if (!report.missing().isEmpty()) {
      return Future.failedFuture(Failures.refused(String.join("; ", lines)));
    }
    if (!report.clean()) {
      if (ctx.options.mode() != Mode.FORCE) {
        // The safe way is the migration; force (sync the shared columns regardless) is in README, not advised here.
        return Future.failedFuture(Failures.refused("the schemas differ: bring the target in line first (`ferry diff`"
            + " shows how, `ferry diff --write-migration NAME` saves it as the next migration, `ferry migrate`"
            + " applies it):\n  " + String.join("\n  ", lines)));
      }
      lines.forEach(l -> ctx.warn(null, "schema (ignored in force mode): " + l));
    }
    return Future.succeededFuture(new Checked(selected, target.catalog(),
        lines.isEmpty() ? List.of(selected.size() == 1 ? "1 table matches" : selected.size() + " tables match") : lines));
  }

  /** The plans, by table, in plan order. */
  private Future<Map<TableName, TablePlan>> plan(Checked checked) {
    TableOrder order = TableOrder.of(checked.selected());
    plans = new Planner(ctx.config).plan(checked.selected(), checked.target(), order);
    this.order = order;
    if (ctx.direction.pull()) {
      Masking masking = Masking.apply(plans, ctx.config.rules(), ctx.direction.salt() != null);
      masks = masking.rules();
      masking.report().forEach(line -> ctx.note("rules: " + line));
      if (!masking.refusals().isEmpty()) {
        return Future.failedFuture(Failures.refused("the data rules cannot run as written, so nothing was read:\n  "
            + String.join("\n  ", masking.refusals())));
      }
      plans = masking.plans();
    }
    Map<TableName, TablePlan> byName = new LinkedHashMap<>();
    plans.forEach(p -> byName.put(p.name(), p));
    levels = LoadLevels.of(byName, order);
    // Triggers that will be switched off are noted; ones that will run and can change rows are warned about.
    boolean fire = ctx.config.targetTriggers() == TargetTriggers.FIRE;
    plans.forEach(p -> TriggerSwitch.describe(ctx.config.targetTriggers(), p)
        .forEach(line -> {
          if (fire) {
            ctx.warn(null, line);
          } else {
            ctx.notes.add(line);
          }
        }));
    return Future.succeededFuture(byName);
  }

  /**
   * A subset pull's plans: each table reads only the rows {@link Subsetting} chose on the snapshot (masked as
   * before). Every other run's plans as they are.
   */
  private Future<Map<TableName, TablePlan>> subset(SourceSnapshot snapshot, Map<TableName, TablePlan> all) {
    SubsetSpec spec = ctx.direction.subset();
    if (!ctx.direction.pull() || spec.isAll()) {
      return Future.succeededFuture(all);
    }
    return snapshot.read(conn -> Subsetting.compute(conn, plans, spec)).map(chosen -> {
      chosen.report().forEach(line -> ctx.note("subset: " + line));
      plans = plans.stream().map(p -> p.readingFrom(MaskSql.relation(p.source().fromSql(), p.source().columns(),
          masks.getOrDefault(p.name(), Map.of()), chosen.where().get(p.name())))).toList();
      Map<TableName, TablePlan> byName = new LinkedHashMap<>();
      plans.forEach(p -> byName.put(p.name(), p));
      levels = LoadLevels.of(byName, order);
      return byName;
    });
  }

  /** The planner's estimate of each table's source rows, by its name as SQL; none for a table without statistics. */
  private Future<Map<String, Long>> estimates(List<TablePlan> tables) {
    if (tables.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return ctx.source.pool().preparedQuery(ReadStatements.ESTIMATES)
        .execute(Tuple.of(tables.stream().map(p -> p.source().name().sql()).toArray(String[]::new)))
        .map(rs -> {
          Map<String, Long> byName = new HashMap<>();
          rs.forEach(r -> {
            if (r.getLong(1) != null) {
              byName.put(r.getString(0), r.getLong(1));
            }
          });
          return byName;
        }).otherwise(Map.of()); // then counted
  }

  /**
   * Whether a table found empty on the target may start from an estimate of its source rows: not where the numbers are
   * the result (a dry run, a validation), a rebuild (its guard compares the count with a minimum), or a subset pull
   * (it reads some of the rows).
   */
  private boolean mayEstimate() {
    return !ctx.options.dryRun() && !validateOnly && ctx.options.mode() != Mode.REBUILD
        && (!ctx.direction.pull() || ctx.direction.subset().isAll());
  }

  /**
   * Counts on both sides (the source's from the run's snapshot, or its estimate for a table the target has no row
   * of), then the per-table guards. A table with a claim
   * is counted by its claim's check, which the comparison needs next anyway: one scan of it per side, not two.
   */
  private Future<List<String>> countAndGuard() {
    Map<TableName, Future<Long>> src = new LinkedHashMap<>();
    Map<TableName, Future<Long>> tgt = new LinkedHashMap<>();
    List<TablePlan> unclaimed = new ArrayList<>();
    for (TablePlan p : plans) {
      Optional<Claims.Claim> claim = ctx.claims.recorded(ctx, p);
      if (claim.isPresent()) {
        Future<Claims.TableCheck> check = ctx.claims.check(ctx, p, claim.get());
        src.put(p.name(), check.map(Claims.TableCheck::sourceRows));
        tgt.put(p.name(), check.map(Claims.TableCheck::targetRows));
      } else {
        unclaimed.add(p);
      }
    }
    // A table empty on the target is loaded whole, and the load counts its rows: until then the planner's estimate
    // stands in for a count (which took the scale-1 load's largest table 0.38 s before any row moved).
    Future<Map<String, Long>> estimates = estimates(mayEstimate()
        ? unclaimed.stream().filter(p -> p.keyed() && !p.source().partitioned()).toList() : List.of());
    // A table is counted on both sides unless it has an estimate and the target has no row (one look at it).
    Map<TableName, Future<Boolean>> toCount = new HashMap<>();
    unclaimed.forEach(p -> toCount.put(p.name(), estimates.compose(e -> !e.containsKey(p.source().name().sql())
        ? Future.succeededFuture(true)
        : ctx.target.pool().query(ReadStatements.anyRow(p.target().fromSql())).execute()
            .map(rs -> rs.iterator().next().getBoolean(0)))));
    // Each table counted on a session of its own on the run's snapshot, pool.size at a time: one after another on
    // one session the counts added up before any row moved (scale 1: 0.27 s, of which the largest table's 0.19 s).
    Map<TableName, Promise<Long>> counting = new LinkedHashMap<>();
    Set<TableName> estimated = new HashSet<>();
    unclaimed.forEach(p -> {
      counting.put(p.name(), Promise.promise());
      src.put(p.name(), counting.get(p.name()).future());
    });
    Future<Void> sourceCounts = Bounded.forEach(unclaimed, ctx.config.poolSize(), p -> toCount.get(p.name())
        .compose(count -> {
          if (!count) {
            estimated.add(p.name());
            return Future.succeededFuture(estimates.result().get(p.source().name().sql()));
          }
          return ctx.snapshot.read(conn -> conn.query(ReadStatements.count(p.sourceRelation())).execute()
              .map(rs -> rs.iterator().next().getLong(0)));
        }).onComplete(counting.get(p.name())));
    unclaimed.forEach(p -> tgt.put(p.name(), toCount.get(p.name()).compose(count -> !count ? Future.succeededFuture(0L)
        : ctx.target.pool().query(ReadStatements.count(p.target().fromSql())).execute()
            .map(rs -> rs.iterator().next().getLong(0)))));
    // A table found empty on the target is loaded whole, by COPY on a JDBC session per side: those sessions connect
    // while the source is still being counted (a full load's first table started ~0.1 s later for its connections).
    if (!ctx.options.dryRun() && !validateOnly) {
      int[] left = {ctx.config.poolSize()};
      unclaimed.forEach(p -> tgt.get(p.name()).onSuccess(rows -> {
        if (rows == 0 && left[0]-- > 0) {
          ctx.source.openAhead(1);
          ctx.target.openAhead(1);
        }
      }));
    }
    return Future.all(sourceCounts, Future.all(new ArrayList<>(src.values())),
        Future.all(new ArrayList<>(tgt.values()))).compose(v -> {
      List<String> refusals = new ArrayList<>();
      List<TableState> counted = new ArrayList<>();
      for (TablePlan p : plans) {
        long s = src.get(p.name()).result();
        long t = tgt.get(p.name()).result();
        TableState state = estimated.contains(p.name()) ? TableState.estimated(p, s) : TableState.counted(p, s, t);
        Optional<String> uncopyable = SafetyRules.copyable(p);
        // Only force mode gets here with such a table: the schema check refuses it.
        counted.add(uncopyable.map(state::refused).orElse(state));
        if (uncopyable.isPresent()) {
          continue;
        }
        // A pull's target is the developer's own database: rows only it has are theirs to keep, not a warning.
        if (ctx.options.mode() != Mode.FORCE && !ctx.direction.pull()) {
          SafetyRules.table(ctx.options.mode(), p, s, t).ifPresent(refusals::add);
        }
      }
      states = TableStates.of(counted);
      if (!refusals.isEmpty() && !ctx.options.dryRun()) {
        return Future.failedFuture(Failures.refused(String.join("\n", refusals)));
      }
      refusals.forEach(r -> ctx.warn(null, "a real run would refuse: " + r));
      wouldRefuse.addAll(refusals);
      return Future.succeededFuture(counted(plans.size() - unclaimed.size(), unclaimed.size() - estimated.size(),
          estimated.size()));
    });
  }

  /** The count phase's line: how many tables were checked against a claim, counted, or found empty on the target. */
  private static List<String> counted(int claimed, int counted, int estimated) {
    List<String> parts = new ArrayList<>();
    if (claimed > 0) {
      parts.add(claimed + " checked against the run that last verified " + (claimed == 1 ? "it" : "them"));
    }
    if (counted > 0) {
      parts.add(counted + " counted on both sides");
    }
    if (estimated > 0) {
      parts.add(estimated + " empty on the target (the source's rows estimated; the load counts them)");
    }
    return parts.isEmpty() ? List.of("no tables") : List.of(String.join(", ", parts));
  }

  private Future<List<String>> syncIndexes() {
    List<String> notes = new ArrayList<>();
    List<IndexSync.Change> changes = IndexSync.changes(plans, ctx.options.dropExtraIndexes(), notes);
    changes.forEach(c -> ddl.add(c.ddl()));
    if (ctx.options.dryRun() || changes.isEmpty()) {
      notes.addAll(changes.stream().map(c -> (ctx.options.dryRun() ? "would run: " : "") + c.ddl()).toList());
      return Future.succeededFuture(notes.isEmpty() ? List.of("indexes match") : notes);
    }
    return IndexSync.apply(ctx, changes).map(failures -> {
      failures.forEach(f -> ctx.warn(null, f));
      notes.add((changes.size() - failures.size()) + " index statements run, " + failures.size() + " failed");
      return notes;
    });
  }

  private Future<Void> loadData() {
    data = new DataPhase(ctx, backups.taken());
    if (ctx.options.mode() == Mode.REBUILD) {
      return log.phase(Phase.DEPENDENTS, "replace every selected table in one transaction",
          () -> data.rebuild(plans, states).compose(this::handOn).compose(v -> analyzed()), Function.identity(),
          tablesVerdict(ctx.plans.keySet())).mapEmpty();
    }
    List<List<TablePlan>> parentLevels = levels.parents();
    List<List<TablePlan>> dependentLevels = levels.dependents();
    return log.phase(Phase.PARENTS, "tables others map their ids through, and their own parents",
        () -> data.load(parentLevels, states).compose(this::handOn).map(v -> tableLines(parentLevels)),
        Function.identity(), tablesVerdict(LoadLevels.names(parentLevels)))
        .compose(v -> log.phase(Phase.ID_MAP, "source id → target id for natural-key tables",
            () -> Future.succeededFuture(data.mapSummary()), Function.identity()))
        .compose(v -> log.phase(Phase.DEPENDENTS, "remaining tables in foreign-key order, then cycle links"
                + (ctx.options.mode() == Mode.MIRROR ? " and deletes" : ""),
            () -> data.load(dependentLevels, states).compose(this::handOn)
                .compose(x -> data.links(plans, states)).compose(this::handOn)
                .compose(x -> ctx.options.mode() == Mode.MIRROR
                    ? data.mirrorDeletes(plans, states).compose(this::handOn) : Future.succeededFuture())
                .compose(x -> analyzed()),
            Function.identity(), tablesVerdict(LoadLevels.names(dependentLevels))))
        .mapEmpty();
  }

  /** The states a data phase returned become the run's. */
  private Future<Void> handOn(TableStates next) {
    states = next;
    return Future.succeededFuture();
  }

  /** The data phase's notes; ANALYZE too, unless validation runs (it then runs alongside validation). */
  private Future<List<String>> analyzed() {
    if (ctx.options.dryRun() || !ctx.options.skipValidation()) {
      return Future.succeededFuture(List.copyOf(ctx.notes));
    }
    return DataPhase.analyze(ctx, data, plans, states).map(a -> {
      List<String> lines = new ArrayList<>(ctx.notes);
      lines.addAll(a);
      return lines;
    });
  }

  private List<String> tableLines(List<List<TablePlan>> levels) {
    return levels.stream().flatMap(List::stream).map(p -> states.get(p.name()).result())
        .map(r -> r.table() + ": " + r.outcome().name().toLowerCase()).toList();
  }

  private String message(Throwable err) {
    String m = err instanceof FerryException ? err.getMessage() : err.getClass().getSimpleName() + ": " + err.getMessage();
    return ctx.secrets.scrub(m);
  }

  /** Closes the run's source snapshot, if it opened one. */
  Future<Void> closeSnapshot() {
    return ctx.snapshot == null ? Future.succeededFuture() : ctx.snapshot.close().otherwiseEmpty();
  }

  RunSummary summary(Throwable err) {
    List<TableResult> tables = states.results();
    Verdict verdict = Verdict.of(new Verdict.Facts(tables, validation, wouldRefuse, ctx.cancelled.get(), err,
        err == null ? null : message(err), validateOnly, ctx.options.dryRun()));
    return new RunSummary(ctx.runId, ctx.options.mode().label(), ctx.options.dryRun(), verdict.status(),
        verdict.message(), startedAt, System.currentTimeMillis() - startedAt, log.results(), tables, List.copyOf(ddl),
        validation, List.copyOf(ctx.warnings));
  }
}
