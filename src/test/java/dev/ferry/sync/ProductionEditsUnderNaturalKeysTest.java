package dev.ferry.sync;

import static dev.ferry.sync.HardShapesSyncTest.describe;
import static dev.ferry.sync.HardShapesSyncTest.table;
import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.OnProductionEdit;
import dev.ferry.control.ControlSchema;
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
 * The demo's shape: a child mapping its foreign key through a natural-key parent. A refused run claims the parent
 * again but not the child, so the child's claim can no longer spare any hashing; it still tells who changed each row,
 * and keep still keeps production's edit (found by trying it as a user would, where it was written over).
 */
class ProductionEditsUnderNaturalKeysTest {
  private static final String SCHEMA = """
      CREATE TABLE orgs (id serial PRIMARY KEY, code text UNIQUE NOT NULL);
      CREATE TABLE pets (id bigint PRIMARY KEY, org_id int NOT NULL REFERENCES orgs, name text);""";

  private Vertx vertx;
  private TestDatabases dbs;
  private DatabaseUrl source;
  private DatabaseUrl target;
  private FerryConfig config;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    dbs = new TestDatabases(vertx);
    source = dbs.create("natural_src");
    target = dbs.create("natural_tgt");
    dbs.execute(source, SCHEMA + """
        INSERT INTO orgs (code) SELECT 'org' || g FROM generate_series(1, 3) g;
        INSERT INTO pets SELECT g, 1 + g % 3, 'pet ' || g FROM generate_series(1, 3000) g;""");
    dbs.execute(target, SCHEMA + "INSERT INTO orgs (id, code) SELECT 10 + g, 'org' || g FROM generate_series(1, 3) g;");
    ControlSchema.migrate(target);
    config = TestConfig.of(source, target, new JsonObject().put("tables", new JsonObject()
        .put("orgs", new JsonObject().put("key", new JsonArray().add("code")))));
    assertEquals(RunStatus.SUCCEEDED, sync(SyncOptions.defaults()).status());
  }

  @AfterEach
  void tearDown() {
    dbs.close();
    await(vertx.close());
  }

  private RunSummary sync(SyncOptions options) {
    return await(Syncs.runOnce(vertx, config, options));
  }

  @Test
  void keepKeepsProductionsEditAfterARefusedRunClaimedOnlyTheParent() {
    dbs.execute(target, "UPDATE pets SET name = 'fixed in production' WHERE id = 1");
    dbs.execute(source, "UPDATE pets SET name = 'renamed locally' WHERE id % 50 = 0");
    RunSummary refused = sync(SyncOptions.defaults());
    assertEquals(RunStatus.REFUSED, refused.status(), () -> describe(refused));

    RunSummary kept = sync(SyncOptions.defaults().withOnProductionEdit(OnProductionEdit.KEEP));
    assertEquals(RunStatus.SUCCEEDED, kept.status(), () -> describe(kept));
    assertEquals("fixed in production", dbs.text(target, "SELECT name FROM pets WHERE id = 1"));
    assertEquals(60, kept.rowsWritten(), () -> describe(kept));
    assertTrue(table(kept, "pets").path().contains("kept as production left them"), table(kept, "pets").path());

    RunSummary after = sync(SyncOptions.defaults());
    assertEquals(RunStatus.SUCCEEDED, after.status(), () -> describe(after));
    assertEquals(0, after.rowsWritten(), () -> describe(after));
    assertEquals("fixed in production", dbs.text(target, "SELECT name FROM pets WHERE id = 1"));
  }
}
