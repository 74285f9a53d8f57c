package dev.ferry.runs;

import dev.ferry.config.FerryConfig;
import dev.ferry.control.RunHistory;
import dev.ferry.plan.SyncOptions;
import dev.ferry.progress.ProgressBus;
import dev.ferry.progress.ProgressEvent;
import dev.ferry.pull.PullSchema;
import dev.ferry.pull.SubsetSpec;
import dev.ferry.result.RunSummary;
import dev.ferry.sync.Direction;
import dev.ferry.sync.SyncVerticle;
import dev.ferry.sync.Syncs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and tracks the server's runs: at most one per target, each on its own {@link SyncVerticle}, recorded in
 * the {@link RunHistory}. A run's slot is freed only after its last event has been seen and its history written,
 * so a client that sees run-finished can start the next run at once.
 */
public final class RunManager {
  private static final Logger LOG = LoggerFactory.getLogger(RunManager.class);
  /**
   * The server's runs' events, relayed in order once the manager has seen them; run-finished only after the
   * history holds the result, so a listener that reacts to it by reading the history finds the final state.
   */
  public static final String EVENTS = "ferry.runs.events";
  /**
   * In a cluster, each node's runs' events as it relays them, for the other nodes: each follows the others' runs as
   * its own (a {@link LiveRun} of its own for each), so a dashboard on any node shows any run.
   */
  static final String CLUSTER_EVENTS = "ferry.cluster.events";
  /** Where a node takes cancels for its runs from the other nodes (its node name follows). */
  static final String CLUSTER_CANCEL = "ferry.cluster.cancel.";

  private final Vertx vertx;
  private final FerryConfig config;
  private final RunHistory history;
  /** Target identity → what holds it (a run, a restore, a migration): this server's, or the cluster's. */
  private final TargetSlots slots;
  private final ConcurrentHashMap<String, LiveRun> byId = new ConcurrentHashMap<>();
  /** Runs other nodes of the cluster are running, followed from their events (nothing here runs them). */
  private final ConcurrentHashMap<String, LiveRun> elsewhere = new ConcurrentHashMap<>();
  private final MessageConsumer<String> listener;
  private final MessageConsumer<JsonObject> others;
  private final MessageConsumer<String> cancels;
  private volatile boolean stopping;

  public RunManager(Vertx vertx, FerryConfig config, RunHistory history) {
    this(vertx, config, history, TargetSlots.local());
  }

  public RunManager(Vertx vertx, FerryConfig config, RunHistory history, TargetSlots slots) {
    this.vertx = vertx;
    this.slots = slots;
    this.config = config;
    this.history = history;
    this.listener = vertx.eventBus().localConsumer(ProgressBus.ADDRESS, msg -> {
      ProgressEvent event = ProgressBus.fromJson(msg.body());
      LiveRun run = byId.get(event.runId());
      if (run != null) {
        run.on(event, new JsonObject(msg.body()));
        if (event instanceof ProgressEvent.RunFinished finished) {
          finish(run, finished.summary()).onComplete(ar -> relay(msg.body()));
        } else {
          relay(msg.body());
        }
      }
    });
    this.others = slots.node() == null ? null
        : vertx.eventBus().<JsonObject>consumer(CLUSTER_EVENTS, msg -> fromElsewhere(msg.body()));
    this.cancels = slots.node() == null ? null
        : vertx.eventBus().<String>consumer(CLUSTER_CANCEL + slots.node(), msg -> msg.reply(cancel(msg.body())));
  }

  /** Hands one of this node's runs' events to its listeners and, in a cluster, to the other nodes. */
  private void relay(String event) {
    vertx.eventBus().publish(EVENTS, event);
    if (others != null) {
      vertx.eventBus().publish(CLUSTER_EVENTS, new JsonObject().put("node", slots.node()).put("event", event));
    }
  }

