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
import dev.ferry.schema.Change;
import dev.ferry.schema.DbSchema;
import dev.ferry.schema.SchemaDiff;
import dev.ferry.schema.SchemaReader;
import dev.ferry.testing.IndependentCheck;
import dev.ferry.testing.TestConfig;
import dev.ferry.testing.TestDatabases;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnection;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A first load of a large table: COPY streams into a staging table, indexes built there, the table swapped in
 * (or, where something hangs on the table, loaded in place). Equality is the tests' own row-text comparison; the
 * table's definition is compared from the catalogs before and after.
 */
class StagedLoadTest {
  private static final int ROWS = 120_000; // above StagedLoad.MIN_ROWS
  private static final String SCHEMA = """
      CREATE TABLE shelters (id int PRIMARY KEY, name text NOT NULL);
      CREATE TABLE dogs (
        id bigserial PRIMARY KEY,
        shelter_id int NOT NULL REFERENCES shelters (id),
        tag text NOT NULL,
        name text COLLATE "C",
        props jsonb,
        weight numeric CHECK (weight > 0),
        born date,
        name_length int GENERATED ALWAYS AS (length(name)) STORED,
        UNIQUE (tag, shelter_id));
      CREATE INDEX dogs_props ON dogs USING gin (props);
      CREATE INDEX dogs_born ON dogs (born) WHERE born IS NOT NULL;
      CREATE INDEX dogs_lower_name ON dogs (lower(name));
      COMMENT ON TABLE dogs IS 'one row per dog; it''s the big one';
      COMMENT ON COLUMN dogs.tag IS 'the collar tag';
      """;
  /** What the swap must keep: indexes, constraints, defaults, comments, the sequence's owner. */
  private static final String DEFINITION = """
      SELECT concat_ws(E'\\n',
        (SELECT string_agg(indexdef, E'\\n' ORDER BY indexname) FROM pg_indexes WHERE tablename = 'dogs'),
        (SELECT string_agg(conname || ' ' || pg_get_constraintdef(oid), E'\\n' ORDER BY conname)
         FROM pg_constraint WHERE conrelid = 'dogs'::regclass),
        (SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod) || ' ' || attnotnull || ' '
           || coalesce(pg_get_expr(adbin, adrelid), '') || ' ' || coalesce(col_description(attrelid, attnum), ''),
           E'\\n' ORDER BY attnum)
         FROM pg_attribute LEFT JOIN pg_attrdef ON adrelid = attrelid AND adnum = attnum
         WHERE attrelid = 'dogs'::regclass AND attnum > 0 AND NOT attisdropped),
        obj_description('dogs'::regclass, 'pg_class'),
        pg_get_serial_sequence('dogs', 'id'),
        (SELECT relowner::regrole::text || ' ' || coalesce((SELECT string_agg(x::text, ',' ORDER BY x::text)
           FROM unnest(relacl) x), 'default privileges') FROM pg_class WHERE oid = 'dogs'::regclass))""";
  private static final String STAGED_TABLES =
      "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'ferry_stage'";

