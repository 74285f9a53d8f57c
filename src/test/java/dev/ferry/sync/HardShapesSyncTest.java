package dev.ferry.sync;

import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.config.FerryConfig;
import dev.ferry.plan.SyncOptions;
import dev.ferry.result.RunStatus;
import dev.ferry.result.RunSummary;
import dev.ferry.result.TableResult;
import dev.ferry.testing.TestConfig;
import dev.ferry.testing.TestDatabases;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** A schema full of hard types and shapes, synced into an empty target and then re-synced. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HardShapesSyncTest {
  private Vertx vertx;
  private TestDatabases dbs;
  private DatabaseUrl source;
  private DatabaseUrl target;
  private FerryConfig config;

  @BeforeAll
  void setUp() {
    vertx = Vertx.vertx();
    dbs = new TestDatabases(vertx);
    source = dbs.create("hard_src");
    target = dbs.create("hard_tgt");
    dbs.runScript(source, "schemas/hard_shapes.sql");
    dbs.runScript(source, "schemas/hard_shapes_data.sql");
    dbs.runScript(target, "schemas/hard_shapes.sql");
    config = TestConfig.of(source, target);
  }

  @AfterAll
  void tearDown() {
    dbs.close();
    await(vertx.close());
  }

  @Test
  void everyTypeAndShapeArrivesExactlyAndASecondRunWritesNothing() {
    assertNotEquals(dbs.contentDigest(source), dbs.contentDigest(target));

    RunSummary first = await(Syncs.runOnce(vertx, config, SyncOptions.defaults()));
    assertEquals(RunStatus.SUCCEEDED, first.status(), () -> describe(first));
    assertEquals(dbs.contentDigest(source), dbs.contentDigest(target), () -> describe(first));
    first.validation().forEach(v -> assertEquals(true, v.matches(), v.table() + ": " + v.detail()));

    RunSummary second = await(Syncs.runOnce(vertx, config, SyncOptions.defaults()));
    assertEquals(RunStatus.SUCCEEDED, second.status(), () -> describe(second));
    assertEquals(0, second.rowsWritten(), () -> describe(second));
  }

  static String describe(RunSummary s) {
    StringBuilder sb = new StringBuilder(s.status() + ": " + s.message() + "\n");
    s.phases().forEach(p -> sb.append("  phase ").append(p.phase()).append(' ').append(p.outcome()).append(' ')
        .append(p.details()).append('\n'));
    s.tables().forEach(t -> sb.append("  ").append(t).append('\n'));
    s.warnings().forEach(w -> sb.append("  warning ").append(w).append('\n'));
    return sb.toString();
  }

  static TableResult table(RunSummary s, String name) {
    return s.tables().stream().filter(t -> t.table().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no table " + name + " in\n" + describe(s)));
  }
}