  /** Another node's run's event: folded into this node's picture of that run and relayed to its listeners. */
  private void fromElsewhere(JsonObject message) {
    String node = message.getString("node");
    if (slots.node().equals(node)) {
      return;
    }
    String body = message.getString("event");
    ProgressEvent event = ProgressBus.fromJson(body);
    if (event instanceof ProgressEvent.RunStarted started) {
      LiveRun run = new LiveRun(started.runId(), "node " + node,
          SyncOptions.defaults().withDryRun(started.dryRun()), started.mode(), started.target());
      run.slot = new TargetSlots.Slot(run.id, "running", node);
      elsewhere.put(run.id, run);
    }
    LiveRun run = event instanceof ProgressEvent.RunFinished ? elsewhere.remove(event.runId())
        : elsewhere.get(event.runId());
    if (run != null) {
      run.on(event, new JsonObject(body));
    }
    vertx.eventBus().publish(EVENTS, body);
  }

  /**
   * Starts a sync, or fails with {@link RunConflict} when the target is busy. The returned run's {@code done}
   * completes once the run has ended and been recorded.
   */
  public Future<LiveRun> start(SyncOptions options, String trigger) {
    return start(options, trigger, false);
  }

  /** Starts a run that only validates (counts, content digests, orphans); it writes nothing but holds the target. */
  public Future<LiveRun> startValidation(SyncOptions options, String trigger) {
    return start(options, trigger, true);
  }

  private Future<LiveRun> start(SyncOptions options, String trigger, boolean validateOnly) {
    String mode = validateOnly ? "validate" : options.mode().label();
    return start(options, trigger, config.requireTarget().redacted(), mode, validateOnly ? "validating" : "syncing into",
        run -> validateOnly ? SyncVerticle.validating(config, options, run.id)
            : new SyncVerticle(config, options, run.id, run.cancel, slots.tables()), Future::succeededFuture);
  }

  /**
   * Starts a pull into the local database (the configuration's source) from production: the local schema is
   * brought in line first ({@link PullSchema}), then the run. It holds the local database, not production.
   *
   * @param salt the masks' secret ({@code FERRY_MASK_SALT} of the server's environment), or null
   */
  public Future<LiveRun> startPull(SyncOptions options, SubsetSpec subset, String trigger, String salt) {
    FerryConfig pull = config.forPull();
    Direction direction = Direction.pull(salt, subset);
    return start(options, trigger, pull.requireTarget().redacted(), direction.label(options.mode().label()),
        "pulling into", run -> SyncVerticle.pulling(pull, options, run.id, run.cancel, direction),
        () -> PullSchema.align(vertx, pull, options.dryRun()).map(lines -> {
          lines.forEach(line -> LOG.info("pull schema: {}", line));
          return null;
        }));
  }

  /**
   * @param holds   the database the run writes, which it holds (one run per database)
   * @param first   work before the run's verticle starts (a pull's schema), holding the database already
   */
  private Future<LiveRun> start(SyncOptions options, String trigger, String holds, String mode, String doing,
      java.util.function.Function<LiveRun, SyncVerticle> verticle, java.util.function.Supplier<Future<Void>> first) {
    LiveRun run = new LiveRun(Syncs.newRunId(), trigger, options, mode, holds);
    run.slot = new TargetSlots.Slot(run.id, doing, slots.node());
    return take(holds, run.slot)
        .compose(v -> {
          byId.put(run.id, run);
          return history.started(run.id, trigger, holds, mode, options, run.startedAtMs);
        })
        .compose(v -> first.get())
        .compose(v -> vertx.deployVerticle(verticle.apply(run)))
        .map(deploymentId -> {
          run.deploymentId = deploymentId;
          LOG.info("run {} started by {}: {}{}", run.id, trigger, mode, options.dryRun() ? " (dry run)" : "");
          return run;
        })
        .onFailure(err -> {
          if (byId.containsKey(run.id)) { // it held the target: a refusal never got this far
            release(run);
            history.failedToStart(run.id, err.getMessage());
          }
          run.done.tryFail(err);
        });
  }

