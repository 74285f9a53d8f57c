package dev.ferry.sync;

import static dev.ferry.sync.HardShapesSyncTest.describe;
import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.plan.SyncOptions;
import dev.ferry.result.RunStatus;
import dev.ferry.result.RunSummary;
import dev.ferry.result.Strategy;
import dev.ferry.testing.IndependentCheck;
import dev.ferry.testing.TestConfig;
import dev.ferry.testing.TestDatabases;
import io.vertx.core.Vertx;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A key that is neither an integer nor text (a timestamp, here a domain over one) is cut into ranges by boundaries
 * taken from the source. The boundaries must be converted to the key's type once per query, not once per row: the
 * domain's CHECK calls a counted function for every value converted, so the server itself counts the conversions.
 */
class TypedRangeKeyTest {
  private Vertx vertx;
  private TestDatabases dbs;
  private DatabaseUrl source;
  private DatabaseUrl target;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    dbs = new TestDatabases(vertx);
    source = dbs.create("tskey_src");
    target = dbs.create("tskey_tgt");
    for (DatabaseUrl db : List.of(source, target)) {
      dbs.execute(db, """
          CREATE FUNCTION plausible(timestamptz) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS
            $$ BEGIN RETURN $1 > '2000-01-01'; END $$;
          CREATE DOMAIN moment AS timestamptz CHECK (plausible(VALUE));
          CREATE TABLE events (at moment PRIMARY KEY, v int);""");
      dbs.onServer("ALTER DATABASE " + db.database() + " SET track_functions = 'all'");
    }
    dbs.execute(source, "INSERT INTO events SELECT timestamptz '2026-01-01' + g * interval '1 minute', g"
        + " FROM generate_series(1, 3000) g");
  }

  @AfterEach
  void tearDown() {
    dbs.close();
    await(vertx.close());
  }

  private long conversions(DatabaseUrl db) {
    return dbs.count(db, "SELECT coalesce(sum(calls), 0) FROM pg_stat_user_functions WHERE funcname = 'plausible'");
  }

  @Test
  void boundariesAreConvertedOncePerQueryNotOncePerRow() throws InterruptedException {
    RunSummary load = await(Syncs.runOnce(vertx, TestConfig.of(source, target), SyncOptions.defaults()));
    assertEquals(RunStatus.SUCCEEDED, load.status(), () -> describe(load));
    dbs.execute(source, "UPDATE events SET v = -v WHERE v IN (7, 2900)");
    long before = conversions(source) + conversions(target);

    RunSummary again = await(Syncs.runOnce(vertx, TestConfig.of(source, target), SyncOptions.defaults()));
    assertEquals(RunStatus.SUCCEEDED, again.status(), () -> describe(again));
    assertEquals(Strategy.DIFFERENTIAL, HardShapesSyncTest.table(again, "events").strategy(), () -> describe(again));
    assertEquals(2, again.rowsWritten(), () -> describe(again));
    assertEquals(List.of(), new IndependentCheck(dbs).differences(source, target));

    Thread.sleep(1_500); // sessions flush their function counts when they end, at most once a second
    long converted = conversions(source) + conversions(target) - before;
    // 3,000 rows in ranges of 8: ~375 boundaries per query. Per row it would be 3,000 × 375 per query.
    assertTrue(converted < 20_000, "boundaries converted " + converted + " times");
  }
}
