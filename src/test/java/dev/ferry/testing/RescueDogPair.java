package dev.ferry.testing;

import static dev.ferry.testing.TestDatabases.await;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.config.FerryConfig;
import io.vertx.core.Vertx;

/**
 * A source and a target with the demo's rescue-dog schema, generated data on the source, the target's
 * organization ids starting at 1001, and the configuration that matches organizations by config_id.
 */
public final class RescueDogPair implements AutoCloseable {
  public final Vertx vertx = Vertx.vertx();
  public final TestDatabases dbs = new TestDatabases(vertx);
  public final DatabaseUrl source;
  public final DatabaseUrl target;
  public final FerryConfig config;

  public RescueDogPair(String label) {
    source = dbs.create(label + "_src");
    target = dbs.create(label + "_tgt");
    dbs.loadRescueDogs(source, target);
    config = TestConfig.rescueDogs(source, target);
  }

  @Override
  public void close() {
    dbs.close();
    await(vertx.close());
  }
}
