package dev.ferry.sync;

import static dev.ferry.sync.HardShapesSyncTest.describe;
import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.config.FerryConfig;
import dev.ferry.plan.SyncOptions;
import dev.ferry.result.RunStatus;
import dev.ferry.result.RunSummary;
import dev.ferry.testing.TestConfig;
import dev.ferry.testing.TestDatabases;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A sync is idempotent over time, not just once: 100 runs of an unchanged source into the same target. The first
 * writes, the other 99 write nothing and leave the target's contents exactly as they were; no run leaks state into
 * the next (pools, snapshots, id maps, the ferry schema's bookkeeping) in a way that makes it write again or fail.
 */
class RepeatedSyncTest {
  private static final int RUNS = 100;

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
  void aHundredSyncsOfAnUnchangedSourceWriteOnceAndLeaveTheTargetAsItWas() {
    DatabaseUrl src = dbs.create("repeat_src");
    DatabaseUrl tgt = dbs.create("repeat_tgt");
    // The demo: FKs, a cycle, and organizations matched by config_id since the ids differ between the two sides.
    dbs.loadRescueDogs(src, tgt);
    FerryConfig config = TestConfig.of(src, tgt, new JsonObject()
        .put("tables", new JsonObject().put("organizations", new JsonObject().put("key", new JsonArray().add("config_id")))));

    RunSummary first = await(Syncs.runOnce(vertx, config, SyncOptions.defaults()));
    assertEquals(RunStatus.SUCCEEDED, first.status(), () -> describe(first));
    assertTrue(first.rowsWritten() > 0, () -> describe(first));
    assertFalse(first.validation().isEmpty(), () -> describe(first));
    String digest = dbs.contentDigest(tgt);
    // Not the full digests: the organizations' ids (and so the FKs to them) differ by design; table=rows must not.
    assertEquals(dbs.contentDigest(src).replaceAll("=-?\\d+/", "="), digest.replaceAll("=-?\\d+/", "="),
        "the same row counts, table by table, on both sides");

    long totalNanos = 0;
    long maxNanos = 0;
    for (int i = 2; i <= RUNS; i++) {
      long t0 = System.nanoTime();
      RunSummary run = await(Syncs.runOnce(vertx, config, SyncOptions.defaults()));
      long took = System.nanoTime() - t0;
      totalNanos += took;
      maxNanos = Math.max(maxNanos, took);
      int n = i;
      assertEquals(RunStatus.SUCCEEDED, run.status(), () -> "run " + n + ": " + describe(run));
      assertEquals(0, run.rowsWritten(), () -> "run " + n + " wrote rows into an already synced target: " + describe(run));
      // Validation ran and compared every table (allMatch alone would pass on an empty list).
      assertEquals(first.validation().size(), run.validation().size(), () -> "run " + n + ": " + describe(run));
      assertTrue(run.validation().stream().allMatch(RunSummary.ValidationResult::matches), () -> "run " + n + ": " + describe(run));
      assertEquals(digest, dbs.contentDigest(tgt), "run " + n + " changed the target's contents");
    }
    System.out.printf("repeated sync: first run %d ms (%d rows written); runs 2..%d: mean %.0f ms, max %.0f ms%n",
        first.durationMs(), first.rowsWritten(), RUNS, totalNanos / 1e6 / (RUNS - 1), maxNanos / 1e6);
  }
}
