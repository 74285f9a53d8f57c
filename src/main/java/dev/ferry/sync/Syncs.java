package dev.ferry.sync;

import dev.ferry.config.FerryConfig;
import dev.ferry.plan.SyncOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.UUID;

/** Runs one sync on a fresh {@link SyncVerticle} and undeploys it afterwards: the CLI's and tests' entry point. */
public final class Syncs {
  private Syncs() {}

  public static Future<RunSummary> runOnce(Vertx vertx, FerryConfig config, SyncOptions options) {
    SyncVerticle verticle = new SyncVerticle(config, options, newRunId());
    return vertx.deployVerticle(verticle).compose(id -> verticle.result()
        .eventually(() -> vertx.undeploy(id)));
  }

  public static String newRunId() {
    return UUID.randomUUID().toString();
  }
}
