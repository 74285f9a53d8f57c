package dev.ferry.cli;

import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.migrate.Migrations;
import dev.ferry.schema.DbSchema;
import dev.ferry.schema.SchemaReader;
import dev.ferry.testing.TestDatabases;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `ferry migrate` against a real PostgreSQL: dry runs, lint, undo, concurrency, baseline. */
class MigrateCommandTest {
  private Vertx vertx;
  private TestDatabases dbs;
  private CliHarness cli;
  private DatabaseUrl source;
  private DatabaseUrl target;
  @TempDir
  Path dir;

  @BeforeEach
  void setUp() throws IOException {
    vertx = Vertx.vertx();
    dbs = new TestDatabases(vertx);
    cli = new CliHarness();
    source = dbs.create("mig_src");
    target = dbs.create("mig_tgt");
    write("V1__pets.sql", "CREATE TABLE pets (id int PRIMARY KEY, name text);\nINSERT INTO pets VALUES (1, 'Rex');");
    write("U1__pets.sql", "DROP TABLE pets;");
    write("V2__pet_name_index.sql", "CREATE INDEX CONCURRENTLY pets_name ON pets (name);");
    write("U2__pet_name_index.sql", "DROP INDEX pets_name;");
  }

  @AfterEach
  void tearDown() {
    cli.close();
    dbs.close();
    await(vertx.close());
  }

  private void write(String name, String sql) throws IOException {
    Files.writeString(dir.resolve(name), sql);
  }

  private int ferry(String... extra) {
    List<String> args = new ArrayList<>(List.of(extra));
    args.addAll(List.of("--source", source.toLibpqUrl(), "--target", target.toLibpqUrl(), "--locations", "filesystem:" + dir));
    return cli.ferry(args.toArray(String[]::new));
  }

  private long tables(DatabaseUrl db, String name) {
    return dbs.count(db, "SELECT count(*) FROM pg_class WHERE relname = '" + name + "'");
  }

  private DbSchema schema(DatabaseUrl db) {
    var pool = PgBuilder.pool().connectingTo(db.connectOptions().addProperty("search_path", "pg_catalog")).using(vertx).build();
    try {
      return await(SchemaReader.read(pool));
    } finally {
      await(pool.close());
    }
  }

  @Test
  void aDryRunShowsTheSqlAndChangesNothingThenMigrateAppliesIncludingConcurrentIndexes() {
    assertEquals(ExitCode.OK, ferry("migrate", "--dry-run"), cli.output());
    assertTrue(cli.output().contains("CREATE TABLE pets"), cli.output());
    assertTrue(cli.output().contains("nothing was run"));
    assertEquals(0, tables(target, "pets"), "a dry run creates nothing");

    assertEquals(ExitCode.OK, ferry("migrate"), cli.output());
    assertTrue(cli.output().contains("2 migrations applied"), cli.output());
    assertEquals(1, dbs.count(target, "SELECT count(*) FROM pg_index WHERE indexrelid = 'pets_name'::regclass AND indisvalid"));
    assertEquals(0, tables(source, "pets"), "the source is left alone unless --on source");

    assertEquals(ExitCode.OK, ferry("migrations"), cli.output());
    assertTrue(cli.output().matches("(?s).*\\n  1 +pets +pending +success .*"), cli.output());

    assertEquals(ExitCode.OK, ferry("migrate", "--on", "source"), cli.output());
    assertEquals(1, tables(source, "pets"));
  }

  @Test
  void aChangedAppliedMigrationFailsValidationEvenInADryRun() throws IOException {
    assertEquals(ExitCode.OK, ferry("migrate"), cli.output());
    write("V1__pets.sql", "CREATE TABLE pets (id int PRIMARY KEY, name text, born date);");
    assertEquals(ExitCode.FAILED, ferry("migrate", "--dry-run"), cli.output());
    assertTrue(cli.output().contains("do not match their files"), cli.output());
    assertTrue(cli.output().toLowerCase().contains("checksum"), cli.output());
    assertEquals(ExitCode.OK, ferry("migrate", "--repair"), cli.output());
    assertEquals(ExitCode.OK, ferry("migrate", "--dry-run"), cli.output());
  }

