package dev.ferry.progress;

import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.plan.SyncOptions;
import dev.ferry.result.Phase;
import dev.ferry.result.RunStatus;
import dev.ferry.result.RunSummary;
import dev.ferry.result.TableResult;
import dev.ferry.sync.Syncs;
import dev.ferry.testing.TestConfig;
import dev.ferry.testing.TestDatabases;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The event stream a real sync publishes, as the CLI and the WebSocket receive it: JSON on the event bus. */
class ProgressEventsTest {
  private Vertx vertx;
  private TestDatabases dbs;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    dbs = new TestDatabases(vertx);
  }

  @AfterEach
  void tearDown() {
    dbs.close();
    await(vertx.close());
  }

  @Test
  void aRunPublishesItsPhasesAndTablesInOrderAndEndsWithItsSummary() {
    DatabaseUrl tgt = dbs.create("ev_tgt");
    List<String> raw = new CopyOnWriteArrayList<>();
    RunSummary run = sync(tgt, "", "", raw);
    List<ProgressEvent> events = raw.stream().map(ProgressBus::fromJson).toList();
    assertTrue(events.stream().allMatch(e -> e.runId().equals(run.runId())), "every event names the run");
    assertInstanceOf(ProgressEvent.RunStarted.class, events.get(0));
    ProgressEvent.RunFinished finished = assertInstanceOf(ProgressEvent.RunFinished.class, events.get(events.size() - 1));
    assertEquals(run, finished.summary(), "the last event carries the run's summary");

    List<Phase> phases = events.stream().filter(e -> e instanceof ProgressEvent.PhaseStarted)
        .map(e -> ((ProgressEvent.PhaseStarted) e).phase()).toList();
    assertEquals(List.of(Phase.SCHEMA, Phase.COUNT, Phase.INDEXES, Phase.PARENTS, Phase.ID_MAP, Phase.DEPENDENTS, Phase.VALIDATION),
        phases);
    List<Phase> phasesFinished = events.stream().filter(e -> e instanceof ProgressEvent.PhaseFinished)
        .map(e -> ((ProgressEvent.PhaseFinished) e).phase()).toList();
    assertEquals(phases, phasesFinished);

    // Tables: started before finished, parents before children, the finished result matching the summary's.
    List<String> tableOrder = events.stream().filter(e -> e instanceof ProgressEvent.TableFinished)
        .map(e -> ((ProgressEvent.TableFinished) e).result().table()).toList();
    assertEquals(List.of("owners", "pets"), tableOrder);
    for (String table : tableOrder) {
      int started = indexOf(events, e -> e instanceof ProgressEvent.TableStarted s && s.table().equals(table));
      int done = indexOf(events, e -> e instanceof ProgressEvent.TableFinished f && f.result().table().equals(table));
      assertTrue(started >= 0 && started < done, table + " started before it finished");
    }
    ProgressEvent.TableFinished pets = (ProgressEvent.TableFinished) events.get(
        indexOf(events, e -> e instanceof ProgressEvent.TableFinished f && f.result().table().equals("pets")));
    assertEquals(3000, pets.result().inserted());

    // The wire format is plain JSON with a type name, readable by any client.
    JsonObject first = new JsonObject(raw.get(0));
    assertEquals("run-started", first.getString("type"));
    assertTrue(first.getString("target").contains(tgt.database()), first.encode());
  }

  @Test
  void aTableEmptyOnTheTargetStartsFromTheSourcesEstimateAndEndsWithTheRowsItsLoadCounted() {
    DatabaseUrl tgt = dbs.create("ev_tgt");
    List<String> raw = new CopyOnWriteArrayList<>();
    // pets' statistics say 3,000 rows, though half are gone since; owners has none (never vacuumed or analysed).
    RunSummary run = sync(tgt, " WITH (autovacuum_enabled = false)", "ANALYZE pets; DELETE FROM pets WHERE id % 2 = 0;",
        raw);
    List<ProgressEvent> events = raw.stream().map(ProgressBus::fromJson).toList();

    ProgressEvent.TableStarted pets = (ProgressEvent.TableStarted) events.get(
        indexOf(events, e -> e instanceof ProgressEvent.TableStarted s && s.table().equals("pets")));
    assertTrue(pets.estimated(), pets.toString());
    assertEquals(3000, pets.sourceRows(), "the statistics' estimate, not a count");
    ProgressEvent.TableStarted owners = (ProgressEvent.TableStarted) events.get(
        indexOf(events, e -> e instanceof ProgressEvent.TableStarted s && s.table().equals("owners")));
    assertEquals(List.of(false, 50L), List.of(owners.estimated(), owners.sourceRows()), "no statistics: counted");

    TableResult loaded = run.tables().stream().filter(t -> t.table().equals("pets")).findFirst().orElseThrow();
    assertEquals(List.of(1500L, 1500L), List.of(loaded.sourceRows(), loaded.inserted()), "the load's count replaced it");
    RunSummary.ValidationResult checked = run.validation().stream().filter(v -> v.table().equals("pets"))
        .findFirst().orElseThrow();
    assertEquals(List.of(1500L, 1500L, true), List.of(checked.sourceRows(), checked.targetRows(), checked.matches()));
    assertEquals(1500L, dbs.count(tgt, "SELECT count(*) FROM pets"));
  }

  /**
   * Syncs 50 owners and 3,000 pets (their tables created {@code with}, the source then changed by {@code after}) into
   * {@code tgt}, collecting the run's events as they went over the bus, the last one included.
   */
  private RunSummary sync(DatabaseUrl tgt, String with, String after, List<String> raw) {
    DatabaseUrl src = dbs.create("ev_src");
    String ddl = "CREATE TABLE owners (id int PRIMARY KEY, name text)" + with + ";"
        + "CREATE TABLE pets (id int PRIMARY KEY, owner_id int REFERENCES owners, name text)" + with + ";";
    dbs.execute(src, ddl + "INSERT INTO owners SELECT g, 'o' || g FROM generate_series(1, 50) g;"
        + "INSERT INTO pets SELECT g, 1 + g % 50, 'p' || g FROM generate_series(1, 3000) g;" + after);
    dbs.execute(tgt, ddl);
    MessageConsumer<String> consumer = vertx.eventBus().consumer(ProgressBus.ADDRESS, m -> raw.add(m.body()));
    await(consumer.completion());
    RunSummary run = await(Syncs.runOnce(vertx, TestConfig.of(src, tgt), SyncOptions.defaults()));
    assertEquals(RunStatus.SUCCEEDED, run.status(), run.message());
    // Delivery is asynchronous: wait until the last event has arrived.
    TestDatabases.waitFor(() -> raw.stream().anyMatch(j -> j.contains("\"run-finished\"")), 5_000, "the last event");
    await(consumer.unregister());
    return run;
  }

  private static int indexOf(List<ProgressEvent> events, java.util.function.Predicate<ProgressEvent> p) {
    for (int i = 0; i < events.size(); i++) {
      if (p.test(events.get(i))) {
        return i;
      }
    }
    return -1;
  }
}
