package dev.ferry.sync;

import dev.ferry.catalog.IndexInfo;
import dev.ferry.catalog.TableName;
import dev.ferry.plan.KeyKind;
import dev.ferry.plan.Mode;
import dev.ferry.plan.TablePlan;
import dev.ferry.progress.ProgressEvent;
import dev.ferry.result.Strategy;
import io.vertx.core.Future;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Phases 3 to 5: parent tables, id maps, dependent tables; then the second pass over cycle columns and, in
 * mirror mode, deletes (children first). Each table takes the {@link TableSync} its {@link StrategyChoice} names,
 * in a transaction of its own; rebuild mode replaces every table in one ({@link Rebuild}). Every step takes the
 * tables' {@link TableStates} and returns the next.
 */
final class DataPhase {
  /** A table smaller than this is copied on the run's node: another node would spend longer planning it. */
  private static final long REMOTE_MIN_ROWS = 100_000;
  private final RunContext ctx;
  /** The run backed up every selected table first: deleted rows need no copy of their own. */
  private final boolean backedUp;
  /** Tables whose table-finished event was published: once, after the last step that writes them. */
  private final Set<TableName> announced = new HashSet<>();
  /** ANALYZE begun as each table finished (see {@link #analyzeNow}). */
  private final Map<TableName, Future<Void>> analyzing = new HashMap<>();

  DataPhase(RunContext ctx, boolean backedUp) {
    this.ctx = ctx;
    this.backedUp = backedUp;
  }

  /** Loads the given levels, tables of a level in parallel; id maps are built as soon as their table is loaded. */
  Future<TableStates> load(List<List<TablePlan>> levels, TableStates states) {
    Future<TableStates> chain = Future.succeededFuture(states);
    for (List<TablePlan> level : levels) {
      chain = chain.compose(s -> loadLevel(level, s)).compose(s -> buildMaps(level, s).map(s));
    }
    return chain;
  }

  /**
   * One level's tables, spread over the nodes ({@link #spread}), each node's share at most sync.poolSize at once (on
   * a single server, every table here); across nodes, also no more than the servers' free sessions allow
   * ({@link SessionBudget}). The states they return replace the earlier.
   */
  private Future<TableStates> loadLevel(List<TablePlan> level, TableStates states) {
    Map<String, List<TablePlan>> shares = spread(level, states);
    long spreadTo = shares.values().stream().filter(s -> !s.isEmpty()).count();
    Future<Integer> perNode = spreadTo <= 1 ? Future.succeededFuture(ctx.config.poolSize())
        : SessionBudget.tablesAtOnce(ctx).map(tables -> Math.max(1, Math.min(ctx.config.poolSize(),
            (int) (tables / spreadTo))));
    return perNode.compose(limit -> {
      List<TableState> done = Collections.synchronizedList(new ArrayList<>());
      List<Future<Void>> nodes = new ArrayList<>();
      shares.forEach((node, plans) -> nodes.add(Bounded.forEach(plans, limit,
          p -> syncTable(states.get(p.name()), node.isEmpty() ? null : node).onSuccess(done::add))));
      return Future.join(nodes).map(v -> states.with(done));
    });
  }

  /**
   * Which node copies which table of a level ("" is this one): the large ones another node may copy (100,000 source
   * rows or more: it first reads the catalogs, ~0.3 s; see {@link TableJob#mayTravel}) go to the other nodes first,
   * largest first, round the nodes, this one last, since it also runs the run's own phases; the rest stay here.
   */
  private Map<String, List<TablePlan>> spread(List<TablePlan> level, TableStates states) {
    List<String> nodes = new ArrayList<>(ctx.hosts.others());
    if (nodes.isEmpty()) {
      return Map.of("", level);
    }
    nodes.add("");
    Map<String, List<TablePlan>> shares = new LinkedHashMap<>();
    nodes.forEach(n -> shares.put(n, new ArrayList<>()));
    List<TablePlan> bySize = new ArrayList<>(level);
    bySize.sort(Comparator.comparingLong((TablePlan p) -> states.get(p.name()).sourceRows()).reversed());
    int next = 0;
    for (TablePlan p : bySize) {
      boolean travels = states.get(p.name()).sourceRows() >= REMOTE_MIN_ROWS && TableJob.mayTravel(ctx, p);
      String node = travels ? nodes.get(next++ % nodes.size()) : "";
      shares.get(node).add(p);
    }
    return shares;
  }

