package dev.ferry.sync;

import static dev.ferry.sync.HardShapesSyncTest.describe;
import static dev.ferry.sync.HardShapesSyncTest.table;
import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.cli.CliHarness;
import dev.ferry.cli.ExitCode;
import dev.ferry.config.DatabaseUrl;
import dev.ferry.config.OnProductionEdit;
import dev.ferry.control.ControlSchema;
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
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three-way sync: after a verified sync, a row production changed by a transaction that was not Ferry's is told
 * apart from the source's own changes, and never written over without saying so. Real PostgreSQL on both sides; the
 * target's rows are read back here, not taken from Ferry's report.
 */
class ProductionEditsTest {
  private static final String SCHEMA = """
      CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL, n int);
      CREATE TABLE notes (id int PRIMARY KEY, body text);""";
  private static final String DATA = """
      INSERT INTO items SELECT g, 'item ' || g, g FROM generate_series(1, 3000) g;
      INSERT INTO notes SELECT g, 'note ' || g FROM generate_series(1, 10) g;""";

  private Vertx vertx;
  private TestDatabases dbs;
  private DatabaseUrl source;
  private DatabaseUrl target;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    dbs = new TestDatabases(vertx);
    source = dbs.create("edits_src");
    target = dbs.create("edits_tgt");
    dbs.execute(source, SCHEMA + DATA);
    dbs.execute(target, SCHEMA);
    ControlSchema.migrate(target);
    RunSummary load = sync(SyncOptions.defaults());
    assertEquals(RunStatus.SUCCEEDED, load.status(), () -> describe(load));
    assertEquals(List.of(), load.warnings(), () -> describe(load));
    assertEquals("2", dbs.text(target, "SELECT count(*)::text FROM ferry.table_claims"), "the load verified both tables");
  }

  @AfterEach
  void tearDown() {
    dbs.close();
    await(vertx.close());
  }

  private RunSummary sync(SyncOptions options) {
    return await(Syncs.runOnce(vertx, TestConfig.of(source, target, new JsonObject()), options));
  }

  private static SyncOptions policy(OnProductionEdit p) {
    return SyncOptions.defaults().withOnProductionEdit(p);
  }

  private String on(DatabaseUrl db, String sql) {
    return dbs.text(db, sql);
  }

  private static final String NAME_42 = "SELECT name FROM items WHERE id = 42";
  private static final String NAME_7 = "SELECT name FROM items WHERE id = 7";

  /** Production fixes row 42; the developer changes row 7. */
  private void editBothSides() {
    dbs.execute(target, "UPDATE items SET name = 'fixed in production' WHERE id = 42");
    dbs.execute(source, "UPDATE items SET name = 'changed locally' WHERE id = 7");
  }

  @Test
  void aProductionEditIsRefusedByDefaultAndNothingOfTheTableIsWritten() {
    editBothSides();
    List<ProgressEvent.TableCompared> compared = new CopyOnWriteArrayList<>();
    var listener = new ProgressBus(vertx).listen(e -> {
      if (e instanceof ProgressEvent.TableCompared c && c.table().equals("items")) {
        compared.add(c);
      }
    });
    RunSummary run = sync(SyncOptions.defaults());
    await(listener.unregister());
    assertEquals(RunStatus.REFUSED, run.status(), () -> describe(run));
    TableResult items = table(run, "items");
    assertEquals(TableResult.Outcome.REFUSED, items.outcome(), () -> describe(run));
    assertTrue(items.message().contains("1 edited on production"), items.message());
    assertTrue(items.message().contains("id=42: edited on production: name 'fixed in production' (source: 'item 42')"),
        items.message());
    assertEquals("fixed in production", on(target, NAME_42), "production's fix stays");
    assertEquals("item 7", on(target, NAME_7), "nothing of a refused table is written");
    assertEquals(1, compared.get(0).productionEdits(), compared::toString);
    assertTrue(compared.get(0).classified());
    assertEquals(TableResult.Outcome.UNCHANGED, table(run, "notes").outcome(), "other tables go on");
  }

  @Test
  void keepLeavesProductionsVersionCopiesTheRestAndRemembersTheDecision() {
    editBothSides();
    RunSummary kept = sync(policy(OnProductionEdit.KEEP));
    assertEquals(RunStatus.SUCCEEDED, kept.status(), () -> describe(kept));
    assertEquals("fixed in production", on(target, NAME_42));
    assertEquals("changed locally", on(target, NAME_7));
    assertEquals(1, kept.rowsWritten());
    assertTrue(table(kept, "items").path().contains("kept as production left them (onProductionEdit: keep): 1 edited"
        + " on production"), table(kept, "items").path());
    kept.validation().forEach(v -> assertTrue(v.matches(), v.table() + ": " + v.detail()));
    // The target differs from the source in exactly that row, and nowhere else.
    String others = "SELECT md5(string_agg(i::text, ',' ORDER BY id)) FROM items i WHERE id <> 42";
    assertEquals(on(source, others), on(target, others));

    // Decided once: the next run, with the default policy, neither asks again nor writes over it.
    RunSummary next = sync(SyncOptions.defaults());
    assertEquals(RunStatus.SUCCEEDED, next.status(), () -> describe(next));
    assertEquals(0, next.rowsWritten(), () -> describe(next));
    assertEquals("fixed in production", on(target, NAME_42));

    // Until the source changes that row too: then both sides changed it.
    dbs.execute(source, "UPDATE items SET name = 'renamed locally' WHERE id = 42");
    RunSummary conflict = sync(SyncOptions.defaults());
    assertEquals(RunStatus.REFUSED, conflict.status(), () -> describe(conflict));
    assertTrue(table(conflict, "items").message().contains("id=42: changed on both sides: name 'fixed in production'"
        + " (source: 'renamed locally')"), table(conflict, "items").message());
  }

  @Test
  void aConflictIsRefusedEvenWhenKeepingAndOverwrittenOnlyWhenToldTo() {
    dbs.execute(target, "UPDATE items SET name = 'fixed in production' WHERE id = 42");
    dbs.execute(source, "UPDATE items SET name = 'changed locally' WHERE id = 42");
    RunSummary keep = sync(policy(OnProductionEdit.KEEP));
    assertEquals(RunStatus.REFUSED, keep.status(), () -> describe(keep));
    assertTrue(table(keep, "items").message().contains("1 changed on both sides"), table(keep, "items").message());
    assertEquals("fixed in production", on(target, NAME_42));

    RunSummary overwrite = sync(policy(OnProductionEdit.OVERWRITE));
    assertEquals(RunStatus.SUCCEEDED, overwrite.status(), () -> describe(overwrite));
    assertEquals("changed locally", on(target, NAME_42));
    assertTrue(overwrite.warnings().stream().anyMatch(w -> w.contains("overwrote 1 changed on both sides")),
        () -> describe(overwrite));
    assertTrue(table(overwrite, "items").path().contains("written over with the source's rows (onProductionEdit:"
        + " overwrite): 1 changed on both sides\n  id=42"), table(overwrite, "items").path());
  }

  @Test
  void overwriteIsTodaysBehaviourSaidOutLoud() {
    editBothSides();
    RunSummary run = sync(policy(OnProductionEdit.OVERWRITE));
    assertEquals(RunStatus.SUCCEEDED, run.status(), () -> describe(run));
    String all = "SELECT md5(string_agg(i::text, ',' ORDER BY id)) FROM items i";
    assertEquals(on(source, all), on(target, all), "the target equals the source again");
    assertTrue(run.warnings().stream().anyMatch(w -> w.equals("items: overwrote 1 edited on production"
        + " (onProductionEdit: overwrite)")), () -> describe(run));
  }

  @Test
  void mirrorDoesNotDeleteARowProductionAdded() {
    dbs.execute(target, "INSERT INTO items VALUES (5000, 'added in production', 0)");
    RunSummary refused = sync(SyncOptions.defaults().withMode(Mode.MIRROR));
    assertEquals(RunStatus.REFUSED, refused.status(), () -> describe(refused));
    assertTrue(table(refused, "items").message().contains("id=5000: added on production"),
        table(refused, "items").message());
    RunSummary kept = sync(SyncOptions.defaults().withMode(Mode.MIRROR).withOnProductionEdit(OnProductionEdit.KEEP));
    assertEquals(RunStatus.SUCCEEDED, kept.status(), () -> describe(kept));
    assertEquals("added in production", on(target, "SELECT name FROM items WHERE id = 5000"));
    kept.validation().forEach(v -> assertTrue(v.matches(), v.table() + ": " + v.detail()));
  }

  @Test
  void aRowProductionDeletedIsNotPutBackSilently() {
    dbs.execute(target, "DELETE FROM items WHERE id = 100");
    RunSummary refused = sync(SyncOptions.defaults());
    assertEquals(RunStatus.REFUSED, refused.status(), () -> describe(refused));
    assertTrue(table(refused, "items").message().contains("id=100: deleted on production (the source still has it,"
        + " unchanged)"), table(refused, "items").message());
    assertEquals("0", on(target, "SELECT count(*)::text FROM items WHERE id = 100"));
    RunSummary kept = sync(policy(OnProductionEdit.KEEP));
    assertEquals(RunStatus.SUCCEEDED, kept.status(), () -> describe(kept));
    assertEquals("0", on(target, "SELECT count(*)::text FROM items WHERE id = 100"));
  }

  /**
   * A transaction left open on the server while a run verifies holds the horizon back: the rows written after it
   * began were verified all the same (the run's snapshot saw them), so a row production deletes afterwards is still
   * told apart from a row the source has just added.
   */
  @Test
  void aTransactionLeftOpenDuringTheVerifyingRunDoesNotHideAProductionDelete() {
    PgConnection held = await(PgConnection.connect(vertx, source.connectOptions()));
    try {
      await(held.query("BEGIN").execute().compose(v -> held.query("SELECT txid_current()").execute()));
      dbs.execute(source, "UPDATE items SET n = n + 1 WHERE id = 100");
      RunSummary verified = sync(SyncOptions.defaults());
      assertEquals(RunStatus.SUCCEEDED, verified.status(), () -> describe(verified));
      assertEquals(1, verified.rowsWritten(), () -> describe(verified));
    } finally {
      await(held.close());
    }
    dbs.execute(target, "DELETE FROM items WHERE id = 100");
    RunSummary refused = sync(SyncOptions.defaults());
    assertEquals(RunStatus.REFUSED, refused.status(), () -> describe(refused));
    assertTrue(table(refused, "items").message().contains("id=100: deleted on production"),
        table(refused, "items").message());
    assertEquals("0", on(target, "SELECT count(*)::text FROM items WHERE id = 100"));
  }

  @Test
  void ferrysOwnWritesAreNotProductionEditsAndSmallTablesAreComparedToo() {
    for (int round = 1; round <= 3; round++) {
      dbs.execute(source, "UPDATE items SET n = n + 1 WHERE id % 500 = " + round + "; UPDATE notes SET body = 'round "
          + round + "' WHERE id = " + round);
      RunSummary run = sync(SyncOptions.defaults());
      assertEquals(RunStatus.SUCCEEDED, run.status(), () -> describe(run));
      assertEquals(Strategy.DIFFERENTIAL, table(run, "notes").strategy(), "a claimed table is compared, however small");
      assertEquals(7, run.rowsWritten(), () -> describe(run));
    }
    String all = "SELECT md5(string_agg(r, ',' ORDER BY r)) FROM (SELECT i::text AS r FROM items i UNION ALL"
        + " SELECT n::text FROM notes n) x";
    assertEquals(on(source, all), on(target, all));
  }

  @Test
  void statusAndTheRefusedRunSayWhoChangedWhatSinceTheLastVerifiedSync() {
    editBothSides();
    dbs.execute(target, "UPDATE items SET name = 'also fixed' WHERE id = 7"); // row 7 now changed on both sides
    try (CliHarness cli = new CliHarness()) {
      String[] urls = {"--source", source.toLibpqUrl(), "--target", target.toLibpqUrl()};
      assertEquals(ExitCode.OK, cli.ferry(concat("status", urls)), cli.output());
      assertTrue(cli.output().contains("changed since the last verified sync: locally / on production / both"),
          cli.output());
      assertTrue(cli.output().matches("(?s).*\\n  items\\s+3,000\\s+3,000\\s+1 / 2 / 1\\n.*"), cli.output());
      assertEquals(ExitCode.REFUSED, cli.ferry(concat("sync", urls)), cli.output());
      assertTrue(cli.output().contains("id=7: changed on both sides: name 'also fixed' (source: 'changed locally')"),
          cli.output());
      assertTrue(cli.output().contains("id=42: edited on production: name 'fixed in production' (source: 'item 42')"),
          cli.output());
    }
  }

  private static String[] concat(String command, String[] args) {
    String[] out = new String[args.length + 1];
    out[0] = command;
    System.arraycopy(args, 0, out, 1, args.length);
    return out;
  }

  @Test
  void rowsARunWroteWithoutVerifyingThemAreStillFerrysNotProductions() {
    dbs.execute(source, "UPDATE items SET name = 'first change' WHERE id = 7");
    RunSummary unverified = sync(SyncOptions.defaults().withSkips(true, false)); // no claim is recorded
    assertEquals(RunStatus.SUCCEEDED, unverified.status(), () -> describe(unverified));
    dbs.execute(source, "UPDATE items SET name = 'second change' WHERE id = 7");
    RunSummary next = sync(SyncOptions.defaults());
    assertEquals(RunStatus.SUCCEEDED, next.status(), () -> describe(next));
    assertEquals("second change", on(target, NAME_7));
    assertEquals(0, dbs.count(target, "SELECT count(*) FROM ferry.table_writes"), "the new claims cover those writes");
  }

  @Test
  void whenTheClaimIsVoidedTheRunSaysSoAndBehavesAsBefore() {
    dbs.execute(target, "UPDATE ferry.table_claims SET fingerprint = 'from another server'");
    dbs.execute(target, "UPDATE items SET name = 'fixed in production' WHERE id = 42");
    RunSummary run = sync(SyncOptions.defaults());
    assertEquals(RunStatus.SUCCEEDED, run.status(), () -> describe(run));
    assertEquals("item 42", on(target, NAME_42), "without a claim the source wins, as every sync did before");
    assertTrue(run.warnings().stream().anyMatch(w -> w.startsWith("items: the last verified sync's claim no longer"
        + " holds")), () -> describe(run));
    assertTrue(table(run, "items").path().contains("production's own edits cannot be told apart"),
        table(run, "items").path());
  }
}
