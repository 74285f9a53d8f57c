package dev.ferry.cli;

import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.testing.TestDatabases;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `ferry validate` (seed 004's checks) and `ferry setup` (migrate → sync → validate → status). */
class ValidateAndSetupTest {
  private static final String SCHEMA = """
      CREATE TABLE orgs (id int PRIMARY KEY, code text NOT NULL);
      CREATE TABLE pets (id int PRIMARY KEY, org_id int, name text);""";
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
    source = dbs.create("val_src");
    target = dbs.create("val_tgt");
  }

  @AfterEach
  void tearDown() {
    cli.close();
    dbs.close();
    await(vertx.close());
  }

  private int ferry(String... extra) {
    List<String> args = new ArrayList<>(List.of(extra));
    args.addAll(List.of("--source", source.toLibpqUrl(), "--target", target.toLibpqUrl()));
    return cli.ferry(args.toArray(String[]::new));
  }

  @Test
  void validateComparesWithTheSourceAndFindsOrphansAndUnindexedForeignKeys() throws IOException {
    String fk = "ALTER TABLE pets ADD CONSTRAINT pets_org FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID;";
    dbs.execute(source, SCHEMA + "INSERT INTO orgs VALUES (1, 'a'), (2, 'b'); INSERT INTO pets VALUES (1, 1, 'Rex');" + fk);
    dbs.execute(target, SCHEMA + "INSERT INTO orgs VALUES (1, 'a'), (2, 'B'); INSERT INTO pets VALUES (1, 99, 'Rex');" + fk);
    Path report = dir.resolve("report.json");

    assertEquals(ExitCode.FAILED, ferry("validate", "--report", report.toString()), cli.output());
    String out = cli.output();
    assertTrue(out.contains("✗ orgs"), out);
    assertTrue(out.contains("same row count but contents differ"), out);
    assertTrue(out.contains("✗ pets.pets_org: 1 rows"), out);
    assertTrue(out.contains("pets.pets_org [org_id] → CREATE INDEX CONCURRENTLY ON \"public\".\"pets\" (\"org_id\")"), out);
    assertTrue(out.contains("Largest tables on the target"), out);
    JsonObject json = new JsonObject(Files.readString(report));
    assertEquals(2, json.getJsonObject("comparison").getJsonArray("validation").size());
    assertEquals(1, json.getJsonObject("target").getJsonArray("orphans").size());
    assertEquals(1, json.getJsonObject("target").getJsonArray("unindexedForeignKeys").size());
    assertEquals(0, dbs.count(target, "SELECT count(*) FROM pg_namespace WHERE nspname = 'ferry'"), "validate writes nothing");

    dbs.execute(target, "UPDATE orgs SET code = 'b' WHERE id = 2; UPDATE pets SET org_id = 1; CREATE INDEX ON pets (org_id)");
    assertEquals(ExitCode.OK, ferry("validate"), cli.output());
    assertTrue(cli.output().contains("✓ valid"), cli.output());
  }

  @Test
  void validateFindsDuplicatesThatNothingPreventsAnyMore() throws IOException {
    dbs.execute(source, SCHEMA + "CREATE UNIQUE INDEX orgs_code ON orgs (code); INSERT INTO orgs VALUES (1, 'a'), (2, 'b');");
    dbs.execute(target, SCHEMA + "INSERT INTO orgs VALUES (1, 'a'), (2, 'a'), (3, 'c'), (4, 'c');");
    // What a failed CREATE UNIQUE INDEX CONCURRENTLY leaves behind: an invalid index that enforces nothing.
    try {
      dbs.execute(target, "CREATE UNIQUE INDEX CONCURRENTLY orgs_code ON orgs (code)");
    } catch (RuntimeException expected) {
      // 23505: the duplicates
    }
    Path conf = dir.resolve("ferry.yaml");
    Files.writeString(conf, "tables: {orgs: {key: [code]}}\n");
    assertEquals(ExitCode.FAILED, ferry("validate", "--config", conf.toString()), cli.output());
    String out = cli.output();
    assertTrue(out.contains("✗ orgs [code]: 2 values appear more than once"), out);
    assertTrue(out.contains("could not compare: tables.orgs.key"), "the comparison's own refusal is reported: " + out);
  }

  @Test
  void setupMigratesSyncsValidatesAndReportsAndItsDryRunChangesNothing() throws IOException {
    Path migrations = Files.createDirectories(dir.resolve("migrations"));
    Files.writeString(migrations.resolve("V1__schema.sql"), SCHEMA);
    dbs.execute(source, SCHEMA + "INSERT INTO orgs VALUES (1, 'a'), (2, 'b'); INSERT INTO pets VALUES (1, 1, 'Rex');");
    String location = "filesystem:" + migrations;

    assertEquals(ExitCode.OK, ferry("setup", "--dry-run", "--locations", location), cli.output());
    assertTrue(cli.output().contains("Step 4/4: status"), cli.output());
    assertEquals(0, dbs.count(target, "SELECT count(*) FROM pg_class WHERE relname IN ('orgs', 'pets')"),
        "a dry run applies no migration");

    assertEquals(ExitCode.OK, ferry("setup", "--locations", location), cli.output());
    String out = cli.output();
    assertTrue(out.indexOf("1 migration applied") < out.indexOf("wrote 3 rows"), out);
    assertTrue(out.contains("✓ valid"), out);
    assertTrue(out.contains("migrations     source no history, target at V1"), out);
    assertTrue(out.contains("✓ setup complete"), out);
    assertEquals(dbs.contentDigest(source), dbs.contentDigest(target));
  }

  @Test
  void setupStopsAtTheFirstStepThatFails() throws IOException {
    Path migrations = Files.createDirectories(dir.resolve("migrations"));
    Files.writeString(migrations.resolve("V1__schema.sql"), SCHEMA + "\nDROP TABLE IF EXISTS old_pets;");
    dbs.execute(source, SCHEMA + "INSERT INTO orgs VALUES (1, 'a');");
    assertEquals(ExitCode.REFUSED, ferry("setup", "--locations", "filesystem:" + migrations), cli.output());
    assertTrue(cli.output().contains("setup stopped at step 1 (migrate the target)"), cli.output());
    assertTrue(!cli.output().contains("Step 2/4"), "nothing after the failed step runs");
  }
}
