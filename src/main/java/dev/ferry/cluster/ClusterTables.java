package dev.ferry.cluster;

import dev.ferry.config.FerryConfig;
import dev.ferry.progress.ProgressBus;
import dev.ferry.sync.TableHosts;
import dev.ferry.sync.TableJob;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's nodes as hosts for each other's table copies: a node takes {@link TableJob}s on its own address,
 * runs each on a verticle of its own with its own configuration, sends the table's progress to the run's node
 * (which hands it to its listeners as its own) and answers with the outcome. A job whose node leaves before it
 * answers fails with {@link TableHosts.NodeLost}, so the run's node can take the table over.
 */
public final class ClusterTables implements TableHosts {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterTables.class);
  /** Where a node takes jobs (its node name follows). */
  static final String JOBS = "ferry.cluster.tables.";
  /** Where a node takes cancels of its jobs, by run id. */
  static final String CANCELS = "ferry.cluster.tables.cancel.";
  /**
   * Where a run's node takes the progress of its tables copied elsewhere, and the checkpoints they commit: on one
   * address, so a checkpoint arrives before the table-checkpoint event that follows it (Vert.x keeps the messages
   * one context sends to one address in order).
   */
  static final String PROGRESS = "ferry.cluster.progress.";
  /** A table copy may take hours; a lost node is noticed by membership, not by this timeout. */
  private static final long ANSWER_TIMEOUT_MS = 7 * 24 * 3600 * 1000L;
  private static final long CANCEL_POLL_MS = 250;

  private final ClusterNode node;
  private final FerryConfig config;
  /**
   * Jobs sent and not answered, by the node running them, each with the context that sent it: a lost node's jobs
   * fail there (membership is reported on Hazelcast's threads, and a run's state lives on its own context).
   */
  private final Map<String, Map<Promise<JsonObject>, Context>> sent = new ConcurrentHashMap<>();
  /** Jobs sent from here, by run id and table: where their checkpoints go (on the sending context). */
  private final Map<String, Consumer<JsonObject>> checkpointsOf = new ConcurrentHashMap<>();
  /** Jobs running here: their run id → cancel flags. */
  private final Map<String, Set<AtomicBoolean>> running = new ConcurrentHashMap<>();

  public ClusterTables(ClusterNode node, FerryConfig config) {
    this.node = node;
    this.config = config;
    Vertx vertx = node.vertx();
    vertx.eventBus().<JsonObject>consumer(JOBS + node.id(), msg -> take(msg.body()).onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(ar.result());
      } else {
        msg.fail(500, String.valueOf(ar.cause().getMessage()));
      }
    }));
    vertx.eventBus().<String>consumer(CANCELS + node.id(),
        msg -> running.getOrDefault(msg.body(), Set.of()).forEach(c -> c.set(true)));
    vertx.eventBus().<String>consumer(PROGRESS + node.id(), msg -> {
      JsonObject body = new JsonObject(msg.body());
      if (!body.containsKey("checkpoint")) {
        vertx.eventBus().publish(ProgressBus.ADDRESS, msg.body());
        return;
      }
      Consumer<JsonObject> to = checkpointsOf.get(body.getString("job"));
      if (to != null) {
        to.accept(body.getJsonObject("checkpoint"));
      }
    });
    node.whenLeft(this::lost);
  }

  @Override
  public List<String> others() {
    return node.members().stream().filter(m -> !m.equals(node.id())).toList();
  }

  @Override
  public Future<JsonObject> copy(String to, JsonObject job, AtomicBoolean cancel, Consumer<JsonObject> checkpoints) {
    Promise<JsonObject> answer = Promise.promise();
    Vertx vertx = node.vertx();
    Context caller = vertx.getOrCreateContext();
    Map<Promise<JsonObject>, Context> pending = sent.computeIfAbsent(to, n -> new ConcurrentHashMap<>());
    pending.put(answer, caller);
    String key = key(job);
    checkpointsOf.put(key, cp -> caller.runOnContext(v -> {
      if (!answer.future().isComplete()) {
        checkpoints.accept(cp);
      }
    }));
    if (!node.members().contains(to)) {
      answer.tryFail(NodeLost.left(to));
    }
    AtomicBoolean cancelSent = new AtomicBoolean();
    long poll = vertx.setPeriodic(CANCEL_POLL_MS, id -> {
      if (cancel.get() && cancelSent.compareAndSet(false, true)) {
        vertx.eventBus().send(CANCELS + to, job.getString("runId"));
      }
    });
    vertx.eventBus().<JsonObject>request(JOBS + to, new JsonObject().put("job", job).put("from", node.id()),
            new DeliveryOptions().setSendTimeout(ANSWER_TIMEOUT_MS))
        .onSuccess(reply -> answer.tryComplete(reply.body()))
        // The job answers its own failures as answers: a failed request never ran there (no such node any more, a
        // connection that failed, a job that could not start), so the table is the run's node's to copy.
        .onFailure(err -> answer.tryFail(NodeLost.unreachable(to, String.valueOf(err.getMessage()))));
    return answer.future().onComplete(ar -> {
      vertx.cancelTimer(poll);
      pending.remove(answer);
      checkpointsOf.remove(key);
    });
  }

  /** Runs a job sent here on a verticle of its own (its own event loop, as a run has). */
  private Future<JsonObject> take(JsonObject message) {
    JsonObject job = message.getJsonObject("job");
    String runId = job.getString("runId");
    AtomicBoolean cancel = new AtomicBoolean();
    running.computeIfAbsent(runId, r -> ConcurrentHashMap.newKeySet()).add(cancel);
    Promise<JsonObject> answer = Promise.promise();
    ProgressBus bus = new ProgressBus(node.vertx(), PROGRESS + message.getString("from"));
    LOG.info("copying {} for run {} of node {}", job.getString("table"), runId, message.getString("from"));
    return node.vertx().deployVerticle(new VerticleBase() {
          @Override
          public Future<?> start() {
            TableJob.run(vertx, config, job, bus, cancel, cp -> vertx.eventBus().publish(PROGRESS
                + message.getString("from"), new JsonObject().put("job", key(job)).put("checkpoint", cp).encode()))
                .onComplete(answer);
            return Future.succeededFuture();
          }

          @Override
          public Future<?> stop() {
            cancel.set(true); // this node is stopping: the copy stops at its next batch and rolls back
            return answer.future().otherwiseEmpty();
          }
        }, new DeploymentOptions())
        .compose(id -> answer.future().eventually(() -> node.vertx().undeploy(id)))
        .eventually(() -> {
          running.computeIfPresent(runId, (r, flags) -> flags.remove(cancel) && flags.isEmpty() ? null : flags);
          return Future.succeededFuture();
        });
  }

  private static String key(JsonObject job) {
    return job.getString("runId") + "/" + job.getString("table");
  }

  private void lost(String gone) {
    Map<Promise<JsonObject>, Context> pending = sent.remove(gone);
    if (pending != null && !pending.isEmpty()) {
      LOG.warn("node {} left with {} table(s) of this node's runs unfinished: they are taken over", gone, pending.size());
      pending.forEach((p, context) -> context.runOnContext(v -> p.tryFail(NodeLost.left(gone))));
    }
  }
}
