package dev.ferry.cli;

import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.config.FerryConfig;
import dev.ferry.plan.Mode;
import dev.ferry.plan.SyncOptions;
import dev.ferry.result.Phase;
import dev.ferry.result.PhaseOutcome;
import dev.ferry.result.RunStatus;
import dev.ferry.result.RunSummary;
import dev.ferry.sync.Syncs;
import dev.ferry.testing.TestConfig;
import dev.ferry.testing.TestDatabases;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backups taken before destructive steps and on demand, and restores that bring back the exact contents. */
class BackupCommandsTest {
  private Vertx vertx;
  private TestDatabases dbs;
  private CliHarness cli;
  private DatabaseUrl source;
  private DatabaseUrl target;
  @TempDir
  Path dir;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    dbs = new TestDatabases(vertx);
    cli = new CliHarness();
    source = dbs.create("bk_src");
    target = dbs.create("bk_tgt");
    dbs.loadRescueDogs(source, target);
    assertEquals(RunStatus.SUCCEEDED, sync(SyncOptions.defaults()).status());
  }

  @AfterEach
  void tearDown() {
    cli.close();
    dbs.close();
    await(vertx.close());
  }

  private FerryConfig config() {
    return TestConfig.rescueDogs(source, target);
  }

  private RunSummary sync(SyncOptions options) {
    return await(Syncs.runOnce(vertx, config(), options));
  }

  private int ferry(String... extra) {
    List<String> args = new ArrayList<>(List.of(extra));
    args.addAll(List.of("--source", source.toLibpqUrl(), "--target", target.toLibpqUrl()));
    return cli.ferry(args.toArray(String[]::new));
  }

  @Test
  void aRebuildIsBackedUpFirstAndRollbackRestoresThePreRunContents() {
    String before = dbs.contentDigest(target);
    dbs.execute(source, "UPDATE animals SET name = name || ' II' WHERE id % 3 = 0");
    RunSummary run = sync(SyncOptions.defaults().withMode(Mode.REBUILD).withConfirm(true));
    assertEquals(RunStatus.SUCCEEDED, run.status(), run::message);
    assertTrue(run.phases().stream().anyMatch(p -> p.phase() == Phase.BACKUP && p.outcome() == PhaseOutcome.OK));
    assertNotEquals(before, dbs.contentDigest(target));

    assertEquals(ExitCode.REFUSED, ferry("rollback", run.runId()), cli.output());
    assertEquals(ExitCode.OK, ferry("rollback", run.runId(), "--dry-run"), cli.output());
    assertNotEquals(before, dbs.contentDigest(target), "a dry run restores nothing");
    assertEquals(ExitCode.OK, ferry("rollback", run.runId(), "--confirm-destructive"), cli.output());
    assertEquals(before, dbs.contentDigest(target), "the target holds exactly what it held before the rebuild");
  }

  @Test
  void mirrorKeepsTheRowsItDeletesAndRollbackPutsThemBack() {
    String before = dbs.contentDigest(target);
    dbs.execute(source, "DELETE FROM animals WHERE id IN (SELECT id FROM animals ORDER BY id LIMIT 7)");
    RunSummary run = sync(SyncOptions.defaults().withMode(Mode.MIRROR));
    assertEquals(RunStatus.SUCCEEDED, run.status(), run::message);
    assertEquals(7, run.tables().stream().filter(t -> t.table().equals("animals")).findFirst().orElseThrow().deleted());

    assertEquals(ExitCode.OK, ferry("backups"), cli.output());
    assertTrue(cli.output().contains("rows deleted by mirror run"), cli.output());
    assertTrue(cli.output().contains("7 rows in 1 table"), cli.output());
    assertEquals(ExitCode.OK, ferry("rollback", run.runId(), "--confirm-destructive"), cli.output());
    assertEquals(before, dbs.contentDigest(target), "the deleted rows are back, ids and all");
  }

  @Test
  void onDemandBackupRestoreAndRetention() throws IOException {
    Path conf = dir.resolve("ferry.yaml");
    Files.writeString(conf, "backup: {keep: 2}\n");
    String before = dbs.contentDigest(target);
    assertEquals(ExitCode.OK, ferry("backup", "--config", conf.toString()), cli.output());
    long id = Long.parseLong(cli.output().replaceAll("(?s).*#(\\d+).*", "$1"));
    dbs.execute(target, "DELETE FROM scrape_logs; UPDATE animals SET name = 'changed'");

    assertEquals(ExitCode.REFUSED, ferry("restore", Long.toString(id), "--config", conf.toString()), cli.output());
    assertEquals(ExitCode.OK, ferry("restore", Long.toString(id), "--confirm-destructive", "--config", conf.toString()),
        cli.output());
    assertEquals(before, dbs.contentDigest(target));

    assertEquals(ExitCode.OK, ferry("backup", "--tables", "animals", "--config", conf.toString()), cli.output());
    assertEquals(2, dbs.count(target, "SELECT count(*) FROM ferry.backups"), "only the newest 2 are kept");
    assertEquals(dbs.count(target, "SELECT count(*) FROM ferry.backup_tables"),
        dbs.count(target, "SELECT count(*) FROM pg_tables WHERE schemaname = 'ferry_backup'"), "old copies are dropped");
    assertEquals(ExitCode.USAGE, ferry("restore", Long.toString(id), "--config", conf.toString()), cli.output());
    assertTrue(cli.output().contains("no backup #" + id), cli.output());
  }

  @Test
  void aRestoreThatWouldCascadeIntoTablesOutsideTheBackupIsRefused() {
    dbs.execute(target, "CREATE TABLE adoptions (id int PRIMARY KEY, animal_id bigint REFERENCES animals ON DELETE CASCADE);"
        + " INSERT INTO adoptions SELECT id, id FROM animals LIMIT 5");
    assertEquals(ExitCode.OK, ferry("backup", "--tables", "animals"), cli.output());
    long id = Long.parseLong(cli.output().replaceAll("(?s).*#(\\d+).*", "$1"));
    assertEquals(ExitCode.USAGE, ferry("restore", Long.toString(id), "--confirm-destructive"), cli.output());
    assertTrue(cli.output().contains("would cascade into [adoptions]"), cli.output());
    assertEquals(5, dbs.count(target, "SELECT count(*) FROM adoptions"), "nothing was deleted");
  }

  @Test
  void aConfirmedDestructiveMigrationBacksUpTheTablesItTouches() throws IOException {
    Path migrations = Files.createDirectories(dir.resolve("migrations"));
    Files.writeString(migrations.resolve("V1__drop_status.sql"), "ALTER TABLE scrape_logs DROP COLUMN status;");
    long rows = dbs.count(target, "SELECT count(*) FROM scrape_logs");
    assertEquals(ExitCode.FAILED, ferry("migrate", "--locations", "filesystem:" + migrations), cli.output());
    assertTrue(cli.output().contains("ferry migrate --baseline"), "an existing database is adopted first: " + cli.output());
    assertEquals(ExitCode.OK, ferry("migrate", "--baseline", "0", "--locations", "filesystem:" + migrations), cli.output());
    assertEquals(ExitCode.REFUSED, ferry("migrate", "--locations", "filesystem:" + migrations), cli.output());
    assertEquals(ExitCode.OK, ferry("migrate", "--confirm-destructive", "--locations", "filesystem:" + migrations),
        cli.output());
    assertTrue(cli.output().contains("Backed up first"), cli.output());
    assertEquals(rows, dbs.count(target, "SELECT rows FROM ferry.backup_tables WHERE table_name = 'scrape_logs'"));
    assertEquals(1, dbs.count(target, "SELECT count(*) FROM ferry.backup_tables bt JOIN pg_attribute a"
        + " ON a.attrelid = bt.copy_name::regclass WHERE a.attname = 'status'"),
        "the backup still has the dropped column");
  }
}