  /** Phase 4's report: how many ids each natural-key table maps, and how many of them differ. */
  List<String> mapSummary() {
    List<String> lines = new ArrayList<>();
    ctx.idMaps.forEach((t, m) -> lines.add(t.display() + ": " + m.size() + " ids mapped, " + m.differing()
        + " differ between source and target"));
    return lines;
  }

  private Future<Void> buildMaps(List<TablePlan> level, TableStates states) {
    Future<Void> chain = Future.succeededFuture();
    for (TablePlan p : level) {
      if (p.keyKind() == KeyKind.NATURAL && p.idColumn() != null && !states.get(p.name()).failedOrRefused()) {
        chain = chain.compose(v -> IdMapBuilder.build(ctx, p, ctx.target.pool()).mapEmpty());
      }
    }
    return chain;
  }

  private Future<TableState> syncTable(TableState state, String node) {
    if (state.outcome() != null) { // refused before the data phases: said here, in its place among the tables
      finished(state);
      return Future.succeededFuture(state);
    }
    TableRun run = new TableRun(ctx, state);
    Future<TableSync> chosen = ctx.cancelled.get() ? Future.failedFuture(Failures.cancelled())
        : choose(run, state, node);
    return chosen.transform(ar -> ar.succeeded() ? copy(state, run, ar.result())
            : settle(state, run, null, Future.failedFuture(ar.cause())))
        .onSuccess(after -> {
          if (!laterSteps(state.plan()) || after.failedOrRefused()) {
            finished(after);
            analyzeNow(after);
          }
        });
  }

  private Future<TableState> copy(TableState state, TableRun run, TableSync sync) {
    TableState begun = state.chosen(sync.strategy(), sync.path());
    started(begun);
    return settle(begun, run, sync, sync.run().map(o -> begun.copied(o, run.log())));
  }

  /**
   * The table's {@link TableSync}. Where the counts allow the sides to be equal, one digest per side settles it
   * first: for the demo's small parent table, instead of streaming every row to the target in a transaction.
   */
  private Future<TableSync> choose(TableRun run, TableState state, String node) {
    // A pull keeping the developer's own rows must find them: only the comparison does, whatever the size.
    boolean keepsLocalRows = ctx.direction.pull() && ctx.options.mode() != Mode.MIRROR;
    StrategyChoice choice = StrategyChoice.of(run.plan, run.sourceRows, run.targetRows, ctx.fastHash,
        ctx.claims.covers(ctx, run.plan) || keepsLocalRows);
    if (ctx.claims.voided(ctx, run.plan)) {
      run.warn("the last verified sync's claim no longer holds (a restart, a restore, another server or a schema"
          + " change voids it): production's own edits cannot be told apart from the source's changes this run");
    }
    if (choice.ifIdentical() == null) {
      return Future.succeededFuture(build(choice, run, node));
    }
    boolean keyed = run.plan.keyed();
    Future<Digests> digests = keyed ? run.retried(() -> Digests.of(ctx, state)) : Digests.of(ctx, state);
    return digests.compose(d -> {
      if (d.same()) {
        return Future.succeededFuture(new Unchanged(run, choice.ifIdentical(), keyed ? Evidence.identical(
            StreamDigest.of(d.sourceRows(), new BigInteger(d.source())),
            StreamDigest.of(d.targetRows(), new BigInteger(d.target()))) : Evidence.NONE));
      }
      Mode mode = ctx.options.mode();
      if (!keyed && (mode == Mode.INCREMENTAL || (mode == Mode.MIRROR && !ctx.options.confirmDestructive()))) {
        started(state);
        return Future.failedFuture(Failures.refused(keylessRefusal(run.plan)));
      }
      return Future.succeededFuture(build(choice, run, node));
    });
  }

