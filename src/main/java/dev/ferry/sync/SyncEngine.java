package dev.ferry.sync;

import dev.ferry.catalog.Catalog;
import dev.ferry.catalog.CatalogReader;
import dev.ferry.catalog.TableInfo;
import dev.ferry.catalog.TableName;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.TargetTriggers;
import dev.ferry.db.Database;
import dev.ferry.error.ErrorCode;
import dev.ferry.error.FerryException;
import dev.ferry.db.Side;
import dev.ferry.plan.KeyKind;
import dev.ferry.plan.Mode;
import dev.ferry.plan.Planner;
import dev.ferry.plan.SafetyRules;
import dev.ferry.plan.SyncOptions;
import dev.ferry.plan.TableOrder;
import dev.ferry.plan.TablePlan;
import dev.ferry.progress.ProgressBus;
import dev.ferry.progress.ProgressEvent;
import dev.ferry.result.Phase;
import dev.ferry.result.PhaseOutcome;
import dev.ferry.result.RunStatus;
import dev.ferry.result.RunSummary;
import dev.ferry.result.TableResult;
import dev.ferry.schema.DbSchema;
import dev.ferry.schema.SchemaReader;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One sync run, phase by phase: schema validation, index sync, parents, id mapping, dependents, validation.
 * Everything is a composed Future on the calling context; the engine reports through {@link ProgressBus} only.
 */
public final class SyncEngine {
  private final Vertx vertx;
  private final FerryConfig config;
  private final ProgressBus bus;

  public SyncEngine(Vertx vertx, FerryConfig config, ProgressBus bus) {
    this.vertx = vertx;
    this.config = config;
    this.bus = bus;
  }

  /** Ends a validate-only run after its validation phase (the data phases are skipped). */
  private static final class ValidatedOnly extends RuntimeException {
    ValidatedOnly() {
      super(null, null, false, false);
    }
  }

  /**
   * Runs a sync. The future fails only for configuration errors (a bad table name, an impossible key); every
   * other outcome, including refusals and database failures, is a {@link RunSummary}. Setting {@code cancel} stops
   * the run at the next batch boundary.
   */
  public Future<RunSummary> run(String runId, SyncOptions options, AtomicBoolean cancel) {
    return run(runId, options, cancel, false);
  }

  /**
   * Only the checks: schema, counts, then the validation phase (counts, content digests, orphans) on the
   * selected tables; nothing is written. {@code ferry validate} and {@code ferry setup} use it.
   */
  public Future<RunSummary> validateOnly(String runId, SyncOptions options) {
    return run(runId, options.withDryRun(true), new AtomicBoolean(), true);
  }

  private Future<RunSummary> run(String runId, SyncOptions options, AtomicBoolean cancel, boolean validateOnly) {
    long startedAt = System.currentTimeMillis();
    Database source = Database.open(vertx, Side.SOURCE, config.requireSource(), config.poolSize() + 2,
        config.connectTimeoutSeconds(), true);
    Database target = Database.open(vertx, Side.TARGET, config.requireTarget(), config.poolSize() + 2,
        config.connectTimeoutSeconds(), true);
    RunContext ctx = new RunContext(runId, vertx, config, options, bus, source, target, cancel);
    Run run = new Run(ctx, startedAt, validateOnly);
    bus.publish(new ProgressEvent.RunStarted(runId, options.mode().label(), options.dryRun(),
        source.url().redacted(), target.url().redacted()));
    if (options.mode() == Mode.FORCE && !options.dryRun()) {
      ctx.warn(null, "FORCE mode: schema validation and safety guards are bypassed (confirmed with --confirm-destructive)");
    }
    Future<Void> executed = SafetyRules.confirmation(options)
        .<Future<Void>>map(msg -> Future.failedFuture(Failures.refused(msg)))
        .orElseGet(run::execute);
    Future<RunSummary> result = executed
        .transform(ar -> run.dropUnusedBackups(ar.succeeded()).compose(v -> executed))
        .map(v -> run.summary(null))
        .recover(err -> Failures.code(err) == ErrorCode.CONFIG ? Future.failedFuture(err)
            : Future.succeededFuture(run.summary(err)));
    return result
        .eventually(() -> ctx.snapshot == null ? Future.succeededFuture() : ctx.snapshot.close().otherwiseEmpty())
        .eventually(() -> Future.join(source.close(), target.close()))
        .onComplete(ar -> {
          run.announceUnfinished();
          RunSummary summary = ar.succeeded() ? ar.result() : run.summary(ar.cause());
          bus.publish(new ProgressEvent.RunFinished(runId, summary));
        });
  }

