package dev.ferry.sync;

import static dev.ferry.sync.HardShapesSyncTest.describe;
import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.plan.SyncOptions;
import dev.ferry.progress.ProgressBus;
import dev.ferry.progress.ProgressEvent;
import dev.ferry.result.RunStatus;
import dev.ferry.result.RunSummary;
import dev.ferry.result.TableResult;
import dev.ferry.testing.FaultProxy;
import dev.ferry.testing.TestConfig;
import dev.ferry.testing.TestDatabases;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The target behind a {@link FaultProxy}: its connections are cut, or stalled, in the middle of a large table,
 * right after the table's first checkpoint. The run retries, resumes after the last committed checkpoint instead
 * of starting the table again, and ends with the target equal to the source.
 */
class NetworkFaultTest {
  private static final int ROWS = 200_000;
  private static final int CHECKPOINT = 40_000;

  private Vertx vertx;
  private TestDatabases dbs;
  private FaultProxy proxy;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    dbs = new TestDatabases(vertx);
    proxy = new FaultProxy(dbs.server().host(), dbs.server().port());
  }

  @AfterEach
  void tearDown() throws Exception {
    proxy.close();
    dbs.close();
    await(vertx.close());
  }

  @Test
  void aConnectionCutMidTableResumesAfterTheLastCheckpoint() {
    Outcome o = syncWhileFaulting("cut", FaultProxy::cut, 120);
    assertTrue(o.faulted > 0, "the proxy cut at least one live connection");
    assertResumed(o);
  }

  @Test
  void aStalledConnectionIsDetectedByTheTimeoutAndTheTableResumes() {
    long[] stalledAt = {0};
    Outcome o = syncWhileFaulting("stall", p -> {
      stalledAt[0] = System.nanoTime();
      int n = p.stall();
      // The abandoned connection's socket is only released once the network gives up on it (TCP's own timeout,
      // hours by default): here the proxy gives up after 10 s, so that the test's teardown is not kept waiting.
      CompletableFuture.delayedExecutor(10, java.util.concurrent.TimeUnit.SECONDS).execute(p::cut);
      return n;
    }, 2);
    assertTrue(o.faulted > 0, "the proxy stalled the connection that was writing");
    assertResumed(o);
    double detectedAfter = (o.retryAt - stalledAt[0]) / 1e9;
    System.out.printf("stall detected and retried %.1f s after it began%n", detectedAfter);
    assertTrue(detectedAfter >= 2 && detectedAfter < 20, "retried " + detectedAfter + " s after the stall");
    assertTrue(o.run.warnings().stream().anyMatch(w -> w.contains("no answer from the target for 2 s")), () -> describe(o.run));
  }

  private record Outcome(RunSummary run, int faulted, List<Long> checkpoints, long retryAt) {}

  /** Syncs a 200k-row table through the proxy; at the first checkpoint, {@code fault} hits the open connections. */
  private Outcome syncWhileFaulting(String label, ToIntFunction<FaultProxy> fault, int stallTimeoutSeconds) {
    DatabaseUrl src = dbs.create("fault_src_" + label);
    DatabaseUrl tgt = dbs.create("fault_tgt_" + label);
    String ddl = "CREATE TABLE events (id bigint PRIMARY KEY, payload text, at timestamptz);";
    dbs.execute(src, ddl + "INSERT INTO events SELECT g, repeat(md5(g::text), 3), now() - g * interval '1 minute'"
        + " FROM generate_series(1, " + ROWS + ") g;");
    // A view on the table keeps it from being staged and swapped in (which loads it all or nothing): this test is
    // about a load that resumes after its last checkpoint.
    dbs.execute(tgt, ddl + "CREATE VIEW recent_events AS SELECT id, at FROM events;");
    DatabaseUrl viaProxy = DatabaseUrl.parse("postgresql://" + dbs.server().user() + "@127.0.0.1:" + proxy.port() + "/"
        + tgt.database() + "?sslmode=disable", "test");

    List<Long> checkpoints = new CopyOnWriteArrayList<>();
    AtomicBoolean fired = new AtomicBoolean();
    CompletableFuture<Integer> faulted = new CompletableFuture<>();
    long[] retryAt = {0};
    var listener = new ProgressBus(vertx).listen(e -> {
      if (e instanceof ProgressEvent.Warning w && w.message().contains("retrying") && retryAt[0] == 0) {
        retryAt[0] = System.nanoTime();
      }
      if (e instanceof ProgressEvent.TableCheckpoint c) {
        checkpoints.add(c.rowsCommitted());
        if (fired.compareAndSet(false, true)) {
          CompletableFuture.runAsync(() -> faulted.complete(fault.applyAsInt(proxy)));
        }
      }
    });
    RunSummary run = await(Syncs.runOnce(vertx, TestConfig.of(src, viaProxy, new JsonObject()
        .put("sync", new JsonObject().put("batchSize", 1000).put("checkpointRows", CHECKPOINT)
            .put("stallTimeoutSeconds", stallTimeoutSeconds).put("retryBaseDelayMs", 200))), SyncOptions.defaults()));
    await(listener.unregister());
    assertEquals(dbs.contentDigest(src), dbs.contentDigest(tgt), () -> "target equals source after the fault: " + describe(run));
    return new Outcome(run, faulted.getNow(0), checkpoints, retryAt[0]);
  }

  private static void assertResumed(Outcome o) {
    RunSummary run = o.run;
    assertEquals(RunStatus.SUCCEEDED, run.status(), () -> describe(run));
    TableResult events = run.tables().get(0);
    // A stall can take more than one retry: the server cannot end the stalled session while its send buffer is full
    // (the silent peer reads nothing), so its locks hold until the network gives up on that connection.
    assertTrue(events.attempts() >= 2, () -> describe(run));
    assertEquals(ROWS, events.inserted(), () -> "counted once across both attempts: " + describe(run));
    assertTrue(run.warnings().stream().anyMatch(w -> w.contains("retrying (attempt 2)")), () -> describe(run));
    assertTrue(run.warnings().stream().anyMatch(w -> w.matches(".*resuming after the checkpoint at row [1-9]\\d*:.*")),
        () -> describe(run));
    assertTrue(run.validation().stream().allMatch(RunSummary.ValidationResult::matches), () -> describe(run));
    assertTrue(o.checkpoints.size() >= ROWS / CHECKPOINT - 1, "checkpoints recorded: " + o.checkpoints);
    System.out.println("fault: " + o.faulted + " connection(s); checkpoints " + o.checkpoints + "; warnings " + run.warnings());
  }
}