  /** The table's copy, here or, where {@code node} is another node and it can copy the table, there. */
  private TableSync build(StrategyChoice choice, TableRun run, String node) {
    Checkpoint cp = StrategyChoice.checkpointed(run.plan, run.sourceRows, run.dryRun(), ctx.config.checkpointRows())
        ? new Checkpoint() : null;
    TableSync here = build(choice, run, cp);
    return node == null || !TableJob.portable(ctx, run.plan, here) ? here
        : new RemoteCopy(run, here, node, TableJob.of(ctx, run, here, choice.reason(), cp != null), cp);
  }

  private TableSync build(StrategyChoice choice, TableRun run, Checkpoint cp) {
    return switch (choice.strategy()) {
      case EMPTY_LOAD -> new EmptyLoad(run, cp);
      case UPSERT -> new Upsert(run, choice.reason(), cp);
      case DIFFERENTIAL -> new Differential(run);
      case KEYLESS_LOAD -> new KeylessLoad(run);
      case KEYLESS_REPLACE -> new KeylessReplace(run, backedUp);
      case UNCHANGED, KEYLESS_UNCHANGED, REBUILD -> throw new IllegalArgumentException(choice.strategy().wire());
    };
  }

  /** Cycle links or mirror's deletes still to come: the table's line waits for them, so it never says less. */
  private boolean laterSteps(TablePlan plan) {
    return !plan.deferred().isEmpty() || mirrorDeletes(plan);
  }

  private boolean mirrorDeletes(TablePlan plan) {
    return ctx.options.mode() == Mode.MIRROR && plan.keyed();
  }

  /** Second pass: cycle and self-reference columns, once every table's rows exist. */
  Future<TableStates> links(List<TablePlan> plans, TableStates states) {
    Future<TableStates> chain = Future.succeededFuture(states);
    for (TablePlan plan : plans) {
      chain = chain.compose(s -> {
        TableState t = s.get(plan.name());
        if (plan.deferred().isEmpty() || t.failedOrRefused()) {
          return Future.succeededFuture(s);
        }
        TableRun run = new TableRun(ctx, t);
        Future<TableState> linked = run.retried(() -> {
          run.counter.reset();
          return run.transaction(run.copier()::copyLinks);
        }).map(v -> t.added(run.counter.counts(), run.log()));
        return settle(t, run, null, linked).map(after -> {
          if (!mirrorDeletes(plan) || after.failedOrRefused()) {
            finished(after);
          }
          return s.with(List.of(after));
        });
      });
    }
    return chain;
  }

  /** Mirror: target rows the source lacks are deleted, children first (see {@link MirrorDelete}). */
  Future<TableStates> mirrorDeletes(List<TablePlan> plans, TableStates states) {
    List<TablePlan> reversed = new ArrayList<>(plans);
    Collections.reverse(reversed);
    Future<TableStates> chain = Future.succeededFuture(states);
    for (TablePlan plan : reversed) {
      chain = chain.compose(s -> {
        TableState t = s.get(plan.name());
        if (!plan.keyed() || t.failedOrRefused()) {
          return Future.succeededFuture(s);
        }
        TableRun run = new TableRun(ctx, t);
        return settle(t, run, null, new MirrorDelete(run, t, backedUp).run()).map(after -> {
          finished(after);
          return s.with(List.of(after));
        });
      });
    }
    return chain;
  }

  /** Rebuild: every selected table replaced in one transaction (see {@link Rebuild}). */
  Future<TableStates> rebuild(List<TablePlan> plans, TableStates states) {
    List<TableState> begun = plans.stream().map(p -> states.get(p.name()).chosen(Strategy.REBUILD, Rebuild.PATH))
        .toList();
    begun.forEach(this::started);
    return new Rebuild(ctx).run(begun).map(after -> {
      after.forEach(this::finished);
      return states.with(after);
    });
  }

  /**
   * ANALYZE of every table the run wrote enough of ({@link #worthAnalyzing}), at most sync.poolSize at once; a
   * table that finished early was begun then ({@link #analyzeNow}) and is only awaited. Returns the report's line.
   */
  static Future<List<String>> analyze(RunContext ctx, DataPhase data, List<TablePlan> plans, TableStates states) {
    List<TablePlan> written = plans.stream().filter(p -> worthAnalyzing(states.get(p.name()))
        && !ctx.analyzed.contains(p.name())).toList();
    Map<TableName, Future<Void>> begun = data == null ? Map.of() : data.analyzing;
    return Bounded.forEach(written, ctx.config.poolSize(), p -> begun.containsKey(p.name()) ? begun.get(p.name())
            : analyze(ctx, p.name()))
        .map(v -> written.isEmpty() ? List.of()
            : List.of("analyzed " + String.join(", ", written.stream().map(p -> p.name().display()).toList())));
  }

