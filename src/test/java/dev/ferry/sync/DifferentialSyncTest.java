package dev.ferry.sync;

import static dev.ferry.sync.HardShapesSyncTest.describe;
import static dev.ferry.sync.HardShapesSyncTest.table;
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
import dev.ferry.result.Strategy;
import dev.ferry.result.TableResult;
import dev.ferry.testing.TestConfig;
import dev.ferry.testing.TestDatabases;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The differential path (key ranges compared on both servers, only differing rows copied): every kind of
 * difference is found and fixed, for integer, text, uuid and composite keys, and a remapped id is no difference.
 */
class DifferentialSyncTest {
  private static final String SCHEMA = """
      CREATE TABLE parents (id int PRIMARY KEY, code text UNIQUE NOT NULL, name text);
      CREATE TABLE int_items (id bigint PRIMARY KEY, parent_id int REFERENCES parents, n int, note text, doc json,
        tags text[], price numeric, at timestamptz);
      CREATE TABLE text_items (code text PRIMARY KEY, v text);
      CREATE TABLE uuid_items (id uuid PRIMARY KEY, v int);
      CREATE TABLE composite_items (a int, b text, v text, PRIMARY KEY (a, b));
      CREATE TABLE signed_items (id int PRIMARY KEY, v text);""";
  private static final String DATA = """
      INSERT INTO parents SELECT g, 'p' || g, 'parent ' || g FROM generate_series(1, 50) g;
      INSERT INTO int_items SELECT g, 1 + g % 50, g, CASE WHEN g % 10 = 0 THEN NULL ELSE 'note ' || g END,
        '{"a":1}'::json, ARRAY['x', 'y', 'z'], 1.5, '2026-01-01'::timestamptz + g * interval '1 minute'
        FROM generate_series(1, 3000) g;
      INSERT INTO text_items SELECT 'k' || g, 'v' || g FROM generate_series(1, 3000) g;
      INSERT INTO uuid_items SELECT md5(g::text)::uuid, g FROM generate_series(1, 3000) g;
      INSERT INTO composite_items SELECT g % 7, 'b' || g, 'v' || g FROM generate_series(1, 3000) g;
      INSERT INTO signed_items SELECT g, 'v' || g FROM generate_series(-1500, 1500) g;""";

