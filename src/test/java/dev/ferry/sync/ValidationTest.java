package dev.ferry.sync;

import static dev.ferry.sync.HardShapesSyncTest.describe;
import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.plan.SyncOptions;
import dev.ferry.result.RunStatus;
import dev.ferry.result.RunSummary;
import dev.ferry.testing.TestConfig;
import dev.ferry.testing.TestDatabases;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Validation reads what really landed on the target: a difference Ferry did not cause is still found. */
class ValidationTest {
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
  void aTargetTriggerThatAltersRowsMakesTheRunFailValidation() {
    DatabaseUrl src = dbs.create("val_src");
    DatabaseUrl tgt = dbs.create("val_tgt");
    String ddl = "CREATE TABLE notes (id int PRIMARY KEY, body text);"
        + "CREATE TABLE tags (id int PRIMARY KEY, label text);";
    dbs.execute(src, ddl + "INSERT INTO notes SELECT g, 'note ' || g FROM generate_series(1, 2000) g;"
        + "INSERT INTO tags SELECT g, 'tag ' || g FROM generate_series(1, 50) g;");
    // The target rewrites one row on the way in: counts stay equal, contents do not.
    dbs.execute(tgt, ddl + """
        CREATE FUNCTION shout() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.id = 1234 THEN NEW.body := upper(NEW.body); END IF; RETURN NEW; END $$;
        CREATE TRIGGER shout BEFORE INSERT OR UPDATE ON notes FOR EACH ROW EXECUTE FUNCTION shout();""");

    // Left to fire (by default Ferry switches target triggers off while it writes: CatalogShapesSyncTest).
    RunSummary run = await(Syncs.runOnce(vertx, TestConfig.of(src, tgt, new JsonObject().put("sync",
        new JsonObject().put("targetTriggers", "fire"))), SyncOptions.defaults()));
    assertEquals(RunStatus.FAILED, run.status(), () -> describe(run));
    assertEquals("validation found differences in 1 table", run.message());
    RunSummary.ValidationResult notes = run.validation().stream().filter(v -> v.table().equals("notes")).findFirst()
        .orElseThrow();
    assertFalse(notes.matches());
    assertEquals("same row count but contents differ", notes.detail());
    assertTrue(run.validation().stream().filter(v -> v.table().equals("tags")).allMatch(v -> v.matches()));
  }
}