  /**
   * A table done with (no later step writes it) whose statistics the run will refresh: ANALYZE now, beside the
   * tables still loading, instead of at the end (scale 1: the 30,000-row table's 0.25 s, in the large table's
   * index builds, where a core is idle, instead of after them).
   */
  private void analyzeNow(TableState t) {
    TableName name = t.plan().name();
    if (!ctx.options.dryRun() && !t.failedOrRefused() && worthAnalyzing(t) && !ctx.analyzed.contains(name)
        && !analyzing.containsKey(name)) {
      analyzing.put(name, analyze(ctx, name));
    }
  }

  private static Future<Void> analyze(RunContext ctx, TableName table) {
    return ctx.target.pool().query("ANALYZE " + table.sql()).execute().mapEmpty();
  }

  /**
   * Statistics are refreshed where the run changed enough of a table to mislead the planner: autovacuum's own
   * threshold (50 rows plus a tenth of the table). Below it ANALYZE would cost a full sample (1.8 s on a 300k-row
   * table) for statistics that barely move; autovacuum keeps them as it always does.
   */
  private static boolean worthAnalyzing(TableState t) {
    long written = t.counts().written();
    return written > 0 && written >= 50 + Math.max(t.targetRows(), t.sourceRows()) / 10;
  }

  /**
   * Records a step's failure instead of propagating it: one failing table does not stop the others. What stays
   * committed is the earlier steps' rows and, for a copy, what its {@link TableSync#committed()} says.
   */
  private Future<TableState> settle(TableState before, TableRun run, TableSync sync, Future<TableState> work) {
    return work.recover(failure -> {
      Throwable err = Failures.ifCancelled(ctx, failure);
      String note = sync == null ? "" : sync.committedNote();
      return Future.succeededFuture(before.failed(Failures.table(err), ctx.message(err) + note,
          sync == null ? Counts.NONE : sync.committed(), run.log()));
    });
  }

  /** Tables whose line waited for a later step that never came (the run stopped first) get it now. */
  void announceUnfinished(TableStates states) {
    states.all().stream().filter(t -> !t.path().isEmpty()).forEach(this::finished);
  }

  private void started(TableState t) {
    ctx.bus.publish(new ProgressEvent.TableStarted(ctx.runId, t.plan().name().display(), t.sourceRows(),
        t.sourceEstimated(), t.targetRows(), t.path()));
  }

  /** Publishes the table's result, once: what the console's table line, the live run and metrics read. */
  private void finished(TableState t) {
    if (announced.add(t.plan().name())) {
      ctx.bus.publish(new ProgressEvent.TableFinished(ctx.runId, t.result()));
    }
  }

  /** Why a table without a key whose contents differ is refused in a mode that may not replace them. */
  private static String keylessRefusal(TablePlan plan) {
    return plan.name().display() + " " + whyKeyless(plan) + " and its contents differ, so rows cannot be matched"
        + " one by one. Configure tables." + plan.name().display() + ".key, or replace its contents with"
        + " --mode mirror --confirm-destructive";
  }

  /** Why a table has no key Ferry can match rows by: none at all, or unique indexes that allow NULLs. */
  private static String whyKeyless(TablePlan plan) {
    List<String> nullable = new ArrayList<>();
    for (IndexInfo i : plan.target().indexes()) {
      List<String> cols = i.columns().stream()
          .filter(c -> plan.target().column(c).map(col -> !col.notNull()).orElse(false)).toList();
      if (i.unique() && i.valid() && !i.expression() && !i.partial() && !cols.isEmpty()) {
        nullable.add(i.name() + " " + cols);
      }
    }
    return nullable.isEmpty() ? "has no primary key or unique key"
        : "has no primary key, and its unique index" + (nullable.size() == 1 ? " " : "es ")
            + String.join(", ", nullable) + " cannot match rows: those columns are nullable, and NULLs never"
            + " match (make them NOT NULL to use the index as the key)";
  }
}
