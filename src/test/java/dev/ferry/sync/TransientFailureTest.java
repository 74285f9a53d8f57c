package dev.ferry.sync;

import static dev.ferry.sync.HardShapesSyncTest.describe;
import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.plan.SyncOptions;
import dev.ferry.result.RunStatus;
import dev.ferry.result.RunSummary;
import dev.ferry.result.TableResult;
import dev.ferry.testing.TestConfig;
import dev.ferry.testing.TestDatabases;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A transient failure in the middle of a table: the server terminates Ferry's target session while it is
 * inserting. The table's transaction rolls back, the table is retried, and the run ends with the target equal
 * to the source.
 */
class TransientFailureTest {
  private Vertx vertx;
  private TestDatabases dbs;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    dbs = new TestDatabases(vertx);
  }

  @AfterEach
  void tearDown() {
    dbs.close();
    await(vertx.close());
  }

  @Test
  void aTerminatedTargetSessionIsRetriedAndTheTableStillArrivesWhole() throws Exception {
    DatabaseUrl src = dbs.create("retry_src");
    DatabaseUrl tgt = dbs.create("retry_tgt");
    String ddl = "CREATE TABLE events (id bigint PRIMARY KEY, payload text, at timestamptz);";
    dbs.execute(src, ddl + "INSERT INTO events SELECT g, repeat(md5(g::text), 4), now() - g * interval '1 minute'"
        + " FROM generate_series(1, 120000) g;");
    dbs.execute(tgt, ddl);

    // Kill the first session that is writing the target's rows (a COPY into the staging table the large empty
    // table is loaded into), from outside, as a failover or admin would.
    String killer = "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '"
        + tgt.database() + "' AND application_name = 'ferry' AND (query LIKE 'INSERT INTO%' OR query LIKE 'COPY%')"
        + " AND state <> 'idle'";
    CompletableFuture<Long> killed = CompletableFuture.supplyAsync(() -> {
      long deadline = System.currentTimeMillis() + 60_000;
      while (System.currentTimeMillis() < deadline) {
        long n = dbs.count(dbs.server(), killer);
        if (n > 0) {
          return n;
        }
      }
      return 0L;
    });
    RunSummary run = await(Syncs.runOnce(vertx, TestConfig.of(src, tgt,
        new JsonObject().put("sync", new JsonObject().put("batchSize", 200))), SyncOptions.defaults()));

    assertTrue(killed.get(70, TimeUnit.SECONDS) > 0, "the test did terminate a session mid-table");
    assertEquals(RunStatus.SUCCEEDED, run.status(), () -> describe(run));
    TableResult events = run.tables().get(0);
    assertEquals(2, events.attempts(), () -> describe(run));
    assertEquals(120000, events.inserted(), "counts are of the attempt that committed");
    assertTrue(run.warnings().stream().anyMatch(w -> w.contains("retrying (attempt 2)")), () -> describe(run));
    assertEquals(dbs.contentDigest(src), dbs.contentDigest(tgt));
  }
}