  /** The phases of one run and what they found. */
  private final class Run {
    private final RunContext ctx;
    private final long startedAt;
    private final List<RunSummary.PhaseResult> phases = new ArrayList<>();
    private final List<String> ddl = new ArrayList<>();
    private List<TablePlan> plans = List.of();
    private List<RunSummary.ValidationResult> validation = List.of();
    /** A dry run's refusals: it goes on to plan, and ends refused as the real run would. */
    private final List<String> wouldRefuse = new ArrayList<>();
    private final boolean validateOnly;
    /** Every table's state: counted, then replaced by what each data phase returns. */
    private TableStates states = TableStates.of(List.of());
    /** The backup taken before a rebuild or force run, if one was. */
    private Long fullBackupId;
    /** Once the data phases begin. */
    private DataPhase data;

    Run(RunContext ctx, long startedAt, boolean validateOnly) {
      this.ctx = ctx;
      this.startedAt = startedAt;
      this.validateOnly = validateOnly;
    }

    Future<Void> execute() {
      Future<Catalog> sourceCatalog = CatalogReader.read(ctx.source.pool()).recover(e -> Future.failedFuture(ctx.source.describe(e)));
      Future<Catalog> targetCatalog = CatalogReader.read(ctx.target.pool()).recover(e -> Future.failedFuture(ctx.target.describe(e)));
      Future<DbSchema> sourceSchema = SchemaReader.read(ctx.source.pool()).recover(e -> Future.failedFuture(ctx.source.describe(e)));
      Future<DbSchema> targetSchema = SchemaReader.read(ctx.target.pool()).recover(e -> Future.failedFuture(ctx.target.describe(e)));
      Future<Boolean> fastHash = Future.all(modern(ctx.source), modern(ctx.target))
          .map(v -> ctx.fastHash = v.<Boolean>resultAt(0) && v.<Boolean>resultAt(1));
      return Future.all(List.of(sourceCatalog, targetCatalog, sourceSchema, targetSchema, fastHash))
          .compose(v -> phase(Phase.SCHEMA, "compare columns, types, nullability and defaults",
              () -> checkSchema(sourceCatalog.result(), targetCatalog.result(), sourceSchema.result(), targetSchema.result()),
              Function.identity()))
          .compose(this::plan)
          .compose(v -> SourceSnapshot.open(ctx.source).map(s -> ctx.snapshot = s))
          .compose(v -> Future.all(Claims.open(ctx).map(c -> ctx.claims = c), countAndGuard()))
          .compose(v -> validateOnly ? validate().compose(x -> Future.<Void>failedFuture(new ValidatedOnly())) : backup())
          .compose(v -> ctx.options.skipIndexes() ? skipped(Phase.INDEXES, "--skip-indexes")
              : phase(Phase.INDEXES, "create indexes the target lacks", this::syncIndexes, Function.identity()).mapEmpty())
          .compose(v -> unlessCancelled())
          .compose(v -> loadData())
          .compose(v -> unlessCancelled())
          .compose(v -> ctx.options.skipValidation() || ctx.options.dryRun()
              ? skipped(Phase.VALIDATION, ctx.options.dryRun() ? "dry run: nothing was written" : "--skip-validation")
              : validate())
          .recover(err -> err instanceof ValidatedOnly ? Future.succeededFuture() : Future.failedFuture(err));
    }