  private Vertx vertx;
  private TestDatabases dbs;
  private DatabaseUrl source;
  private DatabaseUrl target;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    dbs = new TestDatabases(vertx);
    source = dbs.create("diff_src");
    target = dbs.create("diff_tgt");
    dbs.execute(source, SCHEMA + DATA);
    dbs.execute(target, SCHEMA);
    // The target's parents get other ids than the source's: children's parent_id is remapped through code.
    dbs.execute(target, "INSERT INTO parents SELECT g + 1000, 'p' || g, 'parent ' || g FROM generate_series(1, 50) g");
    RunSummary first = sync(SyncOptions.defaults());
    assertEquals(RunStatus.SUCCEEDED, first.status(), () -> describe(first));
  }

  @AfterEach
  void tearDown() {
    dbs.close();
    await(vertx.close());
  }

  private FerryConfig config() {
    return TestConfig.of(source, target, new JsonObject().put("tables", new JsonObject()
        .put("parents", new JsonObject().put("key", new JsonArray().add("code")))));
  }

  private RunSummary sync(SyncOptions options) {
    return await(Syncs.runOnce(vertx, config(), options));
  }

  @Test
  void identicalTablesAreComparedWithoutCopyingARow() {
    Map<String, ProgressEvent.TableCompared> compared = new ConcurrentHashMap<>();
    var listener = new ProgressBus(vertx).listen(e -> {
      if (e instanceof ProgressEvent.TableCompared c) {
        compared.put(c.table(), c);
      }
    });
    RunSummary again = sync(SyncOptions.defaults().withMode(Mode.MIRROR));
    await(listener.unregister());
    assertEquals(RunStatus.SUCCEEDED, again.status(), () -> describe(again));
    assertEquals(0, again.rowsWritten());
    for (String t : List.of("int_items", "text_items", "uuid_items", "composite_items", "signed_items")) {
      assertEquals(Strategy.DIFFERENTIAL, table(again, t).strategy(), t + ": " + table(again, t).path());
      assertTrue(compared.get(t).ranges() > 1, t + " was cut into ranges");
      assertEquals(0, compared.get(t).rangesDiffering(), t);
      assertEquals(0, compared.get(t).rowsCompared(), t + ": no row was read one by one");
    }
    assertEquals(Strategy.UNCHANGED, table(again, "parents").strategy(),
        "an identical small table is settled by its digests, not streamed: " + table(again, "parents").path());
  }

  @Test
  void everyKindOfDifferenceIsFoundAndOnlyThoseRowsAreWritten() {
    dbs.execute(source, """
        UPDATE int_items SET n = -n WHERE id IN (11, 1500, 2999);                 -- plain updates
        INSERT INTO int_items VALUES (5001, 1, 1, 'new', '{}', '{}', 0, now()), (5002, 2, 2, NULL, NULL, NULL, NULL, NULL);
        DELETE FROM int_items WHERE id IN (7, 2222);
        UPDATE int_items SET note = 'was null' WHERE id = 20;                     -- NULL → value
        UPDATE int_items SET note = NULL WHERE id = 21;                           -- value → NULL
        UPDATE int_items SET doc = '{"a": 1}' WHERE id = 30;                      -- whitespace only, json
        UPDATE int_items SET tags[2] = 'Y' WHERE id = 31;                         -- one array element
        UPDATE int_items SET parent_id = 49 WHERE id = 32;                        -- a remapped foreign key
        UPDATE int_items SET price = 1.50 WHERE id = 33;                          -- display scale only
        UPDATE int_items SET n = CASE id WHEN 40 THEN 41 ELSE 40 END WHERE id IN (40, 41);  -- values swapped
        UPDATE text_items SET v = 'changed' WHERE code = 'k100';
        INSERT INTO text_items VALUES ('o''brien-ü', 'new');
        DELETE FROM text_items WHERE code = 'k2000';
        UPDATE uuid_items SET v = -1 WHERE id = md5('77')::uuid;
        UPDATE composite_items SET v = 'changed' WHERE a = 3 AND b = 'b3';
        INSERT INTO composite_items VALUES (99, 'zz', 'new');
        DELETE FROM composite_items WHERE a = 4 AND b = 'b4';
        UPDATE signed_items SET v = 'changed' WHERE id IN (-1500, -9, -1, 0, 1, 9);  -- both sides of range 0
        INSERT INTO signed_items VALUES (-2000, 'new');
        DELETE FROM signed_items WHERE id = -8;""");
    RunSummary run = sync(SyncOptions.defaults().withMode(Mode.MIRROR));
    assertEquals(RunStatus.SUCCEEDED, run.status(), () -> describe(run));
    TableResult ints = table(run, "int_items");
    assertEquals(List.of(2L, 11L, 2L), List.of(ints.inserted(), ints.updated(), ints.deleted()), ints::toString);
    for (String t : List.of("text_items", "composite_items")) {
      TableResult r = table(run, t);
      assertEquals(List.of(1L, 1L, 1L), List.of(r.inserted(), r.updated(), r.deleted()), r::toString);
    }
    assertEquals(1, table(run, "uuid_items").updated());
    TableResult signed = table(run, "signed_items");
    assertEquals(List.of(1L, 6L, 1L), List.of(signed.inserted(), signed.updated(), signed.deleted()), signed::toString);
    run.validation().forEach(v -> assertTrue(v.matches(), v.table() + ": " + v.detail()));

    // The rows themselves, as text: whitespace, scale, array element and the parent through its code.
    String rows = "SELECT string_agg(i.id || ':' || coalesce(i.note, '∅') || ':' || coalesce(i.doc::text, '∅') || ':'"
        + " || coalesce(i.tags::text, '∅') || ':' || coalesce(i.price::text, '∅') || ':' || coalesce(p.code, '∅'),"
        + " ',' ORDER BY i.id) FROM int_items i LEFT JOIN parents p ON p.id = i.parent_id";
    assertEquals(dbs.text(source, rows), dbs.text(target, rows));
    for (String t : List.of("text_items", "uuid_items", "composite_items", "signed_items")) {
      String all = "SELECT string_agg(x::text, ',' ORDER BY x::text) FROM " + t + " x";
      assertEquals(dbs.text(source, all), dbs.text(target, all), t);
    }
    RunSummary again = sync(SyncOptions.defaults().withMode(Mode.MIRROR));
    assertEquals(0, again.rowsWritten(), () -> describe(again));
    // Validation re-summed only the ranges that differed; `ferry validate` sums every row afresh.
    RunSummary check = await(Syncs.validateOnce(vertx, config(), SyncOptions.defaults()));
    for (RunSummary.ValidationResult v : run.validation()) {
      RunSummary.ValidationResult fresh = check.validation().stream().filter(x -> x.table().equals(v.table())).findFirst().orElseThrow();
      assertEquals(fresh.targetDigest(), v.targetDigest(), v.table());
      assertEquals(fresh.targetRows(), v.targetRows(), v.table());
    }
  }

  @Test
  void aDryRunCountsTheDifferencesAndWritesNothing() {
    dbs.execute(source, "UPDATE int_items SET n = 0 WHERE id <= 5; DELETE FROM text_items WHERE code IN ('k1', 'k2')");
    String before = dbs.contentDigest(target);
    RunSummary dry = sync(SyncOptions.defaults().withMode(Mode.MIRROR).withDryRun(true));
    assertEquals(5, table(dry, "int_items").updated(), () -> describe(dry));
    assertEquals(2, table(dry, "text_items").deleted(), () -> describe(dry));
    assertEquals(before, dbs.contentDigest(target));
    assertTrue(dry.tables().stream().filter(t -> !t.table().equals("parents"))
        .allMatch(t -> t.strategy() == Strategy.DIFFERENTIAL), () -> dry.tables().stream().map(TableResult::path)
        .collect(Collectors.joining("\n")));
  }
}
