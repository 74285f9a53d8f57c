package dev.ferry.sync;

import static dev.ferry.sync.HardShapesSyncTest.describe;
import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.plan.Mode;
import dev.ferry.plan.SyncOptions;
import dev.ferry.result.RunStatus;
import dev.ferry.result.RunSummary;
import dev.ferry.result.TableResult;
import dev.ferry.testing.IndependentCheck;
import dev.ferry.testing.TestConfig;
import dev.ferry.testing.TestDatabases;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Shapes public sample schemas have (pagila's among them) that a sync must read from the catalogs: foreign keys
 * declared on partitions, sequences used through defaults without being owned. Each run is checked without Ferry.
 */
class CatalogShapesSyncTest {
  private Vertx vertx;
  private TestDatabases dbs;
  private DatabaseUrl source;
  private DatabaseUrl target;
  private IndependentCheck check;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    dbs = new TestDatabases(vertx);
    source = dbs.create("shapes_src");
    target = dbs.create("shapes_tgt");
    check = new IndependentCheck(dbs);
  }

  @AfterEach
  void tearDown() {
    dbs.close();
    await(vertx.close());
  }

  private RunSummary sync(SyncOptions options, JsonObject config) {
    return await(Syncs.runOnce(vertx, TestConfig.of(source, target, config), options));
  }

  private RunSummary synced(SyncOptions options) {
    return synced(options, new JsonObject());
  }

  private RunSummary synced(SyncOptions options, JsonObject config) {
    RunSummary s = sync(options, config);
    assertEquals(RunStatus.SUCCEEDED, s.status(), () -> describe(s));
    assertEquals(List.of(), check.differences(source, target), () -> describe(s));
    return s;
  }

  private void both(String sql) {
    dbs.execute(source, sql);
    dbs.execute(target, sql);
  }

  /** As pagila's payment: the partitioned table's keys are declared on each partition, not on the parent. */
  @Test
  void foreignKeysDeclaredOnPartitionsOrderTheLoadAndMirrorsDeletes() {
    both("""
        CREATE TABLE zcustomer (customer_id int PRIMARY KEY, name text);
        CREATE TABLE payment (payment_id int, customer_id int NOT NULL, amount numeric(5,2), paid date NOT NULL,
          PRIMARY KEY (payment_id, paid)) PARTITION BY RANGE (paid);
        CREATE TABLE payment_p1 PARTITION OF payment FOR VALUES FROM ('2022-01-01') TO ('2022-02-01');
        CREATE TABLE payment_p2 PARTITION OF payment FOR VALUES FROM ('2022-02-01') TO ('2022-03-01');
        ALTER TABLE payment_p1 ADD FOREIGN KEY (customer_id) REFERENCES zcustomer;
        ALTER TABLE payment_p2 ADD FOREIGN KEY (customer_id) REFERENCES zcustomer;""");
    // "zcustomer" sorts after "payment": only the foreign keys can put it first.
    dbs.execute(source, """
        INSERT INTO zcustomer SELECT g, 'c' || g FROM generate_series(1, 20) g;
        INSERT INTO payment SELECT g, 1 + g % 20, g % 50, DATE '2022-01-01' + g % 59 FROM generate_series(1, 400) g;""");
    synced(SyncOptions.defaults());

    dbs.execute(source, "DELETE FROM payment WHERE customer_id = 7; DELETE FROM zcustomer WHERE customer_id = 7");
    synced(SyncOptions.defaults().withMode(Mode.MIRROR).withConfirm(true));
  }

  /** As pagila: {@code DEFAULT nextval('…')} with no OWNED BY, one sequence shared by two tables. */
  @Test
  void sequencesNamedByDefaultsAndSharedMoveUpToEveryColumnAndTheSource() {
    both("""
        CREATE SEQUENCE shared_id_seq;
        CREATE SEQUENCE film_id_seq;
        CREATE TABLE film (film_id int PRIMARY KEY DEFAULT nextval('film_id_seq'::regclass), title text);
        CREATE TABLE actor (actor_id int PRIMARY KEY DEFAULT nextval('shared_id_seq'::regclass), name text);
        CREATE TABLE staff (staff_id int PRIMARY KEY DEFAULT nextval('shared_id_seq'::regclass), name text);""");
    dbs.execute(source, """
        INSERT INTO film (title) SELECT 'f' || g FROM generate_series(1, 30) g;
        INSERT INTO actor (name) SELECT 'a' || g FROM generate_series(1, 40) g;
        INSERT INTO staff (name) SELECT 's' || g FROM generate_series(1, 5) g;
        DELETE FROM film WHERE film_id > 25;""");
    assertEquals(2, check.sequenceProblems(source, target).size(), "before: the check itself sees both sequences behind");
    synced(SyncOptions.defaults());
    // The application's next inserts on the target do not collide with synced ids.
    dbs.execute(target, "INSERT INTO film (title) VALUES ('new'); INSERT INTO actor (name) VALUES ('new');"
        + " INSERT INTO staff (name) VALUES ('new')");
    assertEquals(31, dbs.count(target, "SELECT max(film_id) FROM film"), "past the source's own position (30)");

    // A run that writes nothing still carries the source's sequence forward.
    dbs.execute(target, "DELETE FROM film WHERE title = 'new'; DELETE FROM actor WHERE name = 'new';"
        + " DELETE FROM staff WHERE name = 'new'");
    dbs.execute(source, "SELECT nextval('film_id_seq') FROM generate_series(1, 10)");
    RunSummary again = sync(SyncOptions.defaults(), new JsonObject());
    assertEquals(RunStatus.SUCCEEDED, again.status(), () -> describe(again));
    assertEquals(List.of(), check.sequenceProblems(source, target), () -> describe(again));
  }

  private static final String STAMPED = """
      CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN NEW.last_update = now(); RETURN NEW; END $$;
      CREATE TABLE city (city_id int PRIMARY KEY, city text NOT NULL, last_update timestamptz NOT NULL DEFAULT now());
      CREATE TRIGGER last_updated BEFORE INSERT OR UPDATE ON city FOR EACH ROW EXECUTE FUNCTION stamp();""";

  /**
   * As pagila's last_updated triggers: with the default (sync.targetTriggers: disable) they are off while Ferry
   * writes, so rows arrive as the source has them, a second run writes nothing, and mirror converges; they are on
   * again afterwards for everyone else.
   */
  @Test
  void targetTriggersThatRewriteRowsAreSwitchedOffForFerrysWritesOnly() {
    both(STAMPED);
    dbs.execute(source, "INSERT INTO city SELECT g, 'c' || g FROM generate_series(1, 50) g;"
        + " UPDATE city SET last_update = '2020-01-01' WHERE city_id <= 10");
    // Committed every 20 rows: the triggers go back on with each commit and off for the next chunk.
    RunSummary first = synced(SyncOptions.defaults(), new JsonObject().put("sync", new JsonObject().put("checkpointRows", 20)));
    assertTrue(String.join("\n", first.phases().stream().flatMap(p -> p.details().stream()).toList())
        .contains("target triggers [last_updated] are switched off while Ferry writes"), () -> describe(first));

    dbs.execute(source, "UPDATE city SET city = 'x' || city WHERE city_id <= 5; DELETE FROM city WHERE city_id = 50");
    RunSummary mirror = synced(SyncOptions.defaults().withMode(Mode.MIRROR).withConfirm(true));
    assertEquals(6, mirror.rowsWritten(), () -> describe(mirror));
    assertEquals(0, synced(SyncOptions.defaults()).rowsWritten());

    assertEquals("O", dbs.text(target, "SELECT tgenabled::text FROM pg_trigger WHERE tgname = 'last_updated'"));
    dbs.execute(target, "UPDATE city SET city = 'by the app' WHERE city_id = 1");
    assertEquals("true", dbs.text(target, "SELECT (last_update > now() - interval '1 hour')::text FROM city"
        + " WHERE city_id = 1"), "the application's own writes still fire it");
  }

  /** With sync.targetTriggers: fire, the plan says which trigger will change what Ferry writes. */
  @Test
  void firingTargetTriggersIsWarnedAbout() {
    both(STAMPED);
    dbs.execute(source, "INSERT INTO city SELECT g, 'c' || g, '2020-01-01' FROM generate_series(1, 5) g");
    RunSummary dry = sync(SyncOptions.defaults().withDryRun(true),
        new JsonObject().put("sync", new JsonObject().put("targetTriggers", "fire")));
    assertTrue(dry.warnings().stream().anyMatch(w -> w.contains("target trigger last_updated runs on Ferry's writes"
        + " and can change what it writes")), () -> describe(dry));
  }

  /** Switching triggers off needs the table's owner: without it, the table fails saying what to change. */
  @Test
  void aWriterThatDoesNotOwnTheTableIsToldWhatToChange() {
    both(STAMPED);
    dbs.execute(source, "INSERT INTO city SELECT g, 'c' || g FROM generate_series(1, 5) g");
    String role = "ferry_t_writer_" + Long.toHexString(System.nanoTime());
    dbs.onServer("CREATE ROLE " + role + " LOGIN");
    try {
      dbs.execute(target, "GRANT ALL ON ALL TABLES IN SCHEMA public TO " + role + "; GRANT CREATE, USAGE ON SCHEMA public TO "
          + role);
      DatabaseUrl asWriter = DatabaseUrl.parse(target.toLibpqUrl().replace("postgres@", role + "@"), "target");
      RunSummary s = await(Syncs.runOnce(vertx, TestConfig.of(source, asWriter), SyncOptions.defaults()));
      assertEquals(RunStatus.FAILED, s.status(), () -> describe(s));
      String why = HardShapesSyncTest.table(s, "city").message();
      assertTrue(why.contains("must be owner of table city") && why.contains("sync.targetTriggers: fire"), why);
      assertEquals(0, dbs.count(target, "SELECT count(*) FROM city"), "nothing written");
    } finally {
      dbs.execute(target, "DROP OWNED BY " + role);
      dbs.onServer("DROP ROLE " + role);
    }
  }

  /**
   * Merging a GIN index's pending entries needs the index's owner (see GinPending): a writer that does not own it
   * leaves the pending list's limit as the server has it, so the list never grows past what production would let it.
   */
  @Test
  void aWriterThatDoesNotOwnAGinIndexLeavesItsPendingLimitAlone() {
    String doc = "jsonb_build_object('a', g, 'b', g % 7, 'c', 'x' || g, 'd', g * 2, 'e', g % 13)";
    both("CREATE TABLE doc (id int PRIMARY KEY, body jsonb); CREATE INDEX doc_body ON doc USING gin (body)");
    dbs.execute(source, "INSERT INTO doc SELECT g, " + doc + " FROM generate_series(1, 40000) g");
    dbs.execute(target, "CREATE EXTENSION pgstattuple; INSERT INTO doc SELECT g, " + doc + " FROM generate_series(1, 1) g");
    String role = "ferry_t_writer_" + Long.toHexString(System.nanoTime());
    dbs.onServer("CREATE ROLE " + role + " LOGIN");
    try {
      dbs.execute(target, "GRANT ALL ON ALL TABLES IN SCHEMA public TO " + role);
      DatabaseUrl asWriter = DatabaseUrl.parse(target.toLibpqUrl().replace("postgres@", role + "@"), "target");
      RunSummary s = await(Syncs.runOnce(vertx, TestConfig.of(source, asWriter), SyncOptions.defaults()));
      assertEquals(RunStatus.SUCCEEDED, s.status(), () -> describe(s));
      assertEquals(List.of(), check.differences(source, target), () -> describe(s));
      // 40,000 rows' entries fill ~990 pending pages under a raised limit; under the default 4 MB the inserts merge
      // the list whenever it passes 512 pages.
      long pending = dbs.count(target, "SELECT pending_pages FROM pgstatginindex('doc_body')");
      assertTrue(pending <= 520, "pending pages: " + pending);
    } finally {
      dbs.execute(target, "DROP OWNED BY " + role);
      dbs.onServer("DROP ROLE " + role);
    }
  }

  /** Force mode syncs the columns both sides share; a table sharing none is refused by name, the others synced. */
  @Test
  void forceRefusesATableThatSharesNoColumnAndSyncsTheRest() {
    dbs.execute(source, "CREATE TABLE a (id int PRIMARY KEY, v text); CREATE TABLE b (id int PRIMARY KEY, w text);"
        + " INSERT INTO a VALUES (1, 'x'); INSERT INTO b VALUES (1, 'y')");
    dbs.execute(target, "CREATE TABLE a (id int PRIMARY KEY, v text); CREATE TABLE b (other int PRIMARY KEY, z text)");
    RunSummary s = sync(SyncOptions.defaults().withMode(Mode.FORCE).withConfirm(true), new JsonObject());
    TableResult b = HardShapesSyncTest.table(s, "b");
    assertEquals(TableResult.Outcome.REFUSED, b.outcome(), () -> describe(s));
    assertTrue(b.message().contains("the target's key [other] is not on the source"), b.message());
    assertEquals(TableResult.Outcome.SYNCED, HardShapesSyncTest.table(s, "a").outcome(), () -> describe(s));
    assertEquals(1, dbs.count(target, "SELECT count(*) FROM a"));

    dbs.execute(target, "DROP TABLE b; CREATE TABLE b (z text)");
    RunSummary none = sync(SyncOptions.defaults().withMode(Mode.FORCE).withConfirm(true), new JsonObject());
    assertTrue(HardShapesSyncTest.table(none, "b").message().contains("shares no column with the target"),
        () -> describe(none));
  }

  /**
   * A rewrite rule on a target table acts on Ferry's writes like a trigger: it is switched off the same way, for
   * Ferry's writes only. An UPDATE rule is another matter: PostgreSQL refuses INSERT … ON CONFLICT on such a table
   * whether the rule is enabled or not, and the failure says so.
   */
  @Test
  void targetRulesAreSwitchedOffForFerrysWritesOnly() {
    both("CREATE TABLE city (city_id int PRIMARY KEY, city text); CREATE TABLE city_log (city_id int, city text);");
    dbs.execute(target, "CREATE RULE log_insert AS ON INSERT TO city DO ALSO INSERT INTO city_log VALUES (new.city_id, new.city)");
    dbs.execute(source, "INSERT INTO city SELECT g, 'c' || g FROM generate_series(1, 20) g");
    synced(SyncOptions.defaults().withTables(List.of("city")));
    dbs.execute(source, "INSERT INTO city VALUES (21, 'new'); UPDATE city SET city = upper(city) WHERE city_id <= 3");
    RunSummary again = synced(SyncOptions.defaults().withTables(List.of("city")));
    assertEquals(4, again.rowsWritten(), () -> describe(again));
    assertEquals(0, dbs.count(target, "SELECT count(*) FROM city_log"), "the rule did not act on Ferry's writes");
    dbs.execute(target, "INSERT INTO city VALUES (100, 'by the app')");
    assertEquals(1, dbs.count(target, "SELECT count(*) FROM city_log"), "the application's writes still fire it");

    dbs.execute(target, "DELETE FROM city WHERE city_id = 100; DELETE FROM city_log;"
        + " CREATE RULE log_update AS ON UPDATE TO city DO ALSO INSERT INTO city_log VALUES (new.city_id, new.city)");
    dbs.execute(source, "UPDATE city SET city = 'again' WHERE city_id = 5");
    RunSummary blocked = sync(SyncOptions.defaults().withTables(List.of("city")), new JsonObject());
    String why = HardShapesSyncTest.table(blocked, "city").message();
    assertTrue(why.contains("the target's rule log_update on city makes PostgreSQL refuse"), why);
  }
}
