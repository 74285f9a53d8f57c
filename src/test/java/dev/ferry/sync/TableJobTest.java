package dev.ferry.sync;

import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.config.FerryConfig;
import dev.ferry.progress.ProgressBus;
import dev.ferry.testing.TestConfig;
import dev.ferry.testing.TestDatabases;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node asked to copy a table for another node's run checks first that it would copy the same thing: the same
 * databases, the table planned the same way. Otherwise it declines (and the run's node copies the table itself),
 * having written nothing.
 */
class TableJobTest {
  private Vertx vertx;
  private TestDatabases dbs;
  private DatabaseUrl source;
  private DatabaseUrl target;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    dbs = new TestDatabases(vertx);
    source = dbs.create("job_src");
    target = dbs.create("job_tgt");
    dbs.execute(source, "CREATE TABLE dogs (id int PRIMARY KEY, name text); INSERT INTO dogs VALUES (1, 'Rex');");
    dbs.execute(target, "CREATE TABLE dogs (id int PRIMARY KEY, name text);");
  }

  @AfterEach
  void tearDown() {
    dbs.close();
    await(vertx.close());
  }

  private JsonObject job(FerryConfig run) {
    return new JsonObject().put("runId", "r1").put("table", "dogs")
        .put("source", run.requireSource().redacted()).put("target", run.requireTarget().redacted())
        .put("snapshot", "00000000-00000000-1").put("fastHash", true).put("mode", "incremental")
        .put("skipValidation", false).put("plan", "a plan this node does not make").put("strategy", "empty-load")
        .put("reason", "target empty").put("checkpointed", false).put("sourceRows", 1).put("targetRows", 0);
  }

  private JsonObject runOn(FerryConfig node, JsonObject job) {
    return await(TableJob.run(vertx, node, job, new ProgressBus(vertx, "nowhere"), new AtomicBoolean(), cp -> {}));
  }

  @Test
  void aNodeWhoseConfigurationNamesOtherDatabasesDeclines() {
    DatabaseUrl elsewhere = dbs.create("job_other");
    JsonObject answer = runOn(TestConfig.of(source, elsewhere), job(TestConfig.of(source, target)));
    assertEquals("this node's configuration names other databases", TableJob.declinedBecause(answer));
    assertEquals(0, dbs.count(target, "SELECT count(*) FROM dogs"));
  }

  @Test
  void aNodeThatPlansTheTableDifferentlyDeclines() {
    FerryConfig config = TestConfig.of(source, target);
    JsonObject answer = runOn(config, job(config));
    assertEquals("this node plans the table differently", TableJob.declinedBecause(answer));
    assertEquals(0, dbs.count(target, "SELECT count(*) FROM dogs"));
  }
}