  @Test
  void destructiveMigrationsAreLintedAndNeedConfirmation() throws IOException {
    assertEquals(ExitCode.OK, ferry("migrate"), cli.output());
    write("V3__reshape.sql", """
        -- DROP TABLE in a comment is not a statement
        CREATE INDEX pets_id_name ON pets (id, name);
        ALTER TABLE pets ALTER COLUMN name TYPE varchar(50);
        ALTER TABLE pets ALTER COLUMN name SET NOT NULL;
        ALTER TABLE pets DROP COLUMN name;""");
    assertEquals(ExitCode.REFUSED, ferry("migrate"), cli.output());
    String out = cli.output();
    assertTrue(out.contains("blocks writes to the table while the index builds"), out);
    assertTrue(out.contains("rewrites the table"), out);
    assertTrue(out.contains("SET NOT NULL"), out);
    assertTrue(out.contains("destructive: ALTER TABLE pets DROP COLUMN name"), out);
    assertFalse(out.contains("destructive: -- DROP TABLE"), "comments are not statements");
    assertEquals(1, dbs.count(target, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'pets' AND column_name = 'name'"),
        "nothing ran");
    assertEquals(ExitCode.OK, ferry("migrate", "--confirm-destructive"), cli.output());
    assertEquals(0, dbs.count(target, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'pets' AND column_name = 'name'"));
  }

  @Test
  void undoRunsThePairedScriptsNewestFirstAndRestoresThePriorSchema() throws IOException {
    assertEquals(ExitCode.OK, ferry("migrate"), cli.output());
    DbSchema afterV1 = schema(target);
    afterV1.tables().values().forEach(t -> t.indexes().remove("public.pets_name"));
    write("V3__pet_owner.sql", "ALTER TABLE pets ADD COLUMN owner text;");
    assertEquals(ExitCode.USAGE, ferry("migrate", "--undo", "9"), cli.output());
    assertTrue(cli.output().contains("version 9 is not applied"), cli.output());
    assertEquals(ExitCode.OK, ferry("migrate"), cli.output());
    assertEquals(ExitCode.USAGE, ferry("migrate", "--undo", "2"), cli.output());
    assertTrue(cli.output().contains("no undo script U3__*.sql"), cli.output());
    assertEquals(1, dbs.count(target, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'pets' AND column_name = 'owner'"),
        "a missing undo script undoes nothing");

    write("U3__pet_owner.sql", "ALTER TABLE pets DROP COLUMN owner;");
    assertEquals(ExitCode.REFUSED, ferry("migrate", "--undo", "2"), cli.output());
    assertTrue(cli.output().contains("destructive: ALTER TABLE pets DROP COLUMN owner"), "undo scripts are linted too");
    assertEquals(ExitCode.OK, ferry("migrate", "--undo", "2", "--confirm-destructive"), cli.output());
    assertTrue(cli.output().indexOf("undone 3") < cli.output().indexOf("undone 2"), "newest first: " + cli.output());
    DbSchema now = schema(target);
    assertEquals(afterV1.tables().get("public.pets"), now.tables().get("public.pets"), "the schema after V1 again");
    assertEquals(2, dbs.count(target, "SELECT count(*) FROM ferry.migration_log WHERE action = 'undo'"), "recorded");
    assertEquals(ExitCode.OK, ferry("migrate"), cli.output());
    assertTrue(cli.output().contains("2 migrations applied"), "undone versions are pending again: " + cli.output());
  }

  @Test
  void twoConcurrentMigratesDoNotBothRunAMigration() throws Exception {
    write("V3__slow.sql", "SELECT pg_sleep(2); CREATE TABLE slow_once (id int);");
    List<String> waits = new CopyOnWriteArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<List<String>>> runs = List.of(
          pool.submit(() -> new Migrations(target, List.of("filesystem:" + dir)).migrate(waits::add)),
          pool.submit(() -> new Migrations(target, List.of("filesystem:" + dir)).migrate(waits::add)));
      int applied = runs.get(0).get().size() + runs.get(1).get().size();
      assertEquals(3, applied, "each migration ran exactly once between the two");
      assertEquals(1, waits.size(), "the second waited for the first: " + waits);
      assertEquals(3, dbs.count(target, "SELECT count(*) FROM flyway_schema_history WHERE success"));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void baselineAdoptsAnExistingDatabase() {
    dbs.execute(target, "CREATE TABLE pets (id int PRIMARY KEY, name text)");
    assertEquals(ExitCode.OK, ferry("migrate", "--baseline", "1"), cli.output());
    assertTrue(cli.output().contains("baselined at version 1"), cli.output());
    assertEquals(ExitCode.OK, ferry("migrate"), cli.output());
    assertTrue(cli.output().contains("1 migration applied"), "only V2 ran: " + cli.output());
  }
}
