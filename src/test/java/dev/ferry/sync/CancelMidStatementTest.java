package dev.ferry.sync;

import static dev.ferry.sync.HardShapesSyncTest.describe;
import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.plan.SyncOptions;
import dev.ferry.result.RunStatus;
import dev.ferry.result.RunSummary;
import dev.ferry.testing.TestConfig;
import dev.ferry.testing.TestDatabases;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A cancel reaches the statement a run is waiting on (a large table's scan, here a lock another session holds), not
 * only its next batch boundary: the run ends cancelled at once, having written nothing.
 */
class CancelMidStatementTest {
  private Vertx vertx;
  private TestDatabases dbs;
  private DatabaseUrl source;
  private DatabaseUrl target;
  private PgConnection holder;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    dbs = new TestDatabases(vertx);
    source = dbs.create("cancel_src");
    target = dbs.create("cancel_tgt");
    dbs.execute(source, "CREATE TABLE t (id int PRIMARY KEY, v text);"
        + " INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 1000) g");
    dbs.execute(target, "CREATE TABLE t (id int PRIMARY KEY, v text)");
  }

  @AfterEach
  void tearDown() {
    if (holder != null) {
      await(holder.close());
    }
    dbs.close();
    await(vertx.close());
  }

  @Test
  void aCancelEndsTheStatementTheRunWaitsOnAndTheRunSaysCancelled() throws Exception {
    PgConnectOptions options = target.connectOptions();
    options.getProperties().put("application_name", "lock holder");
    holder = await(PgConnection.connect(vertx, options));
    await(holder.query("BEGIN; LOCK TABLE t IN ACCESS EXCLUSIVE MODE").execute());
    AtomicBoolean cancel = new AtomicBoolean();
    Future<RunSummary> run = Syncs.runOnce(vertx, TestConfig.of(source, target, new JsonObject()),
        SyncOptions.defaults(), Syncs.newRunId(), cancel);
    TestDatabases.waitFor(() -> dbs.count(dbs.server(), "SELECT count(*) FROM pg_stat_activity WHERE application_name"
        + " = 'ferry' AND wait_event_type = 'Lock' AND datname = '" + target.database() + "'") > 0, 20_000,
        "the run waiting on the lock");
    long asked = System.nanoTime();
    cancel.set(true);
    RunSummary summary = run.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    long tookMs = (System.nanoTime() - asked) / 1_000_000;
    assertEquals(RunStatus.CANCELLED, summary.status(), () -> describe(summary));
    // The lock is still held: only the cancel ended the wait (a batch-boundary check alone would wait for it).
    assertTrue(tookMs < 5_000, "ended " + tookMs + " ms after the cancel");
    assertEquals(1, dbs.count(dbs.server(), "SELECT count(*) FROM pg_stat_activity WHERE application_name"
        + " = 'lock holder' AND state = 'idle in transaction'"), "the lock holder still waits to end its transaction");
    await(holder.query("ROLLBACK").execute());
    assertEquals(0, dbs.count(target, "SELECT count(*) FROM t"), "nothing was written");
  }
}
