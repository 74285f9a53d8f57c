package dev.ferry.sync;

import static dev.ferry.sync.HardShapesSyncTest.describe;
import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.config.FerryConfig;
import dev.ferry.plan.Mode;
import dev.ferry.plan.SyncOptions;
import dev.ferry.result.RunStatus;
import dev.ferry.result.RunSummary;
import dev.ferry.result.TableResult;
import dev.ferry.testing.TestConfig;
import dev.ferry.testing.TestDatabases;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The seeds' rescue-dog schema: organizations matched by config_id while the target's ids differ from the
 * source's, and each mode's guards.
 */
class RescueDogSyncTest {
  private Vertx vertx;
  private TestDatabases dbs;
  private DatabaseUrl source;
  private DatabaseUrl target;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    dbs = new TestDatabases(vertx);
    source = dbs.create("dogs_src");
    target = dbs.create("dogs_tgt");
    dbs.loadRescueDogs(source, target);
  }

  @AfterEach
  void tearDown() {
    dbs.close();
    await(vertx.close());
  }

  private FerryConfig config() {
    return TestConfig.of(source, target, new JsonObject().put("tables", new JsonObject()
        .put("organizations", new JsonObject().put("key", new JsonArray().add("config_id")).put("minRows", 1))
        .put("animals", new JsonObject().put("minRows", 50))));
  }

  private RunSummary sync(SyncOptions options) {
    return await(Syncs.runOnce(vertx, config(), options));
  }

  private static SyncOptions mode(Mode m) {
    return SyncOptions.defaults().withMode(m);
  }

  private long orgCount() {
    return dbs.count(source, "SELECT count(*) FROM organizations");
  }

  @Test
  void organizationsMapByConfigIdAndAnimalsFollowTheirOrganization() {
    RunSummary run = sync(SyncOptions.defaults());
    assertEquals(RunStatus.SUCCEEDED, run.status(), () -> describe(run));
    assertTrue(dbs.count(target, "SELECT min(id) FROM organizations") >= 1001, "target ids come from the target");
    // Every animal sits under the organization with the same config_id as on the source.
    String pairs = "SELECT string_agg(a.external_id || '@' || o.config_id, ',' ORDER BY a.external_id, o.config_id)"
        + " FROM animals a JOIN organizations o ON o.id = a.organization_id";
    assertEquals(dbs.text(source, pairs), dbs.text(target, pairs));
    run.validation().forEach(v -> assertTrue(v.matches(), v.table() + ": " + v.detail()));

    RunSummary again = sync(SyncOptions.defaults());
    assertEquals(0, again.rowsWritten(), () -> describe(again));
  }

  @Test
  void changedRowsAreTheOnlyRowsWritten() {
    sync(SyncOptions.defaults());
    dbs.execute(source, "UPDATE animals SET status = 'adopted' WHERE id IN (SELECT id FROM animals ORDER BY id LIMIT 7);"
        + "UPDATE organizations SET name = name || ' (renamed)' WHERE id = (SELECT min(id) FROM organizations);"
        + "INSERT INTO animals (organization_id, external_id, name) SELECT min(id), 'new-dog', 'Rex' FROM organizations;");
    RunSummary run = sync(SyncOptions.defaults());
    assertEquals(RunStatus.SUCCEEDED, run.status(), () -> describe(run));
    assertEquals(9, run.rowsWritten(), () -> describe(run));
    assertEquals(1, table(run, "animals").inserted());
    assertEquals(7, table(run, "animals").updated());
    assertEquals(1, table(run, "organizations").updated());
  }

  @Test
  void dryRunReportsRealNumbersAndLeavesTheTargetUnchanged() {
    sync(SyncOptions.defaults());
    dbs.execute(source, "UPDATE animals SET name = 'Changed' WHERE id % 10 = 0;"
        + "DELETE FROM animals WHERE id % 10 = 5;");
    long changed = dbs.count(source, "SELECT count(*) FROM animals WHERE name = 'Changed'");
    long deleted = dbs.count(target, "SELECT count(*) FROM animals") - dbs.count(source, "SELECT count(*) FROM animals");
    String before = dbs.contentDigest(target);

    RunSummary dry = sync(mode(Mode.MIRROR).withDryRun(true).withConfirm(true));
    assertEquals(RunStatus.SUCCEEDED, dry.status(), () -> describe(dry));
    assertEquals(changed, table(dry, "animals").updated());
    assertEquals(deleted, table(dry, "animals").deleted());
    assertEquals(before, dbs.contentDigest(target), "a dry run must not change the target");
  }

  @Test
  void incrementalRefusesATableWhoseTargetHasMoreRows() {
    sync(SyncOptions.defaults());
    dbs.execute(source, "DELETE FROM scrape_logs WHERE id % 2 = 0");
    String before = dbs.contentDigest(target);
    RunSummary run = sync(SyncOptions.defaults());
    assertEquals(RunStatus.REFUSED, run.status(), () -> describe(run));
    assertTrue(run.message().contains("scrape_logs") && run.message().contains("--mode mirror"), run.message());
    assertEquals(before, dbs.contentDigest(target));
  }

  @Test
  void mirrorDeletesWithinTheShareAndNeedsConfirmationBeyondIt() {
    sync(SyncOptions.defaults());
    long logs = dbs.count(source, "SELECT count(*) FROM scrape_logs");
    dbs.execute(source, "DELETE FROM scrape_logs WHERE id IN (SELECT id FROM scrape_logs ORDER BY id LIMIT 2)");
    RunSummary small = sync(mode(Mode.MIRROR));
    assertEquals(RunStatus.SUCCEEDED, small.status(), () -> describe(small));
    assertEquals(2, table(small, "scrape_logs").deleted());

    dbs.execute(source, "DELETE FROM scrape_logs WHERE id % 2 = 0");
    RunSummary big = sync(mode(Mode.MIRROR));
    assertEquals(RunStatus.REFUSED, big.status(), () -> describe(big));
    assertEquals(logs - 2, dbs.count(target, "SELECT count(*) FROM scrape_logs"), "nothing deleted when refused");

    RunSummary confirmed = sync(mode(Mode.MIRROR).withConfirm(true));
    assertEquals(RunStatus.SUCCEEDED, confirmed.status(), () -> describe(confirmed));
    assertEquals(dbs.count(source, "SELECT count(*) FROM scrape_logs"), dbs.count(target, "SELECT count(*) FROM scrape_logs"));
    // Row digests differ by organization ids on purpose; validation compares through the id map.
    confirmed.validation().forEach(v -> assertTrue(v.matches(), v.table() + ": " + v.detail()));
  }

  @Test
  void rebuildNeedsConfirmationAndTheMinimumRowsThenReplacesEverything() {
    sync(SyncOptions.defaults());
    dbs.execute(target, "INSERT INTO organizations (config_id, name) VALUES ('only-on-target', 'Stray')");
    assertEquals(RunStatus.REFUSED, sync(mode(Mode.REBUILD)).status());

    dbs.execute(source, "DELETE FROM animals WHERE id > 10");
    RunSummary below = sync(mode(Mode.REBUILD).withConfirm(true));
    assertEquals(RunStatus.REFUSED, below.status(), () -> describe(below));
    assertTrue(below.message().contains("minimum of 50"), below.message());

    dbs.execute(source, "INSERT INTO animals (organization_id, external_id) SELECT (SELECT min(id) FROM organizations),"
        + " 'r' || g FROM generate_series(1, 60) g");
    RunSummary rebuilt = sync(mode(Mode.REBUILD).withConfirm(true));
    assertEquals(RunStatus.SUCCEEDED, rebuilt.status(), () -> describe(rebuilt));
    assertEquals(0, dbs.count(target, "SELECT count(*) FROM organizations WHERE config_id = 'only-on-target'"));
    assertEquals(orgCount(), dbs.count(target, "SELECT count(*) FROM organizations"));
    rebuilt.validation().forEach(v -> assertTrue(v.matches(), v.table() + ": " + v.detail()));
  }

  @Test
  void forceNeedsConfirmationAndSyncsDespiteASchemaDifference() {
    dbs.execute(target, "ALTER TABLE scrape_logs ADD COLUMN note text");
    RunSummary normal = sync(SyncOptions.defaults());
    assertEquals(RunStatus.REFUSED, normal.status());
    assertTrue(normal.message().contains("note"), normal.message());
    assertEquals(RunStatus.REFUSED, sync(mode(Mode.FORCE)).status());
    RunSummary forced = sync(mode(Mode.FORCE).withConfirm(true));
    assertEquals(RunStatus.SUCCEEDED, forced.status(), () -> describe(forced));
    assertTrue(forced.warnings().stream().anyMatch(w -> w.contains("FORCE")));
  }

  @Test
  void differingColumnsRefuseTheRunWithTheDiffReportAndForceSyncsTheSharedColumns() {
    dbs.execute(target, "ALTER TABLE animals ALTER COLUMN name TYPE varchar(300); ALTER TABLE animals ADD COLUMN extra int;");
    RunSummary refused = sync(SyncOptions.defaults());
    assertEquals(RunStatus.REFUSED, refused.status(), () -> describe(refused));
    assertTrue(refused.message().contains("animals: column name: type character varying(300) on the target, text on the"
        + " source"), refused.message());
    assertTrue(refused.message().contains("animals: column extra: column only on the target"), refused.message());
    assertEquals(0, dbs.count(target, "SELECT count(*) FROM animals"), "nothing was written");

    RunSummary forced = sync(mode(Mode.FORCE).withConfirm(true));
    assertEquals(RunStatus.SUCCEEDED, forced.status(), () -> describe(forced));
    assertTrue(forced.warnings().stream().anyMatch(w -> w.contains("schema (ignored in force mode): animals: column extra")));
    assertEquals(orgCount() > 0, dbs.count(target, "SELECT count(*) FROM animals") > 0);
  }

  @Test
  void oneFailingTableDoesNotStopTheOthers() {
    // A target-only CHECK makes service_regions fail; the other tables still sync and commit.
    dbs.execute(target, "ALTER TABLE service_regions ADD CONSTRAINT no_rows CHECK (false) NOT VALID");
    RunSummary run = sync(SyncOptions.defaults().withSkips(true, false));
    assertEquals(RunStatus.PARTIAL, run.status(), () -> describe(run));
    assertEquals(TableResult.Outcome.FAILED, table(run, "service_regions").outcome());
    assertTrue(table(run, "service_regions").message().contains("no_rows"));
    assertEquals(dbs.count(source, "SELECT count(*) FROM animals"), dbs.count(target, "SELECT count(*) FROM animals"));
  }

  @Test
  void sequencesMoveUpToTheDataAndNeverBackwards() {
    dbs.execute(target, "SELECT setval('scrape_logs_id_seq', 1000000)");
    sync(SyncOptions.defaults());
    assertEquals(1000000, dbs.count(target, "SELECT last_value FROM scrape_logs_id_seq"));
    assertEquals(dbs.count(source, "SELECT max(id) FROM animals"), dbs.count(target, "SELECT last_value FROM animals_id_seq"));
  }

  @Test
  void unknownTableNamesAreConfigurationErrors() {
    var err = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
        () -> sync(SyncOptions.defaults().withTables(List.of("kittens"))));
    assertTrue(err.getMessage().contains("--tables") && err.getMessage().contains("kittens"), err.getMessage());
  }

  @Test
  void aChildCannotBeSyncedWithoutItsNaturalKeyParent() {
    var err = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
        () -> sync(SyncOptions.defaults().withTables(List.of("animals"))));
    assertTrue(err.getMessage().contains("include organizations"), err.getMessage());
    assertEquals(0, dbs.count(target, "SELECT count(*) FROM animals"), "nothing was written");
  }

  static TableResult table(RunSummary s, String name) {
    return s.tables().stream().filter(t -> t.table().equals(name)).findFirst().orElseThrow();
  }
}
