package dev.ferry.sync;

import static dev.ferry.sync.HardShapesSyncTest.describe;
import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.config.FerryConfig;
import dev.ferry.plan.SyncOptions;
import dev.ferry.progress.ProgressBus;
import dev.ferry.progress.ProgressEvent;
import dev.ferry.result.RunStatus;
import dev.ferry.result.RunSummary;
import dev.ferry.result.TableResult;
import dev.ferry.testing.TestConfig;
import dev.ferry.testing.TestDatabases;
import dev.ferry.testing.ThrowawayPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The target server itself restarts (pg_ctl restart -m fast) in the middle of a large table, right after its first
 * checkpoint: every target session is ended (57P01), the pool's idle connections included, and the server refuses
 * connections for a moment while it shuts down and starts (57P03, connection refused). The source is on another
 * server, so its snapshot survives. The run must ride it out: retry, resume after the last checkpoint, and still
 * validate on a target pool whose old connections are all dead.
 */
class TargetRestartTest {
  private static final int ROWS = 200_000;
  private static final int CHECKPOINT = 40_000;
  private static final Pattern RESUMED = Pattern.compile(".*resuming after the checkpoint at row (\\d+):.*", Pattern.DOTALL);

  private Vertx vertx;
  private TestDatabases dbs;
  private ThrowawayPostgres pg;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    dbs = new TestDatabases(vertx);
    // Only a server of the test's own may be restarted: never the shared one.
    pg = ThrowawayPostgres.startWithoutTls();
  }

  @AfterEach
  void tearDown() {
    try {
      if (pg != null) {
        pg.close();
      }
    } finally {
      dbs.close();
      await(vertx.close());
    }
  }

  @Test
  void aTargetRestartMidTableIsRiddenOutAndTheTableResumesAfterTheLastCheckpoint() throws Exception {
    syncThroughAnOutage("restart", 0);
  }

  /**
   * A fast restart of this small idle server takes a fraction of a second, often over before the first retry. Here
   * the server stays down for 3 s, so retries also meet refused connections and must keep going until it is back.
   */
  @Test
  void aTargetDownForSecondsMidTableIsWaitedForAndTheTableResumes() throws Exception {
    syncThroughAnOutage("outage", 3_000);
  }

  /** downMs 0: pg_ctl restart; otherwise pg_ctl stop, downMs of nothing listening, then start (restart() does). */
  private void syncThroughAnOutage(String label, long downMs) throws Exception {
    DatabaseUrl src = dbs.create(label + "_src");
    String ddl = "CREATE TABLE events (id bigint PRIMARY KEY, payload text, at timestamptz);";
    dbs.execute(src, ddl + "INSERT INTO events SELECT g, repeat(md5(g::text), 3), now() - g * interval '1 minute'"
        + " FROM generate_series(1, " + ROWS + ") g;");
    pg.createDatabase("restart_tgt");
    DatabaseUrl tgt = DatabaseUrl.parse(pg.url("127.0.0.1", "restart_tgt", "sslmode=disable"), "test");
    // A view on the table keeps it from being staged and swapped in (which loads it all or nothing): this test is
    // about a load that resumes after its last checkpoint.
    dbs.execute(tgt, ddl + "CREATE VIEW recent_events AS SELECT id, at FROM events;");
    FerryConfig config = TestConfig.of(src, tgt, new JsonObject().put("sync", new JsonObject()
        .put("batchSize", 1000).put("checkpointRows", CHECKPOINT)
        // 500 ms, then 1, 2, 4, 8 s: ~15 s of retries, far longer than a fast restart of a small idle server.
        .put("retries", 6).put("retryBaseDelayMs", 500)));

    List<Long> checkpoints = new CopyOnWriteArrayList<>();
    AtomicBoolean fired = new AtomicBoolean();
    CompletableFuture<long[]> restarted = new CompletableFuture<>();
    var listener = new ProgressBus(vertx).listen(e -> {
      if (e instanceof ProgressEvent.TableCheckpoint c) {
        checkpoints.add(c.rowsCommitted());
        if (fired.compareAndSet(false, true)) {
          // restart() blocks for seconds: on a thread of its own, never on the event loop delivering this event.
          CompletableFuture.runAsync(() -> {
            long t0 = System.nanoTime();
            try {
              if (downMs > 0) {
                pg.stop();
                Thread.sleep(downMs);
              }
              pg.restart();
              restarted.complete(new long[] {t0, System.nanoTime()});
            } catch (RuntimeException | InterruptedException ex) {
              restarted.completeExceptionally(ex);
            }
          });
        }
      }
    });
    long started = System.nanoTime();
    RunSummary run = await(Syncs.runOnce(vertx, config, SyncOptions.defaults()));
    double total = (System.nanoTime() - started) / 1e9;
    await(listener.unregister());

    assertTrue(fired.get(), () -> "no checkpoint was reached, so the server was never restarted: " + describe(run));
    long[] restart = restarted.get(120, TimeUnit.SECONDS);
    double restartSeconds = (restart[1] - restart[0]) / 1e9;
    TableResult events = run.tables().get(0);
    Long resumedAt = run.warnings().stream().map(RESUMED::matcher).filter(Matcher::matches)
        .map(m -> Long.parseLong(m.group(1))).findFirst().orElse(null);
    System.out.printf("target " + label + ": server unavailable for %.2f s; run %s in %.1f s; attempts %d; resumed at row %s;"
        + " checkpoints %s%n", restartSeconds, run.status(), total, events.attempts(), resumedAt, checkpoints);
    System.out.println(describe(run));

    if (run.status() == RunStatus.SUCCEEDED) {
      assertTrue(events.attempts() >= 2, () -> "the restart cut the copy, so it took another attempt: " + describe(run));
      assertNotNull(resumedAt, () -> "a resume warning: " + describe(run));
      assertTrue(resumedAt >= CHECKPOINT && resumedAt % CHECKPOINT == 0,
          () -> "resumed after a committed checkpoint, not from scratch: " + describe(run));
      assertEquals(ROWS, events.inserted(), () -> "each row counted once across attempts: " + describe(run));
      assertFalse(run.validation().isEmpty(), () -> "validation ran, on the restarted target: " + describe(run));
      assertTrue(run.validation().stream().allMatch(RunSummary.ValidationResult::matches), () -> describe(run));
      assertEquals(dbs.contentDigest(src), dbs.contentDigest(tgt), () -> describe(run));
    } else {
      // A clean failure is acceptable only if it says what happened and a plain rerun repairs it.
      assertEquals(RunStatus.FAILED, run.status(), () -> describe(run));
      String msg = String.valueOf(run.message()).toLowerCase();
      assertTrue(msg.contains("target") && (msg.contains("shut") || msg.contains("connection") || msg.contains("start")),
          () -> "the failure names the target and the lost connection: " + describe(run));
      RunSummary again = await(Syncs.runOnce(vertx, config, SyncOptions.defaults()));
      System.out.println("second run: " + describe(again));
      assertEquals(RunStatus.SUCCEEDED, again.status(), () -> describe(again));
      assertEquals(dbs.contentDigest(src), dbs.contentDigest(tgt), () -> describe(again));
    }
    assertEquals(ROWS, dbs.count(tgt, "SELECT count(DISTINCT id) FROM events"));
    assertEquals(ROWS, dbs.count(tgt, "SELECT count(*) FROM events"), "no duplicate rows");
  }
}
