package dev.ferry.sync;

import static dev.ferry.sync.HardShapesSyncTest.describe;
import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.config.FerryConfig;
import dev.ferry.plan.Mode;
import dev.ferry.plan.SyncOptions;
import dev.ferry.progress.ProgressBus;
import dev.ferry.progress.ProgressEvent;
import dev.ferry.result.RunStatus;
import dev.ferry.result.RunSummary;
import dev.ferry.result.TableResult;
import dev.ferry.testing.TestConfig;
import dev.ferry.testing.TestDatabases;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A rebuild takes a backup before it replaces the target's tables and offers `ferry rollback`. A rebuild cancelled
 * before or during its one transaction changed nothing: it keeps no backup and offers nothing to roll back, and its
 * tables say they were rolled back (cancelled), not failed. A completed rebuild keeps its backup.
 */
class UnusedBackupTest {
  private Vertx vertx;
  private TestDatabases dbs;
  private DatabaseUrl source;
  private DatabaseUrl target;
  private FerryConfig config;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    dbs = new TestDatabases(vertx);
    source = dbs.create("bk_src");
    target = dbs.create("bk_tgt");
    dbs.loadRescueDogs(source, target);
    config = TestConfig.of(source, target, new JsonObject().put("tables", new JsonObject()
        .put("organizations", new JsonObject().put("key", new JsonArray().add("config_id")))));
    assertEquals(RunStatus.SUCCEEDED, await(Syncs.runOnce(vertx, config, SyncOptions.defaults())).status());
  }

  @AfterEach
  void tearDown() {
    dbs.close();
    await(vertx.close());
  }

  private static SyncOptions rebuild() {
    return SyncOptions.defaults().withMode(Mode.REBUILD).withConfirm(true);
  }

  private long backups() {
    return dbs.count(target, "SELECT count(*) FROM ferry.backups");
  }

  @Test
  void aRebuildCancelledBeforeItWroteKeepsNoBackup() {
    String before = dbs.contentDigest(target);
    RunSummary s = await(Syncs.runOnce(vertx, config, rebuild(), Syncs.newRunId(), new AtomicBoolean(true)));
    assertEquals(RunStatus.CANCELLED, s.status(), () -> describe(s));
    assertEquals(0, s.rowsWritten());
    assertEquals(0, backups(), "no backup kept for a run that changed nothing");
    assertTrue(s.warnings().stream().anyMatch(w -> w.contains("dropped: the run changed nothing")), s.warnings()::toString);
    assertEquals(before, dbs.contentDigest(target));
  }

  @Test
  void aRebuildCancelledMidTransactionIsRolledBackAndKeepsNoBackup() {
    String before = dbs.contentDigest(target);
    AtomicBoolean cancel = new AtomicBoolean();
    var consumer = new ProgressBus(vertx).listen(e -> {
      if (e instanceof ProgressEvent.TableProgress p && p.rowsWritten() > 0) {
        cancel.set(true);
      }
    });
    RunSummary s = await(Syncs.runOnce(vertx, config, rebuild(), Syncs.newRunId(), cancel));
    await(consumer.unregister());
    assertTrue(cancel.get(), "the rebuild never reported rows written");
    assertEquals(RunStatus.CANCELLED, s.status(), () -> describe(s));
    assertTrue(s.message().contains("rolled back whole"), s.message());
    assertTrue(s.tables().stream().allMatch(t -> t.outcome() == TableResult.Outcome.SKIPPED), () -> describe(s));
    assertEquals(0, backups());
    assertEquals(before, dbs.contentDigest(target));
  }

  @Test
  void aCompletedRebuildKeepsItsBackup() {
    RunSummary s = await(Syncs.runOnce(vertx, config, rebuild()));
    assertEquals(RunStatus.SUCCEEDED, s.status(), () -> describe(s));
    assertEquals(1, backups());
  }
}