  private Vertx vertx;
  private TestDatabases dbs;
  private DatabaseUrl source;
  private DatabaseUrl target;
  private FerryConfig config;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    dbs = new TestDatabases(vertx);
    source = dbs.create("stage_src");
    target = dbs.create("stage_tgt");
    // Values COPY text must escape (tabs, newlines, backslashes), NULLs, jsonb whose numbers keep their scale.
    dbs.execute(source, SCHEMA + """
        INSERT INTO shelters SELECT g, 'shelter ' || g FROM generate_series(1, 40) g;
        INSERT INTO dogs (shelter_id, tag, name, props, weight, born)
        SELECT 1 + g % 40, 'T' || g,
          CASE g % 5 WHEN 0 THEN NULL WHEN 1 THEN E'Rex\\tthe\\nsecond \\\\ ' || g ELSE 'dog ' || g || ' ünï' END,
          CASE WHEN g % 3 = 0 THEN NULL ELSE jsonb_build_object('size', g % 7, 'w', 1.50, 'tags', jsonb_build_array('a', g)) END,
          (g % 90 + 1) * 1.25, CASE WHEN g % 4 = 0 THEN NULL ELSE date '2015-01-01' + g % 3000 END
        FROM generate_series(1, ROWS) g;
        UPDATE dogs SET name = name || ' (moved)' WHERE id % 97 = 0;
        DELETE FROM dogs WHERE id % 1009 = 0;
        """.replace("ROWS", String.valueOf(ROWS)));
    dbs.execute(target, SCHEMA);
    config = TestConfig.of(source, target);
  }

  @AfterEach
  void tearDown() {
    dbs.close();
    await(vertx.close());
  }

  private DbSchema schema(DatabaseUrl db) {
    var pool = PgBuilder.pool().connectingTo(db.connectOptions()).using(vertx).build();
    try {
      return await(SchemaReader.read(pool));
    } finally {
      await(pool.close());
    }
  }

  private RunSummary sync() {
    return await(Syncs.runOnce(vertx, config, SyncOptions.defaults()));
  }

  private static String details(RunSummary run) {
    return run.phases().stream().flatMap(p -> p.details().stream()).toList().toString();
  }

  @Test
  void aLargeEmptyTableIsBuiltBesideItselfAndSwappedInWithEverythingItHad() throws Exception {
    ControlSchema.migrate(target); // where claims are kept
    // Privileges the table's owner granted go with it (a role of this test's own; roles are the server's).
    dbs.execute(target, "DO $$ BEGIN CREATE ROLE ferry_stage_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$;"
        + "GRANT SELECT ON dogs TO PUBLIC; GRANT SELECT, UPDATE ON dogs TO ferry_stage_reader WITH GRANT OPTION;");
    String before = dbs.text(target, DEFINITION);
    assertTrue(before.contains("ferry_stage_reader=r*w*/"), before);
    long rows = dbs.count(source, "SELECT count(*) FROM dogs");
    Set<String> seen = new ConcurrentSkipListSet<>();
    AtomicBoolean done = new AtomicBoolean();
    Thread watcher = watch(rows, seen, done);
    RunSummary run;
    try {
      run = sync();
    } finally {
      done.set(true);
      watcher.join();
    }
    assertEquals(RunStatus.SUCCEEDED, run.status(), () -> describe(run));
    assertTrue(details(run).contains("dogs: loaded beside the table over 2 COPY stream(s), its 5 indexes built 2 at a time"),
        details(run));
    assertEquals(List.of(), new IndependentCheck(dbs).differences(source, target));
    assertEquals(before, dbs.text(target, DEFINITION), "the swapped-in table is defined as the one it replaced");
    assertEquals(0, dbs.count(target, STAGED_TABLES), "no staging table is left");
    // The staging schema stays (empty, for the next load): Ferry's own, so no drift `ferry diff` would drop.
    assertEquals(1, dbs.count(target, "SELECT count(*) FROM pg_namespace WHERE nspname = 'ferry_stage'"));
    assertEquals(List.of(), SchemaDiff.compare(schema(source), schema(target)).stream().map(Change::object)
        .filter(o -> o.contains("ferry_stage")).toList());
    // Statistics were taken on the staged table, after its indexes: the expression index's too.
    assertEquals(8, dbs.count(target, "SELECT count(*) FROM pg_stats WHERE tablename = 'dogs'"));
    assertEquals(1, dbs.count(target, "SELECT count(*) FROM pg_stats WHERE tablename = 'dogs_lower_name'"));
    // Another session saw the table empty, or full with every index: never part of it, never without an index.
    assertTrue(seen.contains("0 rows, 5 indexes"), seen::toString);
    assertEquals(new TreeSet<>(List.of("0 rows, 5 indexes", rows + " rows, 5 indexes")), new TreeSet<>(seen));
    // The rows' transactions are the run's, and the claim holds for the table it swapped in: the next run finds
    // nothing to write without hashing the rows again.
    RunSummary again = sync();
    assertEquals(RunStatus.SUCCEEDED, again.status(), () -> describe(again));
    assertEquals(0, again.tables().stream().mapToLong(t -> t.inserted() + t.updated() + t.deleted()).sum(),
        () -> describe(again));
    assertTrue(details(again).contains("dogs: match (rows no transaction has touched since run " + run.runId()),
        details(again));
  }

  /**
   * Two tables staged at once both create the staging schema, and IF NOT EXISTS does not stop the second CREATE from
   * failing on pg_namespace's unique index when the first commits meanwhile (a scale-10 load lost its large table to
   * the row-by-row fallback that way). Here another session's uncommitted CREATE SCHEMA plays the first table.
   */
  @Test
  void theStagingSchemaCreatedByAnotherSessionMeanwhileIsTakenAsThere() {
    PgConnection other = await(PgConnection.connect(vertx, target.connectOptions()));
    await(other.query("BEGIN").execute().compose(v -> other.query("CREATE SCHEMA ferry_stage").execute()));
    Future<RunSummary> running = Syncs.runOnce(vertx, config, SyncOptions.defaults());
    long deadline = System.currentTimeMillis() + 60_000;
    while (dbs.count(target, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
        + " AND query LIKE 'CREATE SCHEMA IF NOT EXISTS ferry_stage%'") == 0) {
      assertTrue(System.currentTimeMillis() < deadline && !running.isComplete(), "the run never waited for the schema");
      Thread.onSpinWait();
    }
    await(other.query("COMMIT").execute().compose(v -> other.close()));
    RunSummary run = await(running);
    assertEquals(RunStatus.SUCCEEDED, run.status(), () -> describe(run));
    assertTrue(details(run).contains("dogs: loaded beside the table"), details(run));
    assertEquals(List.of(), run.warnings(), () -> describe(run));
    assertEquals(List.of(), new IndependentCheck(dbs).differences(source, target));
    assertEquals(0, dbs.count(target, STAGED_TABLES));
  }

  @Test
  void aTableAViewDependsOnIsLoadedInPlace() {
    dbs.execute(target, "CREATE VIEW dog_names AS SELECT name FROM dogs");
    RunSummary run = sync();
    assertEquals(RunStatus.SUCCEEDED, run.status(), () -> describe(run));
    assertTrue(details(run).contains("dogs: loaded in place, not beside the table (views or other objects depend on it)"),
        details(run));
    assertEquals(List.of(), new IndependentCheck(dbs).differences(source, target));
    assertEquals(dbs.count(source, "SELECT count(*) FROM dogs"), dbs.count(target, "SELECT count(*) FROM dog_names"));
    assertEquals(0, dbs.count(target, STAGED_TABLES));
    assertNoSessionsLeft(); // the streams' sessions, opened while the table was found unstageable, are closed
  }

  @Test
  void aLoadThatFailsLeavesTheTableAsItWasAndNoStagingTable() {
    // A constraint only the target has, which one source row breaks: the staging table refuses it too.
    assertFailsLeavingTheTableAsItWas("ALTER TABLE dogs ADD CONSTRAINT dogs_tag_short CHECK (tag <> 'T777')",
        "dogs_tag_short");
  }

  @Test
  void anIndexBuildThatFailsLeavesTheTableAsItWasAndNoSessionOfTheLoad() {
    // A unique index only the target has, which the source's rows break: its build on the staging table fails after
    // the rows are in, while the streams' sessions are building the others.
    assertFailsLeavingTheTableAsItWas("CREATE UNIQUE INDEX dogs_one_per_shelter ON dogs (shelter_id)",
        "dogs_one_per_shelter");
  }

  /**
   * With {@code targetOnly} run on the target, a sync fails naming {@code named}, and leaves the table empty and as it
   * was defined, no staging table and none of its sessions.
   */
  private void assertFailsLeavingTheTableAsItWas(String targetOnly, String named) {
    dbs.execute(target, targetOnly);
    String before = dbs.text(target, DEFINITION);
    RunSummary run = sync();
    assertFalse(run.status() == RunStatus.SUCCEEDED, () -> describe(run));
    assertTrue(describe(run).contains(named), () -> describe(run));
    assertEquals(0, dbs.count(target, "SELECT count(*) FROM dogs"));
    assertEquals(before, dbs.text(target, DEFINITION));
    assertEquals(0, dbs.count(target, STAGED_TABLES));
    assertNoSessionsLeft();
  }

  /** Once a run has ended, none of its sessions (application_name ferry) is left on either database. */
  private void assertNoSessionsLeft() {
    // A closed session's backend leaves pg_stat_activity a moment after the client has gone.
    TestDatabases.waitFor(() -> dbs.ferrySessions(source, target) == 0, 2_000, "no session left after the run");
  }

  /** Polls the target from a session of its own: each reading is "rows, indexes" as one snapshot sees them. */
  private Thread watch(long rows, Set<String> seen, AtomicBoolean done) throws Exception {
    Connection c = DriverManager.getConnection(target.jdbcUrl(), target.jdbcProperties());
    Thread t = new Thread(() -> {
      try (c; Statement s = c.createStatement()) {
        while (!done.get()) {
          try (ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM dogs) || ' rows, ' || (SELECT count(*)"
              + " FROM pg_index WHERE indrelid = 'dogs'::regclass) || ' indexes'")) {
            rs.next();
            seen.add(rs.getString(1));
          }
          Thread.sleep(20);
        }
      } catch (Exception e) {
        seen.add("watcher failed: " + e);
      }
    }, "staged-load-watcher");
    t.start();
    return t;
  }
}
