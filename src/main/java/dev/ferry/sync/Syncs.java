package dev.ferry.sync;

import dev.ferry.config.FerryConfig;
import dev.ferry.plan.SyncOptions;
import dev.ferry.result.RunSummary;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.UUID;

/** Runs one sync on a fresh {@link SyncVerticle} and undeploys it afterwards: the CLI's and tests' entry point. */
public final class Syncs {
  private Syncs() {}

  public static Future<RunSummary> runOnce(Vertx vertx, FerryConfig config, SyncOptions options) {
    return once(vertx, new SyncVerticle(config, options, newRunId()));
  }

  /** With the run's id chosen by the caller, and a flag that cancels it at the next batch boundary. */
  public static Future<RunSummary> runOnce(Vertx vertx, FerryConfig config, SyncOptions options, String runId,
      java.util.concurrent.atomic.AtomicBoolean cancel) {
    return once(vertx, new SyncVerticle(config, options, runId, cancel));
  }

  /** A pull into the configuration's target from its source, production (see {@link Direction}). */
  public static Future<RunSummary> pullOnce(Vertx vertx, FerryConfig config, SyncOptions options, String runId,
      java.util.concurrent.atomic.AtomicBoolean cancel, Direction pull) {
    return once(vertx, SyncVerticle.pulling(config, options, runId, cancel, pull));
  }

  /** Counts, content digests and orphans of the selected tables, compared; nothing is written. */
  public static Future<RunSummary> validateOnce(Vertx vertx, FerryConfig config, SyncOptions options) {
    return once(vertx, SyncVerticle.validating(config, options, newRunId()));
  }

  private static Future<RunSummary> once(Vertx vertx, SyncVerticle verticle) {
    return vertx.deployVerticle(verticle).compose(id -> verticle.result()
        .eventually(() -> vertx.undeploy(id)));
  }

  public static String newRunId() {
    return UUID.randomUUID().toString();
  }
}
