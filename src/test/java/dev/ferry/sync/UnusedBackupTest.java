package dev.ferry.sync;

import static dev.ferry.sync.HardShapesSyncTest.describe;
import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.config.FerryConfig;
import dev.ferry.plan.Mode;
import dev.ferry.plan.SyncOptions;
import dev.ferry.progress.ProgressBus;
import dev.ferry.progress.ProgressEvent;
import dev.ferry.result.RunStatus;
import dev.ferry.result.RunSummary;
import dev.ferry.result.TableResult;
import dev.ferry.testing.RescueDogPair;
import dev.ferry.testing.TestConfig;
import dev.ferry.testing.TestDatabases;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnection;
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
  private RescueDogPair pair;

  @BeforeEach
  void setUp() {
    pair = new RescueDogPair("bk");
    assertEquals(RunStatus.SUCCEEDED, await(Syncs.runOnce(pair.vertx, pair.config, SyncOptions.defaults())).status());
  }

  @AfterEach
  void tearDown() {
    pair.close();
  }

  private static SyncOptions rebuild() {
    return SyncOptions.defaults().withMode(Mode.REBUILD).withConfirm(true);
  }

  private long backups() {
    return pair.dbs.count(pair.target, "SELECT count(*) FROM ferry.backups");
  }

  @Test
  void aRebuildCancelledBeforeItWroteKeepsNoBackup() {
    String before = pair.dbs.contentDigest(pair.target);
    // Another session's SHARE lock lets the rebuild read, count and back up the tables but holds its first write:
    // the cancel comes then, after the backup and before any row is written, whatever the machine's speed (a cancel
    // set before the run began could stop it while it still read the catalogs, before it took a backup).
    PgConnection holder = await(PgConnection.connect(pair.vertx, pair.target.connectOptions()));
    try {
      await(holder.query("BEGIN; LOCK TABLE organizations, animals, scrape_logs, service_regions IN SHARE MODE")
          .execute());
      AtomicBoolean cancel = new AtomicBoolean();
      Future<RunSummary> run = Syncs.runOnce(pair.vertx, pair.config, rebuild(), Syncs.newRunId(), cancel);
      TestDatabases.waitFor(() -> pair.dbs.count(pair.dbs.server(), "SELECT count(*) FROM pg_stat_activity WHERE"
          + " application_name = 'ferry' AND wait_event_type = 'Lock' AND datname = '" + pair.target.database() + "'")
          > 0, 30_000, "the rebuild waiting to write");
      cancel.set(true);
      RunSummary s = await(run);
      assertEquals(RunStatus.CANCELLED, s.status(), () -> describe(s));
      assertEquals(0, s.rowsWritten());
      assertEquals(0, backups(), "no backup kept for a run that changed nothing");
      assertTrue(s.warnings().stream().anyMatch(w -> w.contains("dropped: the run changed nothing")), s.warnings()::toString);
      assertEquals(before, pair.dbs.contentDigest(pair.target));
    } finally {
      await(holder.close());
    }
  }

  @Test
  void aRebuildCancelledMidTransactionIsRolledBackAndKeepsNoBackup() {
    String before = pair.dbs.contentDigest(pair.target);
    AtomicBoolean cancel = new AtomicBoolean();
    // Cancelled once animals' rows are being written, in batches of 100 one at a time: the cancel lands inside the
    // table whatever the machine's speed (with the default batches in flight a small table, or all of animals, could
    // finish before the event arrived, and the run stopped between tables instead).
    var consumer = new ProgressBus(pair.vertx).listen(e -> {
      if (e instanceof ProgressEvent.TableProgress p && p.table().equals("animals") && p.rowsWritten() > 0) {
        cancel.set(true);
      }
    });
    FerryConfig slow = TestConfig.rescueDogs(pair.source, pair.target,
        new JsonObject().put("sync", new JsonObject().put("batchSize", 100).put("pipeline", 1)));
    RunSummary s = await(Syncs.runOnce(pair.vertx, slow, rebuild(), Syncs.newRunId(), cancel));
    await(consumer.unregister());
    assertTrue(cancel.get(), "the rebuild never reported rows written");
    assertEquals(RunStatus.CANCELLED, s.status(), () -> describe(s));
    assertTrue(s.message().contains("rolled back whole"), s.message());
    assertTrue(s.tables().stream().allMatch(t -> t.outcome() == TableResult.Outcome.SKIPPED), () -> describe(s));
    assertEquals(0, backups());
    assertEquals(before, pair.dbs.contentDigest(pair.target));
  }

  @Test
  void aCompletedRebuildKeepsItsBackup() {
    RunSummary s = await(Syncs.runOnce(pair.vertx, pair.config, rebuild()));
    assertEquals(RunStatus.SUCCEEDED, s.status(), () -> describe(s));
    assertEquals(1, backups());
  }
}
