package dev.ferry.sync;

import static dev.ferry.sync.HardShapesSyncTest.describe;
import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.config.ConfigException;
import dev.ferry.config.DatabaseUrl;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.OnProductionEdit;
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
 * A watermark column narrows the differential search: rows with a newer watermark are copied without being
 * searched for, and the checksum comparison still finds a row changed behind the watermark's back, and deletes.
 */
class WatermarkSyncTest {
  private static final String SCHEMA = """
      CREATE TABLE items (id bigint PRIMARY KEY, v text, updated_at timestamptz NOT NULL);""";

  private Vertx vertx;
  private TestDatabases dbs;
  private DatabaseUrl source;
  private DatabaseUrl target;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    dbs = new TestDatabases(vertx);
    source = dbs.create("wm_src");
    target = dbs.create("wm_tgt");
    dbs.execute(source, SCHEMA + "INSERT INTO items SELECT g, 'v' || g, '2026-01-01'::timestamptz + g * interval '1 second'"
        + " FROM generate_series(1, 5000) g");
    dbs.execute(target, SCHEMA);
    RunSummary first = sync(config("updated_at"), SyncOptions.defaults());
    assertEquals(RunStatus.SUCCEEDED, first.status(), () -> describe(first));
  }

  @AfterEach
  void tearDown() {
    dbs.close();
    await(vertx.close());
  }

  private FerryConfig config(String watermark) {
    return TestConfig.of(source, target, new JsonObject().put("tables", new JsonObject()
        .put("items", new JsonObject().put("watermark", watermark))));
  }

  private RunSummary sync(FerryConfig config, SyncOptions options) {
    return await(Syncs.runOnce(vertx, config, options));
  }

  @Test
  void newerRowsAreCopiedFirstAndTheChecksumFindsTheRest() {
    dbs.execute(source, """
        UPDATE items SET v = 'changed', updated_at = '2026-06-01' WHERE id IN (10, 2000, 4999);
        INSERT INTO items VALUES (6001, 'new', '2026-06-02'), (6002, 'new', '2026-06-02');
        UPDATE items SET v = 'sneaky' WHERE id IN (77, 3333);          -- changed, watermark left as it was
        DELETE FROM items WHERE id = 1234;""");
    AtomicReference<ProgressEvent.TableCompared> compared = new AtomicReference<>();
    var listener = new ProgressBus(vertx).listen(e -> {
      if (e instanceof ProgressEvent.TableCompared c) {
        compared.set(c);
      }
    });
    // Under the last run's claim the watermark copies early only when production's edits may be written over: with
    // the default policy the comparison must see every row first, to tell production's edits apart.
    SyncOptions overwrite = SyncOptions.defaults().withMode(Mode.MIRROR).withOnProductionEdit(OnProductionEdit.OVERWRITE);
    RunSummary run = sync(config("updated_at"), overwrite);
    await(listener.unregister());
    assertEquals(RunStatus.SUCCEEDED, run.status(), () -> describe(run));
    TableResult items = run.tables().get(0);
    assertTrue(items.path().contains("watermark updated_at: 5 source rows newer than the target's latest"), items.path());
    assertEquals(2, compared.get().rowsToCopy(), "the comparison found only the two rows changed behind the watermark");
    assertEquals(List.of(2L, 5L, 1L), List.of(items.inserted(), items.updated(), items.deleted()), items::toString);
    run.validation().forEach(v -> assertTrue(v.matches(), v.table() + ": " + v.detail()));
    String all = "SELECT string_agg(x::text, ',' ORDER BY x.id) FROM items x";
    assertEquals(dbs.text(source, all), dbs.text(target, all));

    RunSummary again = sync(config("updated_at"), overwrite);
    assertEquals(0, again.rowsWritten(), () -> describe(again));
    assertTrue(again.tables().get(0).path().contains("0 source rows newer"), again.tables().get(0).path());
  }

  @Test
  void aWatermarkThatIsNotAGrowingColumnIsRefusedByName() {
    ConfigException missing = assertThrows(ConfigException.class,
        () -> sync(config("changed_at"), SyncOptions.defaults()));
    assertTrue(missing.getMessage().contains("tables.items.watermark") && missing.getMessage().contains("changed_at"),
        missing.getMessage());
    ConfigException text = assertThrows(ConfigException.class, () -> sync(config("v"), SyncOptions.defaults()));
    assertTrue(text.getMessage().contains("'v' is text"), text.getMessage());
  }
}
