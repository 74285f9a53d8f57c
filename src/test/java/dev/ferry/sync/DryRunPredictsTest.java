package dev.ferry.sync;

import static dev.ferry.sync.HardShapesSyncTest.describe;
import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.config.FerryConfig;
import dev.ferry.plan.Mode;
import dev.ferry.plan.SyncOptions;
import dev.ferry.result.RunStatus;
import dev.ferry.result.RunSummary;
import dev.ferry.testing.RescueDogPair;
import dev.ferry.testing.TestConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A dry run's counts are the real run's: per table, rows inserted, updated and deleted, on a first load into empty
 * tables (natural-key ids remapped) and on a mirror after inserts, updates and deletes. (An empty target's rows were
 * counted both as inserted and as updated.)
 */
class DryRunPredictsTest {
  private RescueDogPair pair;

  @BeforeEach
  void setUp() {
    pair = new RescueDogPair("dry");
  }

  @AfterEach
  void tearDown() {
    pair.close();
  }

  private List<String> counts(SyncOptions options) {
    RunSummary s = await(Syncs.runOnce(pair.vertx, pair.config, options));
    assertEquals(RunStatus.SUCCEEDED, s.status(), () -> describe(s));
    return s.tables().stream().map(t -> t.table() + " +" + t.inserted() + " ~" + t.updated() + " -" + t.deleted())
        .toList();
  }

  private void predicted(SyncOptions options) {
    List<String> dry = counts(options.withDryRun(true));
    assertEquals(dry, counts(options));
  }

  @Test
  void aDryRunCountsWhatTheRealRunThenWrites() {
    predicted(SyncOptions.defaults());
    pair.dbs.execute(pair.source, """
        UPDATE animals SET status = 'adopted' WHERE id % 50 = 0;
        UPDATE organizations SET name = name || ' (renamed)' WHERE id = (SELECT min(id) FROM organizations);
        INSERT INTO organizations (config_id, name) VALUES ('new-org', 'New');
        DELETE FROM scrape_logs WHERE id % 100 = 0;""");
    predicted(SyncOptions.defaults().withMode(Mode.MIRROR).withConfirm(true));
  }
  /** A dry run whose real run a guard would refuse still plans, then ends refused for the same reason. */
  @Test
  void aDryRunEndsRefusedWhenTheRealRunWouldBe() {
    FerryConfig guarded = TestConfig.of(pair.source, pair.target, new JsonObject().put("tables", new JsonObject()
        .put("organizations", new JsonObject().put("key", new JsonArray().add("config_id")).put("minRows", 1000))));
    SyncOptions rebuild = SyncOptions.defaults().withMode(Mode.REBUILD).withConfirm(true);
    RunSummary dry = await(Syncs.runOnce(pair.vertx, guarded, rebuild.withDryRun(true)));
    RunSummary real = await(Syncs.runOnce(pair.vertx, guarded, rebuild));
    assertEquals(RunStatus.REFUSED, real.status(), () -> describe(real));
    assertEquals(RunStatus.REFUSED, dry.status(), () -> describe(dry));
    assertEquals("dry run: a real run would refuse (nothing was written): " + real.message(), dry.message());
    assertEquals(0, pair.dbs.count(pair.target, "SELECT count(*) FROM animals"), "nothing was written");
    org.junit.jupiter.api.Assertions.assertTrue(dry.tables().stream().mapToLong(t -> t.inserted()).sum() > 0,
        "the dry run still shows its plan");
  }
}
