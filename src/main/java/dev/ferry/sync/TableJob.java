package dev.ferry.sync;

import dev.ferry.catalog.Catalog;
import dev.ferry.catalog.CatalogReader;
import dev.ferry.catalog.TableInfo;
import dev.ferry.config.FerryConfig;
import dev.ferry.db.Database;
import dev.ferry.db.Side;
import dev.ferry.error.ErrorCode;
import dev.ferry.error.FerryException;
import dev.ferry.plan.Mode;
import dev.ferry.plan.Planner;
import dev.ferry.plan.SyncOptions;
import dev.ferry.plan.TableOrder;
import dev.ferry.plan.TablePlan;
import dev.ferry.progress.ProgressBus;
import dev.ferry.result.Strategy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One table's copy as a message another node can run: what the run decided (the strategy, the counts, the source
 * snapshot to import) and how to check that node sees the same databases and plans the table the same way. The
 * node connects with its own configuration (the job names the databases only as redacted URLs, to check they are
 * the same: no password crosses the wire), plans the table from its catalogs, runs the copy and answers what a
 * {@link CopyOutcome} and the step's log hold.
 */
public final class TableJob {
  /** The answer of a node that may not take the job (other databases, another plan): the run's node copies it. */
  static final String DECLINED = "declined";
  private static final int JOB_POOL = 3;

  private static final String XIDS = "xids";

  private TableJob() {}

  /**
   * Whether another node may be given this table, before its copy is chosen: a push's table that reads no id map,
   * has no cycle columns and no claim to compare under (those are compared, not copied, here).
   */
  static boolean mayTravel(RunContext ctx, TablePlan plan) {
    return !ctx.direction.pull() && !ctx.options.dryRun() && plan.mapped().isEmpty() && plan.deferred().isEmpty()
        && !ctx.claims.covers(ctx, plan);
  }

  /** Whether another node can copy this table: one that may travel, copied by a plain load or an upsert. */
  static boolean portable(RunContext ctx, TablePlan plan, TableSync sync) {
    return mayTravel(ctx, plan) && (sync instanceof EmptyLoad || sync instanceof Upsert);
  }

  static JsonObject of(RunContext ctx, TableRun run, TableSync sync, String reason, boolean checkpointed) {
    return new JsonObject()
        .put("runId", ctx.runId)
        .put("table", run.plan.name().display())
        .put("source", ctx.source.url().redacted())
        .put("target", ctx.target.url().redacted())
        .put("snapshot", ctx.snapshot.id())
        .put("fastHash", ctx.fastHash)
        .put("mode", ctx.options.mode().label())
        .put("skipValidation", ctx.options.skipValidation())
        .put("plan", fingerprint(run.plan))
        .put("strategy", sync.strategy().wire())
        .put("reason", reason)
        .put("checkpointed", checkpointed)
        .put("sourceRows", run.sourceRows)
        .put("targetRows", run.targetRows);
  }

  /** What both nodes must plan alike: key, columns (types, collations), surrogate keys. */
  private static String fingerprint(TablePlan plan) {
    return plan.name() + " " + plan.keyKind() + " " + plan.key() + " " + plan.columns() + " " + plan.surrogate();
  }

