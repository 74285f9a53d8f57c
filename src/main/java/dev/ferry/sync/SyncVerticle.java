package dev.ferry.sync;

import dev.ferry.config.FerryConfig;
import dev.ferry.plan.SyncOptions;
import dev.ferry.progress.ProgressBus;
import dev.ferry.result.RunSummary;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one sync on its own event-loop context: every callback of the run executes on that one thread, which is
 * why the run's state needs no locks. Deploy it, then wait on {@link #result()}.
 */
public final class SyncVerticle extends VerticleBase {
  private final FerryConfig config;
  private final SyncOptions options;
  private final String runId;
  private final AtomicBoolean cancel;
  private final boolean validateOnly;
  private final Direction direction;
  private final TableHosts hosts;
  private final Promise<RunSummary> result = Promise.promise();

  public SyncVerticle(FerryConfig config, SyncOptions options, String runId) {
    this(config, options, runId, new AtomicBoolean());
  }

  /** {@code cancel}: set it (from any thread) to stop the run at the next batch boundary. */
  public SyncVerticle(FerryConfig config, SyncOptions options, String runId, AtomicBoolean cancel) {
    this(config, options, runId, cancel, false, Direction.PUSH, TableHosts.HERE);
  }

  /** A sync that may copy a level's tables on {@code hosts} too (a cluster's other nodes). */
  public SyncVerticle(FerryConfig config, SyncOptions options, String runId, AtomicBoolean cancel, TableHosts hosts) {
    this(config, options, runId, cancel, false, Direction.PUSH, hosts);
  }

  private SyncVerticle(FerryConfig config, SyncOptions options, String runId, AtomicBoolean cancel, boolean validateOnly,
      Direction direction, TableHosts hosts) {
    this.hosts = hosts;
    this.config = config;
    this.options = options;
    this.runId = runId;
    this.cancel = cancel;
    this.validateOnly = validateOnly;
    this.direction = direction;
  }

  /** A run that only validates (see {@link SyncEngine#validateOnly}). */
  public static SyncVerticle validating(FerryConfig config, SyncOptions options, String runId) {
    return new SyncVerticle(config, options, runId, new AtomicBoolean(), true, Direction.PUSH, TableHosts.HERE);
  }

  /** A pull: the configuration's source is production, its target the local database (see {@link Direction}). */
  public static SyncVerticle pulling(FerryConfig config, SyncOptions options, String runId, AtomicBoolean cancel,
      Direction pull) {
    return new SyncVerticle(config, options, runId, cancel, false, pull, TableHosts.HERE);
  }

  @Override
  public Future<?> start() {
    SyncEngine engine = new SyncEngine(vertx, config, new ProgressBus(vertx), hosts);
    (validateOnly ? engine.validateOnly(runId, options) : engine.run(runId, options, cancel, direction)).onComplete(result);
    return Future.succeededFuture();
  }

  /** Undeploying a running sync (its parent stopping, say) cancels it and waits for the batch boundary. */
  @Override
  public Future<?> stop() {
    if (result.future().isComplete()) {
      return Future.succeededFuture(); // undeployed after it ended: nothing to cancel (a listener would read "cancelling")
    }
    cancel.set(true);
    // Bounded: a batch boundary comes within seconds; never hold the undeploy (or the JVM's exit) forever.
    io.vertx.core.Promise<Void> gaveUp = io.vertx.core.Promise.promise();
    long timer = vertx.setTimer(60_000, id -> gaveUp.tryComplete());
    return Future.any(result.future().otherwiseEmpty(), gaveUp.future()).onComplete(ar -> vertx.cancelTimer(timer));
  }

  public Future<RunSummary> result() {
    return result.future();
  }
}
