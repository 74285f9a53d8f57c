package dev.ferry.cli;

import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.testing.TestDatabases;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What `ferry sync` prints while it runs, its closing summary and the run's history rows must tell the same story:
 * no "✓ ok" phase above a failure, no "= unchanged" table line for a table the run then deleted rows from, no failure
 * whose reason only the history holds. Each run here reads all three.
 */
class RunReportsAgreeTest {
  private Vertx vertx;
  private TestDatabases dbs;
  private CliHarness cli;
  private DatabaseUrl source;
  private DatabaseUrl target;
  private Path config;

  @BeforeEach
  void setUp(@TempDir Path dir) throws IOException {
    vertx = Vertx.vertx();
    dbs = new TestDatabases(vertx);
    cli = new CliHarness();
    source = dbs.create("agree_src");
    target = dbs.create("agree_tgt");
    config = dir.resolve("ferry.yaml");
    Files.writeString(config, "sync: {retries: 1, retryBaseDelayMs: 10}\n");
    String schema = """
        CREATE TABLE kept (id int PRIMARY KEY, v text);
        CREATE TABLE picky (id int PRIMARY KEY, v int);
        CREATE TABLE loose (code text UNIQUE, v text);""";
    dbs.execute(source, schema);
    dbs.execute(target, schema + "ALTER TABLE picky ADD CHECK (v < 100);");
    dbs.execute(source, """
        INSERT INTO kept SELECT g, 'k' || g FROM generate_series(1, 30) g;
        INSERT INTO picky SELECT g, g FROM generate_series(1, 10) g;
        INSERT INTO loose VALUES ('a', '1'), ('b', '2');""");
    dbs.execute(target, """
        INSERT INTO kept SELECT g, 'k' || g FROM generate_series(1, 32) g;
        INSERT INTO loose VALUES ('a', '1');""");
  }

  @AfterEach
  void tearDown() {
    cli.close();
    dbs.close();
    await(vertx.close());
  }

  private int sync(String... extra) {
    List<String> args = new ArrayList<>(List.of("sync", "--source", source.toLibpqUrl(), "--target", target.toLibpqUrl(),
        "--config", config.toString()));
    args.addAll(List.of(extra));
    return cli.ferry(args.toArray(String[]::new));
  }

  private Row run() {
    return dbs.execute(target, "SELECT id::text, status, message FROM ferry.runs ORDER BY started_at DESC LIMIT 1")
        .iterator().next();
  }

  private Row table(String runId, String name) {
    return dbs.execute(target, "SELECT outcome, inserted, updated, deleted, message FROM ferry.run_tables"
        + " WHERE run_id = '" + runId + "' AND table_name = '" + name + "'").iterator().next();
  }

  @Test
  void consoleSummaryAndHistoryTellTheSameStory() {
    dbs.execute(source, "UPDATE picky SET v = 500 WHERE id = 3"); // the target's CHECK rejects it
    assertEquals(ExitCode.FAILED, sync("--mode", "mirror", "--confirm-destructive"), cli.output());
    String out = cli.output();
    Row run = run();
    assertEquals("partial", run.getString("status"), out);
    String runId = run.getString("id");

    // kept: mirror deleted its two extra rows; its one table line says so, and nothing calls it unchanged.
    Row kept = table(runId, "kept");
    assertEquals("synced", kept.getString("outcome"));
    assertEquals(2, kept.getLong("deleted"));
    assertTrue(out.contains("✓ kept: 0 inserted, 0 updated, 2 deleted"), out);
    assertFalse(out.contains("= kept: unchanged"), out);

    // picky failed: the history's reason is on the console, in the table's line and again in the summary.
    Row picky = table(runId, "picky");
    assertEquals("failed", picky.getString("outcome"));
    String reason = picky.getString("message");
    assertTrue(reason.contains("check constraint"), reason);
    assertEquals(2, count(out, reason), out);
    // …and the phase it failed in does not say ok.
    assertTrue(out.contains("✗ dependents failed"), out);
    assertFalse(out.contains("✓ dependents ok"), out);
    assertTrue(out.contains("✗ partial: " + run.getString("message")), out);

    // loose: a unique index on a nullable column is no key; the refusal says that, not "no unique key".
    dbs.execute(target, "UPDATE loose SET v = 'edited' WHERE code = 'a'"); // mirror had replaced it
    assertEquals(ExitCode.REFUSED, sync("--tables", "loose"), cli.output());
    String refusal = table(run().getString("id"), "loose").getString("message");
    assertTrue(refusal.contains("its unique index loose_code_key [code] cannot match rows: those columns are nullable"),
        refusal);
    assertTrue(cli.output().contains(refusal), cli.output());
  }

  /** Validation that finds a difference fails its phase: no "✓ validation ok" above the difference. */
  @Test
  void aDifferenceValidationFindsFailsItsPhase() throws IOException {
    dbs.execute(target, """
        CREATE FUNCTION shout() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.v = upper(NEW.v); RETURN NEW; END $$;
        CREATE TRIGGER shout BEFORE INSERT OR UPDATE ON kept FOR EACH ROW EXECUTE FUNCTION shout();
        DELETE FROM kept;""");
    Files.writeString(config, "sync: {retries: 1, targetTriggers: fire}\n");
    assertEquals(ExitCode.FAILED, sync("--tables", "kept"), cli.output());
    String out = cli.output();
    assertTrue(out.contains("target trigger shout runs on Ferry's writes and can change what it writes"), out);
    assertTrue(out.contains("✗ validation failed"), out);
    assertFalse(out.contains("✓ validation ok"), out);
    assertTrue(out.contains("kept: same row count but contents differ"), out);
    Row run = run();
    assertEquals("failed", run.getString("status"));
    assertTrue(out.contains("✗ failed: " + run.getString("message")), out);
  }

  /** A rebuild deletes and inserts every row: the summary says which, instead of a total twice the table. */
  @Test
  void aRebuildSaysWhatItWroteByKind() {
    dbs.execute(source, "INSERT INTO kept SELECT g, 'k' || g FROM generate_series(31, 1200) g");
    assertEquals(ExitCode.OK, sync("--mode", "rebuild", "--confirm-destructive", "--tables", "kept"), cli.output());
    assertTrue(cli.output().contains("✓ succeeded: wrote 1,232 rows in 1 table: 1,200 inserted, 32 deleted"),
        cli.output());
    assertEquals("wrote 1,232 rows in 1 table: 1,200 inserted, 32 deleted", run().getString("message"));
  }

  private static int count(String haystack, String needle) {
    int n = 0;
    for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