  /**
   * Runs {@code job} on this node with its own {@code config}; completes with the answer (a failed copy is an
   * answer too: {@code failed} and {@code message}). Progress goes to {@code bus}, each committed checkpoint to
   * {@code checkpoints}, for the run's node.
   */
  public static Future<JsonObject> run(Vertx vertx, FerryConfig config, JsonObject job, ProgressBus bus,
      AtomicBoolean cancel, Consumer<JsonObject> checkpoints) {
    if (!config.requireSource().redacted().equals(job.getString("source"))
        || !config.requireTarget().redacted().equals(job.getString("target"))) {
      return Future.succeededFuture(declined("this node's configuration names other databases"));
    }
    SyncOptions options = SyncOptions.defaults().withMode(Mode.parse(job.getString("mode")))
        .withSkips(job.getBoolean("skipValidation"), true).withTables(List.of(job.getString("table")));
    // One table's pools: its copy needs a few sessions per side (COPY streams open their own), not a run's.
    Database source = Database.open(vertx, Side.SOURCE, config.requireSource(), JOB_POOL,
        config.connectTimeoutSeconds(), true);
    Database target = Database.open(vertx, Side.TARGET, config.requireTarget(), JOB_POOL,
        config.connectTimeoutSeconds(), true);
    RunContext base = new RunContext(job.getString("runId"), vertx, config, options, bus, source, target, cancel,
        Direction.PUSH, TableHosts.HERE);
    Future<Catalog> sourceCatalog = CatalogReader.read(source.pool());
    Future<Catalog> targetCatalog = CatalogReader.read(target.pool());
    return Future.all(sourceCatalog, targetCatalog)
        .compose(v -> {
          Planner planner = new Planner(config);
          List<TableInfo> selected = planner.select(sourceCatalog.result(), options, new ArrayList<>());
          List<TablePlan> plans = planner.plan(selected, targetCatalog.result(), TableOrder.of(selected));
          if (plans.size() != 1 || !fingerprint(plans.get(0)).equals(job.getString("plan"))) {
            return Future.succeededFuture(declined("this node plans the table differently"));
          }
          TablePlan plan = plans.get(0);
          SourceSnapshot snapshot = SourceSnapshot.imported(source, job.getString("snapshot"));
          RunContext ctx = base.prepared(Map.of(plan.name(), plan), snapshot, job.getBoolean("fastHash"));
          TableRun run = new TableRun(ctx, TableState.counted(plan, job.getLong("sourceRows"),
              job.getLong("targetRows")));
          Checkpoint cp = job.getBoolean("checkpointed") ? new Checkpoint() : null;
          if (cp != null) { // with the transactions that wrote the committed rows: the run's claim covers them
            cp.onCommit = () -> checkpoints.accept(cp.toJson().put(XIDS, xids(run.log())));
          }
          TableSync sync = Strategy.EMPTY_LOAD.wire().equals(job.getString("strategy")) ? new EmptyLoad(run, cp)
              : new Upsert(run, job.getString("reason"), cp);
          return sync.run().compose(o -> answer(ctx, run, o))
              .recover(err -> Future.succeededFuture(new JsonObject()
                  .put("failed", Failures.code(err) == null ? ErrorCode.DATABASE.name() : Failures.code(err).name())
                  .put("message", ctx.message(err)).put("warnings", new JsonArray(ctx.warnings))));
        })
        .recover(err -> Future.succeededFuture(declined(base.message(err))))
        .eventually(() -> Future.join(source.close(), target.close()));
  }

  private static JsonObject declined(String why) {
    return new JsonObject().put(DECLINED, why);
  }

  private static Future<JsonObject> answer(RunContext ctx, TableRun run, CopyOutcome o) {
    Future<StreamDigest> target = o.evidence().targetAfter() == null ? Future.succeededFuture()
        : o.evidence().targetAfter().get();
    return target.map(after -> {
      StepLog log = run.log();
      String table = run.plan.target().name().sql();
      return new JsonObject()
          .put("path", o.path())
          .put("counts", o.counts().toJson())
          .put("source", StreamDigest.toJson(o.evidence().source()))
          .put("target", StreamDigest.toJson(after))
          .put("attempts", log.attempts())
          .put(XIDS, xids(log))
          .put("swapped", ctx.swapped.get(table))
          .put("analyzed", ctx.analyzed.contains(run.plan.name()))
          .put("notes", new JsonArray(ctx.notes))
          .put("warnings", new JsonArray(ctx.warnings));
    });
  }

  /** The transactions a step wrote with, as an answer or a checkpoint carries them to the run's node. */
  private static JsonArray xids(StepLog log) {
    return new JsonArray(new ArrayList<>(log.xids()));
  }

  /** The transactions an answer or a checkpoint carries. */
  static List<Long> xids(JsonObject message) {
    return message.getJsonArray(XIDS).stream().map(x -> ((Number) x).longValue()).toList();
  }

  /**
   * The coordinator's side of an answer: the copy's outcome, with what the other node learnt put where this run
   * keeps it (its transactions in the step's log, a staged table's new oid, notes and warnings).
   */
  static CopyOutcome outcome(JsonObject answer, TableRun run, TableSync sync, String node) {
    RunContext ctx = run.ctx;
    answer.getJsonArray("warnings", new JsonArray()).forEach(w -> ctx.warnings.add(String.valueOf(w)));
    if (answer.containsKey("failed")) {
      throw new FerryException(ErrorCode.valueOf(answer.getString("failed")), answer.getString("message")
          + " (on node " + node + ")");
    }
    answer.getJsonArray("notes").forEach(n -> ctx.note(String.valueOf(n)));
    xids(answer).forEach(run::wrote);
    run.attempted(answer.getInteger("attempts"));
    if (answer.getString("swapped") != null) {
      ctx.swapped.put(run.plan.target().name().sql(), answer.getString("swapped"));
    }
    if (answer.getBoolean("analyzed")) {
      ctx.analyzed.add(run.plan.name());
    }
    Counts counts = Counts.fromJson(answer.getJsonArray("counts"));
    StreamDigest source = StreamDigest.fromJson(answer.getJsonArray("source"));
    StreamDigest target = StreamDigest.fromJson(answer.getJsonArray("target"));
    Evidence evidence = target == null ? Evidence.streamed(source) : Evidence.loaded(source, target);
    return new CopyOutcome(sync.strategy(), answer.getString("path") + "; on node " + node, counts, evidence);
  }

  /** Why a node declined, or null when it took the job. */
  static String declinedBecause(JsonObject answer) {
    return answer.getString(DECLINED);
  }
}
