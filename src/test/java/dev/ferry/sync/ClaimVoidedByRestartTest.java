package dev.ferry.sync;

import static dev.ferry.sync.HardShapesSyncTest.describe;
import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.config.FerryConfig;
import dev.ferry.control.ControlSchema;
import dev.ferry.plan.SyncOptions;
import dev.ferry.result.RunStatus;
import dev.ferry.result.RunSummary;
import dev.ferry.testing.TestConfig;
import dev.ferry.testing.TestDatabases;
import dev.ferry.testing.ThrowawayPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A restart of the target server voids every claim (a restore or failover would rewind its transaction ids): the
 * next sync cannot tell production's edits from the source's changes, says so, and behaves as every sync did before.
 * The target is a server of the test's own, since it is restarted.
 */
class ClaimVoidedByRestartTest {
  private Vertx vertx;
  private TestDatabases dbs;
  private ThrowawayPostgres pg;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    dbs = new TestDatabases(vertx);
    pg = ThrowawayPostgres.startWithoutTls();
  }

  @AfterEach
  void tearDown() {
    try {
      pg.close();
    } finally {
      dbs.close();
      await(vertx.close());
    }
  }

  @Test
  void aRestartedTargetVoidsTheClaimAndTheRunSaysSo() {
    String ddl = "CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL);";
    DatabaseUrl source = dbs.create("voided_src");
    dbs.execute(source, ddl + "INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 3000) g;");
    pg.createDatabase("voided_tgt");
    DatabaseUrl target = DatabaseUrl.parse(pg.url("127.0.0.1", "voided_tgt", "sslmode=disable"), "test");
    dbs.execute(target, ddl);
    ControlSchema.migrate(target);
    FerryConfig config = TestConfig.of(source, target, new JsonObject());
    RunSummary load = await(Syncs.runOnce(vertx, config, SyncOptions.defaults()));
    assertEquals(RunStatus.SUCCEEDED, load.status(), () -> describe(load));

    // With the claim standing, a production edit is refused...
    dbs.execute(target, "UPDATE items SET name = 'fixed in production' WHERE id = 42");
    RunSummary refused = await(Syncs.runOnce(vertx, config, SyncOptions.defaults()));
    assertEquals(RunStatus.REFUSED, refused.status(), () -> describe(refused));

    // ...until the server restarts: then nobody can tell whose edit it was.
    pg.restart();
    RunSummary run = await(Syncs.runOnce(vertx, config, SyncOptions.defaults()));
    assertEquals(RunStatus.SUCCEEDED, run.status(), () -> describe(run));
    assertTrue(run.warnings().stream().anyMatch(w -> w.startsWith("items: the last verified sync's claim no longer"
        + " holds")), () -> describe(run));
    assertEquals("item 42", dbs.text(target, "SELECT name FROM items WHERE id = 42"), "the source wins, as before");
  }
}
