package dev.ferry.sync;

import static dev.ferry.sync.HardShapesSyncTest.describe;
import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.plan.Mode;
import dev.ferry.plan.SyncOptions;
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
    RunSummary s = sync(options, new JsonObject());
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
}