  private Future<Void> finish(LiveRun run, RunSummary summary) {
    return record(summary, run)
        .eventually(() -> run.deploymentId == null ? Future.succeededFuture() : vertx.undeploy(run.deploymentId))
        .onComplete(ar -> {
          release(run);
          LOG.info("run {} {}: {}", run.id, summary.status().name().toLowerCase(), summary.message());
          run.done.tryComplete(summary);
        })
        .mapEmpty();
  }

  private Future<Void> record(RunSummary summary, LiveRun run) {
    return history.finished(summary, run.compactEvents(),
            err -> LOG.warn("run {}: recording its result failed ({}), retrying", run.id, err.getMessage()))
        .recover(err -> {
          LOG.error("run {}: could not record its result in the history: {}", run.id, err.getMessage());
          return Future.succeededFuture();
        });
  }

  /** Takes {@code database} for {@code slot}; fails saying why not when the server is stopping or it is held. */
  private Future<Void> take(String database, TargetSlots.Slot slot) {
    if (stopping) {
      return Future.failedFuture(new ServerStopping());
    }
    return slots.take(database, slot).compose(holder -> holder.isEmpty() ? Future.<Void>succeededFuture()
        : Future.failedFuture(RunConflict.of(holder.get(), database)));
  }

  private void release(LiveRun run) {
    byId.remove(run.id, run);
    slots.release(run.target, run.slot)
        .onFailure(err -> LOG.error("run {}: could not free {}: {}", run.id, run.target, err.getMessage()));
  }

  /**
   * Runs {@code work} (a restore, a migration) holding the target as a run would: no run starts meanwhile, and it
   * fails with {@link RunConflict} rather than wait when the target is busy.
   *
   * @param what what the work is doing, as a busy target explains itself ("restoring backup #3")
   */
  public <T> Future<T> exclusively(String what, java.util.function.Supplier<Future<T>> work) {
    String target = config.requireTarget().redacted();
    TargetSlots.Slot slot = new TargetSlots.Slot(null, what, slots.node());
    return take(target, slot).compose(v -> {
      Future<T> done;
      try {
        done = work.get();
      } catch (RuntimeException e) {
        done = Future.failedFuture(e);
      }
      return done.onComplete(ar -> slots.release(target, slot));
    });
  }

  /**
   * As {@link #cancel}, wherever the run runs: on this node, or on the node of the cluster whose events it comes
   * from (asked over the event bus). False when no node has it running.
   */
  public Future<Boolean> cancelAnywhere(String runId) {
    if (cancel(runId)) {
      return Future.succeededFuture(true);
    }
    LiveRun there = elsewhere.get(runId);
    if (there == null) {
      return Future.succeededFuture(false);
    }
    return vertx.eventBus().<Boolean>request(CLUSTER_CANCEL + there.slot.node(), runId)
        .map(reply -> Boolean.TRUE.equals(reply.body())).otherwise(false);
  }

  /** Asks a running run of this node to stop at its next batch boundary; false when no such run is active. */
  public boolean cancel(String runId) {
    LiveRun run = byId.get(runId);
    if (run == null) {
      return false;
    }
    run.cancel.set(true);
    return true;
  }

  public Optional<LiveRun> active(String runId) {
    return Optional.ofNullable(byId.get(runId));
  }

  public Collection<LiveRun> active() {
    return byId.values();
  }

  /** The runs a dashboard on this node shows: its own and, in a cluster, those the other nodes are running. */
  public Collection<LiveRun> followed() {
    List<LiveRun> all = new ArrayList<>(byId.values());
    all.addAll(elsewhere.values());
    return all;
  }

  /** This node's name and the cluster's members; empty on a single server. */
  public TargetSlots slots() {
    return slots;
  }

  /** Cancels every run and waits for each to end (SIGTERM: in-flight batches finish, tables roll back whole). */
  public Future<Void> shutdown() {
    stopping = true;
    active().forEach(r -> r.cancel.set(true));
    return Future.join(active().stream().map(r -> r.done.future()).toList()).mapEmpty()
        .eventually(listener::unregister)
        .eventually(() -> others == null ? Future.succeededFuture() : others.unregister())
        .eventually(() -> cancels == null ? Future.succeededFuture() : cancels.unregister()).mapEmpty();
  }
}