    /**
     * Rebuild and force replace data wholesale: every selected table is snapshot first (backup.beforeSync:
     * destructive, the default; always does it for every run). Mirror's deletes back up the rows they delete.
     */
    private Future<Void> backup() {
      String policy = config.backup().beforeSync();
      boolean wanted = policy.equals("always") || (policy.equals("destructive") && ctx.options.mode().alwaysDestructive());
      if (ctx.options.dryRun() || !wanted) {
        return Future.succeededFuture();
      }
      return phase(Phase.BACKUP, "snapshot the target tables this run may replace", () -> ctx.backups.take(
              plans.stream().map(p -> p.target().name()).toList(), "before " + ctx.options.mode().label() + " sync",
              ctx.runId),
          info -> {
            fullBackupId = info.id();
            return List.of("backup #" + info.id() + ": " + info.rows() + " rows of " + info.rowsByTable().size()
                + " table" + (info.rowsByTable().size() == 1 ? "" : "s") + " (`ferry rollback " + ctx.runId
                + "` puts them back)");
          }).mapEmpty();
    }

    /**
     * A run that stopped without changing the target keeps no backup for it, so no rollback is offered for a change
     * that never happened: the backup taken before it, and the copy of deleted rows when no delete was committed.
     */
    private Future<Void> dropUnusedBackups(boolean completed) {
      boolean stopped = !completed || ctx.cancelled.get() || states.all().stream()
          .anyMatch(t -> t.outcome() == TableResult.Outcome.FAILED || t.outcome() == TableResult.Outcome.SKIPPED);
      Future<Void> full = fullBackupId == null || !stopped || !states.nothingWritten() ? Future.succeededFuture()
          : ctx.backups.discard(fullBackupId).map(v -> {
            ctx.warn(null, "backup #" + fullBackupId + " dropped: the run changed nothing, so there is nothing"
                + " to roll back");
            return null;
          });
      return full.compose(v -> ctx.backups.discardEmptyRunBackup())
          .map(id -> {
            id.ifPresent(n -> ctx.warn(null, "backup #" + n + " dropped: no delete was committed, so it held no rows"));
            return (Void) null;
          })
          .recover(err -> {
            ctx.warn(null, "could not drop a backup this run did not need: " + message(err));
            return Future.succeededFuture();
          });
    }

    /** Tables whose line waited for a later step that never came (the run stopped first) get it now. */
    void announceUnfinished() {
      if (data != null) {
        data.announceUnfinished(states);
      }
    }

    /** PostgreSQL 14+, which has hash_record_extended. */
    private Future<Boolean> modern(Database db) {
      return db.pool().query("SELECT current_setting('server_version_num')::int >= 140000").execute()
          .map(rs -> rs.iterator().next().getBoolean(0));
    }

    /** Between phases: a cancelled run stops here (each table already committed or rolled back whole). */
    private Future<Void> unlessCancelled() {
      return ctx.cancelled.get() ? Future.failedFuture(Failures.cancelled()) : Future.succeededFuture();
    }

