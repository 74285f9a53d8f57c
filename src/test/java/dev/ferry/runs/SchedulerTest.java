package dev.ferry.runs;

import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.config.ApiSettings;
import dev.ferry.config.Cron;
import dev.ferry.config.DatabaseUrl;
import dev.ferry.config.FerryConfig;
import dev.ferry.control.RunHistory;
import dev.ferry.plan.SyncOptions;
import dev.ferry.testing.TestConfig;
import dev.ferry.testing.TestDatabases;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Schedules on a real server's run manager and real databases: at its minute a schedule starts a run recorded with
 * trigger {@code schedule}; a second schedule due at the same minute finds the target busy and records a skip. The
 * clock is set a moment before a minute boundary, so the test waits about a second, not a minute.
 */
class SchedulerTest {
  private Vertx vertx;
  private TestDatabases dbs;
  private DatabaseUrl target;
  private RunHistory history;
  private RunManager runs;
  private Scheduler scheduler;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    dbs = new TestDatabases(vertx);
    DatabaseUrl source = dbs.create("sched_src");
    target = dbs.create("sched_tgt");
    String ddl = "CREATE TABLE items (id bigint PRIMARY KEY, name text);";
    dbs.execute(source, ddl + "INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 20000) g;");
    dbs.execute(target, ddl);
    FerryConfig config = TestConfig.of(source, target, new JsonObject());
    history = await(RunHistory.open(vertx, target, 5));
    runs = new RunManager(vertx, config, history);
  }

  @AfterEach
  void tearDown() {
    if (scheduler != null) {
      scheduler.stop();
    }
    await(runs.shutdown());
    await(history.close());
    dbs.close();
    await(vertx.close());
  }

  @Test
  void aScheduleStartsItsRunAtItsMinuteAndATwinDueThenRecordsASkip() {
    Map<String, ApiSettings.Schedule> schedules = new LinkedHashMap<>();
    for (String name : new String[] {"every-minute", "twin"}) {
      schedules.put(name, new ApiSettings.Schedule(name, Cron.parse("* * * * *", "Europe/Berlin", "test"),
          new JsonObject(), false));
    }
    scheduler = new Scheduler(vertx, runs, history, target.redacted(), schedules, s -> SyncOptions.defaults(),
        justBeforeAMinute());
    scheduler.start();
    JsonObject listed = scheduler.list().getJsonObject(0);
    assertEquals("every-minute", listed.getString("name"));
    assertTrue(listed.getString("next").endsWith("+01:00"), listed::encodePrettily);

    String query = "SELECT coalesce(string_agg(trigger || ' ' || status, ', ' ORDER BY status), '') FROM ferry.runs";
    String seen = "";
    for (int i = 0; i < 150 && !seen.equals("schedule skipped, schedule succeeded"); i++) {
      pause(100);
      seen = dbs.text(target, query);
    }
    assertEquals("schedule skipped, schedule succeeded", seen, "one run, one skip");
    assertTrue(dbs.text(target, "SELECT message FROM ferry.runs WHERE status = 'skipped'")
        .contains("another run held the target"));
    assertEquals("20000", dbs.text(target, "SELECT count(*)::text FROM items"));

    // Which of the two got the target is the timers' order: one started, the other skipped.
    Set<String> outcomes = new TreeSet<>();
    scheduler.list().forEach(o -> outcomes.add(((JsonObject) o).getJsonObject("last").getString("outcome")));
    assertEquals(Set.of("skipped", "started"), outcomes);
    JsonObject paused = scheduler.pause("twin", true).orElseThrow();
    assertTrue(paused.getBoolean("paused"));
    assertTrue(scheduler.pause("nope", true).isEmpty());
  }

  @Test
  void aValidationScheduleStartsAValidationThatWritesNothing() {
    scheduler = new Scheduler(vertx, runs, history, target.redacted(), Map.of("fridays", new ApiSettings.Schedule(
        "fridays", Cron.parse("* * * * *", "UTC", "test"), new JsonObject(), true)), s -> SyncOptions.defaults(),
        justBeforeAMinute());
    scheduler.start();
    assertEquals("validate", scheduler.list().getJsonObject(0).getString("action"));
    String query = "SELECT coalesce(string_agg(trigger || ' ' || mode || ' ' || status, ', '), '') FROM ferry.runs";
    String seen = "";
    for (int i = 0; i < 150 && !seen.matches("schedule validate (failed|succeeded)"); i++) {
      pause(100);
      seen = dbs.text(target, query);
    }
    // The target is empty and the source is not: the validation finds it, and writes nothing.
    assertEquals("schedule validate failed", seen);
    assertEquals("0", dbs.text(target, "SELECT count(*)::text FROM items"));
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** A clock 0.8 s before the next minute boundary: a "* * * * *" schedule fires in about a second. */
  private static Clock justBeforeAMinute() {
    Instant now = Instant.now();
    Instant boundary = now.truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
    return Clock.offset(Clock.systemUTC(), Duration.between(now, boundary.minusMillis(800)));
  }
}
