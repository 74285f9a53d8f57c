package dev.ferry.testing;

import static dev.ferry.testing.TestDatabases.await;

import dev.ferry.config.FerryConfig;
import dev.ferry.control.RunHistory;
import dev.ferry.plan.SyncOptions;
import dev.ferry.pull.PullSchema;
import dev.ferry.result.RunSummary;
import dev.ferry.sync.Direction;
import dev.ferry.sync.Syncs;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicBoolean;

/** A pull as `ferry pull` runs it: the local schema first, the local run history (where claims are kept), the run. */
public final class Pulls {
  private Pulls() {}

  /** @param config a pull's configuration ({@link FerryConfig#forPull}) */
  public static RunSummary run(Vertx vertx, FerryConfig config, SyncOptions options, Direction direction) {
    await(PullSchema.align(vertx, config, options.dryRun()));
    await(await(RunHistory.open(vertx, config.requireTarget(), 5)).close());
    return await(Syncs.pullOnce(vertx, config, options, Syncs.newRunId(), new AtomicBoolean(), direction));
  }
}