    /** Validation, with the written tables' ANALYZE running alongside (both only read the tables). */
    private Future<Void> validate() {
      Future<List<String>> analyzed = DataPhase.analyze(ctx, plans, states);
      return phase(Phase.VALIDATION, "compare counts and content digests, look for orphaned rows; refresh statistics",
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
          .recover(err -> {
            ctx.warn(null, "could not record what this run verified (the next run compares every row): "
                + message(err));
            return Future.succeededFuture();
          })
          .map(results);
    }

    private Future<List<String>> checkSchema(Catalog source, Catalog target, DbSchema sourceSchema, DbSchema targetSchema) {
      List<TableInfo> selected = new Planner(config).select(source, ctx.options, ctx.warnings);
      SchemaCheck.Report report = SchemaCheck.compare(selected, sourceSchema, targetSchema);
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
      selectedTables = selected;
      targetCatalog = target;
      return Future.succeededFuture(lines.isEmpty() ? List.of(selected.size() + " tables match") : lines);
    }

    private List<TableInfo> selectedTables;
    private Catalog targetCatalog;
    private TableOrder order;

    private Future<Void> plan(List<String> ignored) {
      order = TableOrder.of(selectedTables);
      plans = new Planner(config).plan(selectedTables, targetCatalog, order);
      Map<TableName, TablePlan> byName = new LinkedHashMap<>();
      plans.forEach(p -> byName.put(p.name(), p));
      ctx.plans = byName;
      // Triggers that will be switched off are noted; ones that will run and can change rows are warned about.
      boolean fire = config.targetTriggers() == TargetTriggers.FIRE;
      plans.forEach(p -> TriggerSwitch.describe(config.targetTriggers(), p)
          .forEach(line -> {
            if (fire) {
              ctx.warn(null, line);
            } else {
              ctx.notes.add(line);
            }
          }));
      return Future.succeededFuture();
    }

    /** Exact counts on both sides (the source's from the run's snapshot), then the per-table guards. */
    private Future<Void> countAndGuard() {
      Map<TableName, Future<Long>> src = new LinkedHashMap<>();
      Map<TableName, Future<Long>> tgt = new LinkedHashMap<>();
      Future<Void> sourceCounts = ctx.snapshot.read(conn -> {
        plans.forEach(p -> src.put(p.name(), conn.query(TableSql.count(p.source().fromSql())).execute()
            .map(rs -> rs.iterator().next().getLong(0))));
        return Future.all(new ArrayList<>(src.values())).mapEmpty();
      });
      plans.forEach(p -> tgt.put(p.name(), ctx.target.pool().query(TableSql.count(p.target().fromSql())).execute()
          .map(rs -> rs.iterator().next().getLong(0))));
      return Future.all(sourceCounts, Future.all(new ArrayList<>(tgt.values()))).compose(v -> {
        List<String> refusals = new ArrayList<>();
        List<TableState> counted = new ArrayList<>();
        for (TablePlan p : plans) {
          long s = src.get(p.name()).result();
          long t = tgt.get(p.name()).result();
          TableState state = TableState.counted(p, s, t);
          Optional<String> uncopyable = SafetyRules.copyable(p);
          // Only force mode gets here with such a table: the schema check refuses it.
          counted.add(uncopyable.map(state::refused).orElse(state));
          if (uncopyable.isPresent()) {
            continue;
          }
          if (ctx.options.mode() != Mode.FORCE) {
            SafetyRules.table(ctx.options.mode(), p, s, t).ifPresent(refusals::add);
          }
        }
        states = TableStates.of(counted);
        if (!refusals.isEmpty() && !ctx.options.dryRun()) {
          return Future.failedFuture(Failures.refused(String.join("\n", refusals)));
        }
        refusals.forEach(r -> ctx.warn(null, "a real run would refuse: " + r));
        wouldRefuse.addAll(refusals);
        return Future.succeededFuture();
      });
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
      data = new DataPhase(ctx, fullBackupId != null);
      if (ctx.options.mode() == Mode.REBUILD) {
        return phase(Phase.DEPENDENTS, "replace every selected table in one transaction",
            () -> data.rebuild(plans, states).compose(this::handOn).compose(v -> analyzed()), Function.identity(),
            tablesVerdict(ctx.plans.keySet())).mapEmpty();
      }
      Set<TableName> parents = parentTables();
      List<List<TablePlan>> parentLevels = levels(parents, true);
      List<List<TablePlan>> dependentLevels = levels(parents, false);
      return phase(Phase.PARENTS, "tables others map their ids through, and their own parents",
          () -> data.load(parentLevels, states).compose(this::handOn).map(v -> tableLines(parentLevels)),
          Function.identity(), tablesVerdict(parents))
          .compose(v -> phase(Phase.ID_MAP, "source id → target id for natural-key tables",
              () -> Future.succeededFuture(data.mapSummary()), Function.identity()))
          .compose(v -> phase(Phase.DEPENDENTS, "remaining tables in foreign-key order, then cycle links"
                  + (ctx.options.mode() == Mode.MIRROR ? " and deletes" : ""),
              () -> data.load(dependentLevels, states).compose(this::handOn)
                  .compose(x -> data.links(plans, states)).compose(this::handOn)
                  .compose(x -> ctx.options.mode() == Mode.MIRROR
                      ? data.mirrorDeletes(plans, states).compose(this::handOn) : Future.succeededFuture())
                  .compose(x -> analyzed()),
              Function.identity(), tablesVerdict(names(dependentLevels))))
          .mapEmpty();
    }

    /** The states a data phase returned become the run's. */
    private Future<Void> handOn(TableStates next) {
      states = next;
      return Future.succeededFuture();
    }

    private static Set<TableName> names(List<List<TablePlan>> levels) {
      Set<TableName> out = new HashSet<>();
      levels.forEach(l -> l.forEach(p -> out.add(p.name())));
      return out;
    }

    /** The data phase's notes; ANALYZE too, unless validation runs (it then runs alongside validation). */
    private Future<List<String>> analyzed() {
      if (ctx.options.dryRun() || !ctx.options.skipValidation()) {
        return Future.succeededFuture(List.copyOf(ctx.notes));
      }
      return DataPhase.analyze(ctx, plans, states).map(a -> {
        List<String> lines = new ArrayList<>(ctx.notes);
        lines.addAll(a);
        return lines;
      });
    }

    /** Natural-key tables others map through, and every table they depend on. */
    private Set<TableName> parentTables() {
      Set<TableName> out = new HashSet<>();
      List<TableName> todo = new ArrayList<>();
      plans.stream().filter(p -> p.keyKind() == KeyKind.NATURAL).forEach(p -> todo.add(p.name()));
      while (!todo.isEmpty()) {
        TableName t = todo.remove(todo.size() - 1);
        if (out.add(t)) {
          ctx.plans.get(t).target().foreignKeys().stream()
              .filter(fk -> ctx.plans.containsKey(fk.refTable()) && !order.deferred().stream()
                  .anyMatch(d -> d.name().equals(fk.name()) && d.table().equals(fk.table())))
              .forEach(fk -> todo.add(fk.refTable()));
        }
      }
      return out;
    }

    private List<List<TablePlan>> levels(Set<TableName> parents, boolean inParents) {
      List<List<TablePlan>> out = new ArrayList<>();
      for (List<TableName> level : order.levels()) {
        List<TablePlan> l = level.stream().filter(t -> parents.contains(t) == inParents).map(ctx.plans::get).toList();
        if (!l.isEmpty()) {
          out.add(l);
        }
      }
      return out;
    }

    private List<String> tableLines(List<List<TablePlan>> levels) {
      return levels.stream().flatMap(List::stream).map(p -> states.get(p.name()).result())
          .map(r -> r.table() + ": " + r.outcome().name().toLowerCase()).toList();
    }

    private Future<Void> skipped(Phase name, String why) {
      bus.publish(new ProgressEvent.PhaseStarted(ctx.runId, name, "skipped"));
      phases.add(new RunSummary.PhaseResult(name, PhaseOutcome.SKIPPED, 0, List.of(why)));
      bus.publish(new ProgressEvent.PhaseFinished(ctx.runId, name, PhaseOutcome.SKIPPED, 0, List.of(why)));
      return Future.succeededFuture();
    }

    private <T> Future<T> phase(Phase name, String description, Supplier<Future<T>> work,
        Function<T, List<String>> details) {
      return phase(name, description, work, details, () -> PhaseOutcome.OK);
    }

    /**
     * {@code verdict}: the outcome of a phase whose work completed, "ok" unless what it did says otherwise (a
     * table that failed in it, a difference validation found), so that no "✓ ok" stands above a failure.
     */
    private <T> Future<T> phase(Phase name, String description, Supplier<Future<T>> work,
        Function<T, List<String>> details, Supplier<PhaseOutcome> verdict) {
      bus.publish(new ProgressEvent.PhaseStarted(ctx.runId, name, description));
      long start = System.nanoTime();
      return work.get().andThen(ar -> {
        long ms = (System.nanoTime() - start) / 1_000_000;
        List<String> lines = ar.succeeded() ? details.apply(ar.result()) : List.of(message(ar.cause()));
        PhaseOutcome outcome = ar.succeeded() ? verdict.get()
            : Failures.phase(ar.cause());
        phases.add(new RunSummary.PhaseResult(name, outcome, ms, lines));
        bus.publish(new ProgressEvent.PhaseFinished(ctx.runId, name, outcome, ms, lines));
      });
    }

    private String message(Throwable err) {
      String m = err instanceof FerryException ? err.getMessage() : err.getClass().getSimpleName() + ": " + err.getMessage();
      return ctx.secrets.scrub(m);
    }

    /**
     * "wrote 662,214 rows in 4 tables: 331,107 inserted, 331,107 deleted": every row written, and what kind, so a
     * rebuild's delete-and-insert is not read as twice its rows.
     */
    private static String written(List<TableResult> tables) {
      long inserted = tables.stream().mapToLong(TableResult::inserted).sum();
      long updated = tables.stream().mapToLong(TableResult::updated).sum();
      long deleted = tables.stream().mapToLong(TableResult::deleted).sum();
      long linked = tables.stream().mapToLong(TableResult::linked).sum();
      long all = tables.stream().mapToLong(TableResult::written).sum();
      List<String> kinds = new ArrayList<>();
      for (Object[] k : new Object[][] {{inserted, "inserted"}, {updated, "updated"}, {deleted, "deleted"},
          {linked, "links set"}}) {
        if ((long) k[0] > 0) {
          kinds.add(String.format("%,d %s", (long) k[0], k[1]));
        }
      }
      long changed = tables.stream().filter(t -> t.written() > 0).count();
      if (changed == 0) {
        return "0 rows: " + (tables.size() == 1 ? "the table is" : plural(tables.size(), "table") + " are")
            + " already equal";
      }
      return plural(all, "row") + " in " + (changed < tables.size() ? String.format("%,d of ", changed) : "")
          + plural(tables.size(), "table") + ": " + String.join(", ", kinds);
    }

    private static String plural(long n, String noun) {
      return String.format("%,d %s%s", n, noun, n == 1 ? "" : "s");
    }

    RunSummary summary(Throwable err) {
      List<TableResult> tables = states.results();
      RunStatus status;
      String message;
      long failed = tables.stream().filter(t -> t.outcome() == TableResult.Outcome.FAILED).count();
      long refused = tables.stream().filter(t -> t.outcome() == TableResult.Outcome.REFUSED).count();
      long cancelled = tables.stream().filter(t -> t.outcome() == TableResult.Outcome.SKIPPED).count();
      long mismatched = validation.stream().filter(v -> !v.matches()).count();
      RunStatus failedAs = err == null ? null : Failures.run(err);
      if (failedAs == RunStatus.CANCELLED || (err == null && (cancelled > 0 || ctx.cancelled.get()))) {
        status = RunStatus.CANCELLED;
        // The status says "cancelled"; the message says what that left behind.
        message = (cancelled == 0 ? "stopped between tables, nothing in progress to roll back"
            : plural(cancelled, "table") + " in progress rolled back whole") + "; tables finished before the cancel"
            + " stay committed";
      } else if (failedAs != null) {
        status = failedAs;
        message = message(err);
      } else if (!wouldRefuse.isEmpty()) {
        status = RunStatus.REFUSED;
        message = "dry run: a real run would refuse (nothing was written): " + String.join("\n", wouldRefuse);
      } else if (refused > 0) {
        status = RunStatus.REFUSED;
        message = String.join("\n", tables.stream().filter(t -> t.outcome() == TableResult.Outcome.REFUSED)
            .map(TableResult::message).toList());
      } else if (failed > 0) {
        status = failed == tables.size() ? RunStatus.FAILED : RunStatus.PARTIAL;
        message = String.format("%,d of %s failed", failed, plural(tables.size(), "table"));
      } else if (mismatched > 0) {
        status = RunStatus.FAILED;
        message = "validation found differences in " + plural(mismatched, "table");
      } else {
        status = RunStatus.SUCCEEDED;
        message = validateOnly ? plural(tables.size(), "table") + ": counts, content digests and foreign keys match"
            : (ctx.options.dryRun() ? "dry run: would write " : "wrote ") + written(tables);
      }
      return new RunSummary(ctx.runId, ctx.options.mode().label(), ctx.options.dryRun(), status, message, startedAt,
          System.currentTimeMillis() - startedAt, List.copyOf(phases), tables, List.copyOf(ddl), validation,
          List.copyOf(ctx.warnings));
    }
  }
}
