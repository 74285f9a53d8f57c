package dev.ferry.pull;

import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.backup.Backups;
import dev.ferry.config.DatabaseUrl;
import dev.ferry.config.FerryConfig;
import dev.ferry.migrate.Migrations;
import dev.ferry.plan.SyncOptions;
import dev.ferry.result.RunStatus;
import dev.ferry.result.RunSummary;
import dev.ferry.sync.Direction;
import dev.ferry.testing.Pulls;
import dev.ferry.testing.TestConfig;
import dev.ferry.testing.TestDatabases;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * `ferry pull` on real databases: production read by a role that may only SELECT, and left exactly as it was; the
 * rules applied on production (no original value of a ruled column anywhere locally, a masked natural key still
 * joining its children); two pulls give identical local data; a re-pull writes exactly the changed rows and keeps a
 * row only the developer has; rules that cannot run are refused before any row moves. Equality is the test's own
 * reading of row text.
 */
class PullTest {
  private static final String SALT = "test-salt-0123456789";
  private static final String TABLES = "SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid ="
      + " c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'";

  private Vertx vertx;
  private TestDatabases dbs;
  private DatabaseUrl production;
  private DatabaseUrl readOnly;
  private DatabaseUrl local;
  private String role;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    dbs = new TestDatabases(vertx);
    production = dbs.create("pull_prod");
    DatabaseUrl scratch = dbs.create("pull_scratch");
    local = dbs.create("pull_local");
    dbs.loadRescueDogs(production, scratch);
    dbs.execute(production, "UPDATE animals SET name = 'SECRET-NAME-' || id WHERE id % 7 = 0");
    // Production's schema is the demo's migration V1, as Flyway records it.
    new Migrations(production, List.of("classpath:sql/demo/migrations")).baseline("1", line -> { });
    role = "ferry_ro_" + UUID.randomUUID().toString().substring(0, 8);
    dbs.onServer("CREATE ROLE " + role + " LOGIN");
    dbs.execute(production, "GRANT USAGE ON SCHEMA public TO " + role + "; GRANT SELECT ON ALL TABLES IN SCHEMA public TO "
        + role + "; GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO " + role);
    readOnly = DatabaseUrl.parse(production.toLibpqUrl().replace("postgresql://postgres@", "postgresql://" + role + "@"),
        "test");
  }

  @AfterEach
  void tearDown() {
    try {
      dbs.execute(production, "DROP OWNED BY " + role);
      dbs.onServer("DROP ROLE IF EXISTS " + role);
    } finally {
      dbs.close();
      await(vertx.close());
    }
  }

  /** A pull's configuration, as the team's conf/ferry.yaml has it: source = local, target = production. */
  private FerryConfig config(DatabaseUrl into, JsonObject rules) {
    return TestConfig.of(into, readOnly, new JsonObject()
        .put("tables", new JsonObject().put("organizations", new JsonObject().put("key", new JsonArray().add("config_id"))))
        .put("rules", rules)).forPull();
  }

  private static JsonObject rules() {
    return new JsonObject()
        .put("animals.name", "name")
        .put("*.adoption_url", "redact")
        // Both spell the organization's config_id (and social_media holds an email and an IBAN).
        .put("*.website_url", "redact")
        .put("organizations.social_media", new JsonObject().put("value", "{}"))
        // Image links spell it too; an adoption check keeps everything but the page it was redirected to.
        .put("*.primary_image_url", "null")
        .put("animals.adoption_check_data", new JsonObject().put("sql", "CASE WHEN jsonb_typeof(adoption_check_data)"
            + " = 'object' THEN adoption_check_data - 'redirect' ELSE adoption_check_data END"))
        .put("organizations.config_id", new JsonObject().put("text", new JsonObject()).put("injective", true));
  }

  private RunSummary pull(FerryConfig config, SyncOptions options, String salt) {
    return Pulls.run(vertx, config, options, Direction.pull(salt));
  }

  /** What production is: its relations and every row's text. */
  private String productionState() {
    return dbs.text(production, "SELECT string_agg(r, ',' ORDER BY r) FROM (" + TABLES + ") t(r)") + " | "
        + dbs.contentDigest(production);
  }

  @Test
  void aPullMasksOnProductionWritesNothingThereAndRepullsOnlyChanges() {
    String before = productionState();
    RunSummary first = pull(config(local, rules()), SyncOptions.defaults(), SALT);
    assertTrue(first.tables().stream().allMatch(t -> t.path().contains("into empty table")), "a first pull loads: " + first.tables());
    assertEquals(RunStatus.SUCCEEDED, first.status(), first::message);
    // Masked values are cast back to their column's type on production, so ruled rows travel as binary COPY too.
    assertTrue(first.tables().stream().anyMatch(t -> t.table().endsWith("animals") && t.path().startsWith("binary COPY")),
        "animals went as binary COPY: " + first.tables());
    assertEquals(before, productionState(), "production is exactly as it was: no ferry schema, no rows changed");
    for (String t : List.of("organizations", "animals", "scrape_logs", "service_regions")) {
      assertEquals(dbs.count(production, "SELECT count(*) FROM " + t), dbs.count(local, "SELECT count(*) FROM " + t), t);
    }
    assertEquals("1", dbs.text(local, "SELECT string_agg(version, ',') FROM flyway_schema_history WHERE success"),
        "production's migrations are in the local history");

    // No original value of a ruled column is anywhere in the local database, in any table.
    List<String> originals = new ArrayList<>();
    dbs.execute(production, "SELECT name FROM animals WHERE name LIKE 'SECRET-NAME-%' UNION ALL SELECT adoption_url"
        + " FROM animals WHERE adoption_url IS NOT NULL AND id % 60 = 0 UNION ALL SELECT config_id FROM organizations")
        .forEach(r -> originals.add(r.getString(0)));
    assertTrue(originals.size() > 200, "enough originals to look for: " + originals.size());
    String values = "ARRAY[" + String.join(", ", originals.stream().map(v -> "'" + v.replace("'", "''") + "'").toList()) + "]";
    for (String t : List.of("organizations", "animals", "scrape_logs", "service_regions")) {
      assertEquals(0, dbs.count(local, "SELECT count(*) FROM " + t + " x WHERE EXISTS (SELECT 1 FROM unnest(" + values
          + ") v WHERE strpos(x::text, v) > 0)"), "an original value came through in " + t);
    }
    // The masked natural key still joins every child to its parent.
    assertEquals(dbs.count(local, "SELECT count(*) FROM animals"), dbs.count(local, "SELECT count(*) FROM animals a"
        + " JOIN organizations o ON o.id = a.organization_id"));
    assertNotEquals(dbs.text(production, "SELECT string_agg(config_id, ',' ORDER BY config_id) FROM organizations"),
        dbs.text(local, "SELECT string_agg(config_id, ',' ORDER BY config_id) FROM organizations"));

    // Deterministic: another pull into another database gives the same rows.
    DatabaseUrl other = dbs.create("pull_other");
    assertEquals(RunStatus.SUCCEEDED, pull(config(other, rules()), SyncOptions.defaults(), SALT).status());
    assertEquals(dbs.contentDigest(local), dbs.contentDigest(other), "two pulls, one result");

    // A day later: production changed three rows, the developer added one of their own.
    dbs.execute(production, "UPDATE animals SET status = 'adopted yesterday' WHERE id IN (SELECT id FROM animals ORDER BY"
        + " id LIMIT 3)");
    dbs.execute(local, "INSERT INTO scrape_logs (id, organization_id, status) SELECT 999999, min(id), 'mine' FROM"
        + " organizations");
    assertEquals(0, dbs.count(local, "SELECT count(*) FROM ferry.backups"),
        "pulls into empty tables lose nothing, so they back nothing up");
    RunSummary again = pull(config(local, rules()), SyncOptions.defaults(), SALT);
    assertEquals(RunStatus.SUCCEEDED, again.status(), () -> again.message() + " " + again.validation() + " "
        + again.tables());
    assertEquals(3, again.rowsWritten(), again::message);
    assertTrue(path(again, "animals").contains("since run " + first.runId() + " verified"),
        "the first pull's claim spared the unchanged ranges: " + path(again, "animals"));
    assertEquals("mine", dbs.text(local, "SELECT status FROM scrape_logs WHERE id = 999999"), "a local-only row survives");
    assertEquals(3, dbs.count(local, "SELECT count(*) FROM animals WHERE status = 'adopted yesterday'"));
    // The three local rows it overwrote were kept first, and a restore puts their old values back.
    List<Backups.Info> backups = await(Backups.onTarget(vertx, config(local, rules()), Backups::list));
    assertEquals(1, backups.size());
    assertEquals("local rows a pull replaced or deleted", backups.get(0).reason());
    assertEquals(3, backups.get(0).rows());
    RunSummary nothing = pull(config(local, rules()), SyncOptions.defaults(), SALT);
    assertEquals(0, nothing.rowsWritten());
    assertEquals(1, await(Backups.onTarget(vertx, config(local, rules()), Backups::list)).size(),
        "a pull that wrote nothing keeps no backup");
    await(Backups.onTarget(vertx, config(local, rules()), b -> b.restore(backups.get(0).id())));
    assertEquals(0, dbs.count(local, "SELECT count(*) FROM animals WHERE status = 'adopted yesterday'"));
    assertEquals("mine", dbs.text(local, "SELECT status FROM scrape_logs WHERE id = 999999"));

    // The developer edits a pulled row: the next pull puts production's version back, and says so (over the three
    // rows the restore took back to their old values, too).
    String masked = dbs.text(local, "SELECT name FROM animals WHERE id = 14");
    dbs.execute(local, "UPDATE animals SET name = 'edited here' WHERE id = 14");
    RunSummary back = pull(config(local, rules()), SyncOptions.defaults(), SALT);
    assertEquals(RunStatus.SUCCEEDED, back.status(), back::message);
    assertEquals(masked, dbs.text(local, "SELECT name FROM animals WHERE id = 14"));
    assertTrue(path(back, "animals").contains("production's version put back over 4 rows changed here"),
        path(back, "animals"));

    // Another rule, or another salt, and the claim no longer holds: every row is compared again.
    JsonObject more = rules().put("animals.breed", "redact");
    RunSummary ruled = pull(config(local, more), SyncOptions.defaults(), SALT);
    assertEquals(RunStatus.SUCCEEDED, ruled.status(), ruled::message);
    assertTrue(!path(ruled, "animals").contains("verified"), "a new rule voids the claim: " + path(ruled, "animals"));
    assertEquals(0, dbs.count(local, "SELECT count(*) FROM animals WHERE breed ~ '[a-wyz]'"), "every breed redacted");
    RunSummary settled = pull(config(local, more), SyncOptions.defaults(), SALT);
    assertTrue(path(settled, "animals").contains("since run " + ruled.runId() + " verified"), path(settled, "animals"));
    RunSummary salted = pull(config(local, more), SyncOptions.defaults(), SALT + "-rotated");
    assertEquals(RunStatus.SUCCEEDED, salted.status(), salted::message);
    assertTrue(!path(salted, "animals").contains("verified"), path(salted, "animals"));
    assertNotEquals(masked, dbs.text(local, "SELECT name FROM animals WHERE id = 14"), "another salt, other names");
  }

  private static String path(RunSummary s, String table) {
    return s.tables().stream().filter(t -> t.table().equals(table)).findFirst().orElseThrow().path();
  }

  @Test
  void rulesThatCannotRunAreRefusedBeforeAnyRowMoves() {
    // A hash of the natural key could give two organizations one key: refused, naming the key.
    JsonObject breaksUnique = rules().put("organizations.config_id", "text");
    RunSummary refused = pull(config(local, breaksUnique), SyncOptions.defaults(), SALT);
    assertEquals(RunStatus.REFUSED, refused.status());
    assertTrue(refused.message().contains("organizations.config_id") && refused.message().contains("unique key"),
        refused::message);
    assertEquals(0, dbs.count(local, "SELECT count(*) FROM animals"), "no row moved");

    // No salt: the hashes would not be secret.
    RunSummary unsalted = pull(config(local, rules()), SyncOptions.defaults(), null);
    assertEquals(RunStatus.REFUSED, unsalted.status());
    assertTrue(unsalted.message().contains("FERRY_MASK_SALT"), unsalted::message);

    // Strict: every column classified; a column a migration added last week is named.
    JsonObject strict = new JsonObject().put("strict", true);
    for (String c : List.of("id", "organization_id", "country", "region", "active", "created_at")) {
      strict.put("service_regions." + c, "keep");
    }
    SyncOptions regions = SyncOptions.defaults().withTables(List.of("service_regions", "organizations"));
    strict.put("organizations.*", "keep");
    assertEquals(RunStatus.SUCCEEDED, pull(config(local, strict), regions, SALT).status());
    dbs.execute(production, "ALTER TABLE service_regions ADD COLUMN contact_email text");
    RunSummary unclassified = pull(config(local, strict), regions, SALT);
    assertEquals(RunStatus.REFUSED, unclassified.status());
    assertTrue(unclassified.message().contains("service_regions: no rule classifies contact_email"), unclassified::message);
  }
}
