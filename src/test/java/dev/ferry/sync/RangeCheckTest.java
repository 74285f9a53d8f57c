package dev.ferry.sync;

import static dev.ferry.sync.HardShapesSyncTest.describe;
import static dev.ferry.sync.HardShapesSyncTest.table;
import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.config.OnProductionEdit;
import dev.ferry.control.ControlSchema;
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
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A large claimed table changed since its claim (see {@link RangeCheck}): the check that counts it reads its key
 * ranges in the same scan, and the comparison uses them instead of scanning again, with every change still found. One
 * untouched since is checked whole, as before.
 */
class RangeCheckTest {
  private static final String SCHEMA = "CREATE TABLE big (id bigint PRIMARY KEY, n int, note text, doc jsonb);"
      + " CREATE INDEX big_doc ON big USING gin (doc)";
  private static final String BIG = "SELECT md5(string_agg(b::text, ',' ORDER BY id)) FROM big b";

  private Vertx vertx;
  private TestDatabases dbs;
  private DatabaseUrl source;
  private DatabaseUrl target;
  private String verifiedBy;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    dbs = new TestDatabases(vertx);
    source = dbs.create("rangecheck_src");
    target = dbs.create("rangecheck_tgt");
    dbs.execute(source, SCHEMA + "; INSERT INTO big SELECT g, g, 'note ' || g,"
        + " jsonb_build_object('k', g % 10, 'n', g) FROM generate_series(1, 60000) g;"
        + " ANALYZE big"); // the planner's estimate is what makes it large
    dbs.execute(target, SCHEMA + "; CREATE EXTENSION pgstattuple");
    ControlSchema.migrate(target);
    RunSummary load = sync(SyncOptions.defaults());
    assertEquals(RunStatus.SUCCEEDED, load.status(), () -> describe(load));
    verifiedBy = load.runId();
  }

  @AfterEach
  void tearDown() {
    dbs.close();
    await(vertx.close());
  }

  private RunSummary sync(SyncOptions options) {
    return await(Syncs.runOnce(vertx, TestConfig.of(source, target, new JsonObject()), options));
  }

  @Test
  void aTableTouchedSinceItsClaimIsCheckedByRangeOnceAndEveryChangeFound() {
    dbs.execute(source, """
        UPDATE big SET n = -n, doc = doc || '{"u": 1}' WHERE id % 500 = 0;  -- 120 updates across the table
        UPDATE big SET n = -n WHERE id BETWEEN 40001 AND 40008;    -- a whole range (8 keys): more than two touched
        DELETE FROM big WHERE id IN (7, 30001, 59999);
        INSERT INTO big SELECT g, g, 'new ' || g, '{"new": true}' FROM generate_series(60001, 60050) g;""");
    dbs.execute(target, "UPDATE big SET note = 'edited in production' WHERE id = 12345");
    long scansBefore = sourceScans();
    RunSummary run = sync(SyncOptions.defaults().withMode(Mode.MIRROR).withOnProductionEdit(OnProductionEdit.OVERWRITE));
    assertEquals(RunStatus.SUCCEEDED, run.status(), () -> describe(run));
    TableResult big = table(run, "big");
    assertTrue(big.path().contains("unchanged on both sides since run " + verifiedBy + " verified"), big.path());
    assertEquals(List.of(50L, 129L, 3L), List.of(big.inserted(), big.updated(), big.deleted()), big::toString);
    // One scan of the source's table: the check that counted it, per range (checked whole first, it would be two).
    assertEquals(1, sourceScans() - scansBefore, "sequential scans of the source table");
    assertEquals(dbs.text(source, BIG), dbs.text(target, BIG));
    assertEquals(dbs.count(source, "SELECT count(*) FROM big"), dbs.count(target, "SELECT count(*) FROM big"));
    // The GIN index's pending entries were merged before the commit (see GinPending): none left for production's
    // next insert to merge. A plain update leaves some (below), so this would see Ferry's.
    assertEquals(0, ginPendingPages());

    long untouched = sourceScans();
    RunSummary again = sync(SyncOptions.defaults().withMode(Mode.MIRROR));
    assertEquals(0, again.rowsWritten(), () -> describe(again));
    assertTrue(table(again, "big").path().contains("whole table unchanged"), table(again, "big").path());
    assertEquals(1, sourceScans() - untouched, "the whole-table check's scan");
    dbs.execute(target, "UPDATE big SET doc = doc || '{\"later\": 1}' WHERE id <= 100");
    assertTrue(ginPendingPages() > 0, "a plain update's entries wait in the pending list");
  }

  /**
   * A range one row apart (deleted on one side, the rest alike or touched) is read by the keys its check names, not
   * whole (see {@link RangeTriage}); where the check's XORs do not confirm a single key, the range is read whole, and
   * every change is still found and told apart.
   */
  @Test
  void aRangeOneRowApartIsReadByTheKeyItsCheckNames() {
    dbs.execute(source, """
        DELETE FROM big WHERE id IN (7, 30001, 59999);             -- three deletes, each alone in its range
        UPDATE big SET n = -n WHERE id = 100;                       -- an update
        DELETE FROM big WHERE id = 200; UPDATE big SET n = -n WHERE id = 201;  -- a delete beside an update
        DELETE FROM big WHERE id IN (50001, 50002);                 -- two deletes in a range production also""");
    dbs.execute(target, """
        DELETE FROM big WHERE id = 50003;                           -- deleted from: one row apart, not one key
        DELETE FROM big WHERE id = 45000;                           -- production's delete, alone in its range""");
    AtomicReference<ProgressEvent.TableCompared> compared = new AtomicReference<>();
    var listener = new ProgressBus(vertx).listen(e -> {
      if (e instanceof ProgressEvent.TableCompared c) {
        compared.set(c);
      }
    });
    RunSummary run = sync(SyncOptions.defaults().withMode(Mode.MIRROR).withOnProductionEdit(OnProductionEdit.OVERWRITE));
    await(listener.unregister());
    assertEquals(RunStatus.SUCCEEDED, run.status(), () -> describe(run));
    // Ranges of 8 keys: 7 compared. Rows read: by key, 7, 30001, 59999 and 200 on the target, 45000 on the source;
    // 100 and 201 on neither (only the source changed them: the target's are the rows the claim verified, and the
    // write reads the source's); whole, the range of 50000-50007 (6 rows on the source, 7 on the target): 18. Read
    // whole, each one-apart range would have added 15.
    assertEquals(7, compared.get().rangesDiffering());
    assertEquals(18, compared.get().rowsCompared());
    assertEquals(2, compared.get().productionDeletes()); // 45000 by key; 50003 in the range read whole
    TableResult big = table(run, "big");
    assertEquals(List.of(2L, 2L, 6L), List.of(big.inserted(), big.updated(), big.deleted()), big::toString);
    assertEquals(dbs.text(source, BIG), dbs.text(target, BIG));
  }

  /**
   * Row-level reads come in rounds of 20,000 rows, two read at once and matched in order: a day that changed most of
   * the table (read in ranges, three rounds) and one that changed 42,000 of 180,000 rows (read by key, three rounds)
   * find every change, production's edit among them.
   */
  @Test
  void rowLevelReadsInSeveralRoundsFindEveryChange() {
    dbs.execute(source, """
        UPDATE big SET n = -n WHERE id % 4 <> 0;                    -- 45,000 of 60,000: read in ranges
        DELETE FROM big WHERE id % 997 = 0;
        INSERT INTO big SELECT g, g, 'new ' || g, '{"new": true}' FROM generate_series(60001, 60100) g;""");
    dbs.execute(target, "UPDATE big SET note = 'edited in production' WHERE id = 12345");
    RunSummary most = sync(SyncOptions.defaults().withMode(Mode.MIRROR).withOnProductionEdit(OnProductionEdit.OVERWRITE));
    assertEquals(RunStatus.SUCCEEDED, most.status(), () -> describe(most));
    TableResult big = table(most, "big");
    assertEquals(List.of(100L, 44_955L, 60L), List.of(big.inserted(), big.updated(), big.deleted()), big::toString);
    assertEquals(dbs.text(source, BIG), dbs.text(target, BIG));

    dbs.execute(source, "INSERT INTO big SELECT g, g, 'more ' || g, jsonb_build_object('k', g % 10)"
        + " FROM generate_series(60101, 180100) g; ANALYZE big");
    RunSummary grown = sync(SyncOptions.defaults().withMode(Mode.MIRROR));
    assertEquals(RunStatus.SUCCEEDED, grown.status(), () -> describe(grown));
    dbs.execute(source, "UPDATE big SET n = n + 1 WHERE id % 30 < 7"); // 42,000 rows, spread over every range
    dbs.execute(target, "UPDATE big SET note = 'edited again' WHERE id = 100001");
    RunSummary day = sync(SyncOptions.defaults().withMode(Mode.MIRROR).withOnProductionEdit(OnProductionEdit.OVERWRITE));
    assertEquals(RunStatus.SUCCEEDED, day.status(), () -> describe(day));
    TableResult touched = table(day, "big");
    assertTrue(touched.path().contains("unchanged on both sides since run " + grown.runId()), touched.path());
    long changed = dbs.count(source, "SELECT count(*) FROM big WHERE id % 30 < 7");
    assertEquals(List.of(0L, changed + 1, 0L), List.of(touched.inserted(), touched.updated(), touched.deleted()),
        touched::toString);
    assertEquals(dbs.text(source, BIG), dbs.text(target, BIG));
  }

  private long ginPendingPages() {
    return dbs.count(target, "SELECT pending_pages FROM pgstatginindex('big_doc')");
  }

  /**
   * Sequential scans of the source's table so far: read once the run's sessions are gone, each having reported its
   * statistics as it ended.
   */
  private long sourceScans() {
    TestDatabases.waitFor(() -> dbs.ferrySessions(source, target) == 0, 10_000, "the run's sessions closed");
    return dbs.count(source, "SELECT seq_scan FROM pg_stat_user_tables WHERE relname = 'big'");
  }
}
