package dev.ferry.sync;

import static dev.ferry.sync.HardShapesSyncTest.describe;
import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.config.FerryConfig;
import dev.ferry.control.ControlSchema;
import dev.ferry.plan.SyncOptions;
import dev.ferry.result.RunStatus;
import dev.ferry.result.RunSummary;
import dev.ferry.result.TableResult;
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

    // Left to fire (see triggersFire).
    RunSummary run = await(Syncs.runOnce(vertx, triggersFire(src, tgt), SyncOptions.defaults()));
    assertEquals(RunStatus.FAILED, run.status(), () -> describe(run));
    assertEquals("validation found differences in 1 table", run.message());
    RunSummary.ValidationResult notes = validation(run, "notes");
    assertFalse(notes.matches());
    assertEquals("same row count but contents differ", notes.detail());
    assertTrue(run.validation().stream().filter(v -> v.table().equals("tags")).allMatch(v -> v.matches()));
  }

  /**
   * Validation takes the rows a differential upsert wrote from its own RETURNING, not from the table (see
   * RangeDiff.targetAfterWrites) — except where something else may change them afterwards: here a trigger on another
   * synced table, left to fire, adds to a row the run had just written. The change is found.
   */
  @Test
  void aTriggerOnAnotherTableThatChangesWrittenRowsIsFound() {
    DatabaseUrl src = dbs.create("val_src");
    DatabaseUrl tgt = dbs.create("val_tgt");
    String ddl = "CREATE TABLE orders (id bigint PRIMARY KEY, total int, note text);"
        + "CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint REFERENCES orders, note text);";
    dbs.execute(src, ddl + "INSERT INTO orders SELECT g, g, 'order ' || g FROM generate_series(1, 5000) g;"
        + "INSERT INTO order_items SELECT g, g, 'item' FROM generate_series(1, 100) g; ANALYZE");
    dbs.execute(tgt, ddl + """
        CREATE FUNCTION bump() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN UPDATE public.orders SET total = total + 1 WHERE id = NEW.order_id; RETURN NULL; END $$;
        CREATE TRIGGER bump AFTER INSERT ON order_items FOR EACH ROW WHEN (NEW.note = 'bump')
          EXECUTE FUNCTION bump();""");
    ControlSchema.migrate(tgt);
    FerryConfig fire = triggersFire(src, tgt);
    RunSummary first = await(Syncs.runOnce(vertx, fire, SyncOptions.defaults()));
    assertEquals(RunStatus.SUCCEEDED, first.status(), () -> describe(first));

    dbs.execute(src, "UPDATE orders SET note = 'changed' WHERE id = 42; INSERT INTO order_items VALUES (1001, 42, 'bump')");
    RunSummary run = await(Syncs.runOnce(vertx, fire, SyncOptions.defaults()));
    TableResult orders = HardShapesSyncTest.table(run, "orders");
    assertTrue(orders.path().contains("since run " + first.runId()), orders::path); // compared under the claim, by key
    assertEquals(1, orders.updated(), orders::toString);
    assertEquals("43", dbs.text(tgt, "SELECT total::text FROM orders WHERE id = 42")); // the trigger added one
    assertEquals(RunStatus.FAILED, run.status(), () -> describe(run));
    assertEquals("same row count but contents differ", validation(run, "orders").detail());
  }

  /** Target triggers left to fire while Ferry writes (by default it switches them off: CatalogShapesSyncTest). */
  private static FerryConfig triggersFire(DatabaseUrl src, DatabaseUrl tgt) {
    return TestConfig.of(src, tgt, new JsonObject().put("sync", new JsonObject().put("targetTriggers", "fire")));
  }

  private static RunSummary.ValidationResult validation(RunSummary run, String table) {
    return run.validation().stream().filter(v -> v.table().equals(table)).findFirst().orElseThrow();
  }
}
