package dev.ferry.sync;

import static dev.ferry.sync.HardShapesSyncTest.describe;
import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.config.FerryConfig;
import dev.ferry.plan.SyncOptions;
import dev.ferry.result.Phase;
import dev.ferry.result.RunStatus;
import dev.ferry.result.RunSummary;
import dev.ferry.result.TableResult;
import dev.ferry.testing.TestConfig;
import dev.ferry.testing.TestDatabases;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Phase 2: missing indexes are created concurrently, target-only ones reported and dropped only when asked. */
class IndexSyncTest {
  private static final String TABLE = "CREATE TABLE items (id int PRIMARY KEY, name text, score int);";
  private static final String INDEXES_ON_TARGET =
      "SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE tablename = 'items'";

  private Vertx vertx;
  private TestDatabases dbs;
  private DatabaseUrl source;
  private DatabaseUrl target;
  private FerryConfig config;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    dbs = new TestDatabases(vertx);
    source = dbs.create("idx_src");
    target = dbs.create("idx_tgt");
    dbs.execute(source, TABLE + "CREATE INDEX items_name_idx ON items (lower(name)) WHERE score > 0;"
        + "INSERT INTO items SELECT g, 'item ' || g, g % 7 FROM generate_series(1, 500) g;");
    dbs.execute(target, TABLE + "CREATE INDEX items_score_idx ON items (score);");
    config = TestConfig.of(source, target);
  }

  @AfterEach
  void tearDown() {
    dbs.close();
    await(vertx.close());
  }

  private RunSummary sync(SyncOptions options) {
    RunSummary run = await(Syncs.runOnce(vertx, config, options));
    assertEquals(RunStatus.SUCCEEDED, run.status(), () -> describe(run));
    return run;
  }

  private static String details(RunSummary run) {
    return run.phases().stream().filter(p -> p.phase() == Phase.INDEXES).findFirst().orElseThrow().details().toString();
  }

  @Test
  void anEmptyTablesSecondaryIndexesAreBuiltAfterTheLoadExactlyAsTheyWere() {
    String definitions = "SELECT string_agg(indexdef, ';' ORDER BY indexname) FROM pg_indexes WHERE tablename = 'items'";
    dbs.execute(target, "CREATE INDEX items_commented_idx ON items (name, score);"
        + "COMMENT ON INDEX items_commented_idx IS 'kept in place: a re-created index would lose this comment';");
    String before = dbs.text(target, definitions);
    RunSummary run = sync(SyncOptions.defaults().withSkips(false, true));
    TableResult items = run.tables().get(0);
    assertEquals(500, items.inserted());
    assertEquals("binary COPY into empty table (indexes items_score_idx built after the load)", items.path());
    assertEquals(before, dbs.text(target, definitions));
    assertEquals("kept in place: a re-created index would lose this comment",
        dbs.text(target, "SELECT obj_description('items_commented_idx'::regclass, 'pg_class')"));
    assertEquals(500, dbs.count(target, "SELECT count(*) FROM items WHERE score >= 0"));
  }

  @Test
  void aDryRunShowsTheDdlAndCreatesNothing() {
    RunSummary dry = sync(SyncOptions.defaults().withDryRun(true));
    assertTrue(dry.ddl().stream().anyMatch(d -> d.startsWith("CREATE INDEX CONCURRENTLY IF NOT EXISTS items_name_idx")
        && d.contains("lower(name)") && d.contains("WHERE (score > 0)")), dry.ddl().toString());
    assertTrue(details(dry).contains("would run: CREATE INDEX CONCURRENTLY"), details(dry));
    assertEquals("items_pkey,items_score_idx", dbs.text(target, INDEXES_ON_TARGET));
  }

  @Test
  void missingIndexesAreCreatedAndExtraOnesKeptUnlessAskedToDrop() {
    RunSummary run = sync(SyncOptions.defaults());
    assertEquals("items_name_idx,items_pkey,items_score_idx", dbs.text(target, INDEXES_ON_TARGET));
    assertTrue(details(run).contains("items_score_idx exists only on the target"), details(run));
    assertEquals(1, dbs.count(target, "SELECT count(*) FROM pg_index WHERE indexrelid = 'items_name_idx'::regclass"
        + " AND indisvalid"), "the concurrently built index is valid");

    RunSummary drop = sync(SyncOptions.defaults().withDropExtraIndexes(true));
    assertTrue(drop.ddl().contains("DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"items_score_idx\""), drop.ddl().toString());
    assertEquals("items_name_idx,items_pkey", dbs.text(target, INDEXES_ON_TARGET));
  }
}
