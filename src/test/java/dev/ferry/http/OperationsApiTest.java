package dev.ferry.http;

import static dev.ferry.http.ServerFixture.READ_TOKEN;
import static dev.ferry.http.ServerFixture.TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.db.Side;
import dev.ferry.migrate.Migrations;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Everything past a sync, over the API on a real server: roll a run back and restore a backup (previewed, refused
 * without confirmation, refused to the read-only token, then done), validate, and schema drift written as a migration
 * and applied until the drift is gone. Equality is the test's own digest of every row's text, not Ferry's.
 */
class OperationsApiTest {
  private ServerFixture f;
  private Path migrations;

  @BeforeEach
  void start() throws IOException {
    migrations = Files.createTempDirectory("ferry-migrations");
    // As `ferry demo` sets them: the demo schema's migration inside Ferry, then the folder new ones are written to.
    f = new ServerFixture(new JsonObject(), new JsonObject(), new JsonObject()
        .put("migrations", new JsonObject().put("locations", new JsonArray(locations()))));
  }

  private List<String> locations() {
    return List.of("classpath:sql/demo/migrations", "filesystem:" + migrations);
  }

  @AfterEach
  void stop() throws IOException {
    f.close();
    try (var files = Files.walk(migrations)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private JsonObject run(String path, String body) {
    HttpResponse<Buffer> started = f.post(path, TOKEN, body);
    assertEquals(202, started.statusCode(), started::bodyAsString);
    return f.awaitRun(started.bodyAsJsonObject().getString("id"));
  }

  private static void assertProblem(HttpResponse<Buffer> r, int status, String detail) {
    assertEquals(status, r.statusCode(), r::bodyAsString);
    assertTrue(r.bodyAsJsonObject().getString("detail").contains(detail), r::bodyAsString);
  }

  @Test
  void aRunIsRolledBackAndTheRollbackRestoredFromTheBackupsList() {
    assertEquals("succeeded", run("/api/v1/syncs", "{}").getString("status"));
    String beforeRebuild = f.dbs.contentDigest(f.target);
    f.dbs.execute(f.source, "UPDATE animals SET name = name || ' (renamed)' WHERE id % 3 = 0");
    JsonObject rebuild = run("/api/v1/syncs", "{\"mode\":\"rebuild\",\"confirmDestructive\":true}");
    assertEquals("succeeded", rebuild.getString("status"), rebuild::encodePrettily);
    String afterRebuild = f.dbs.contentDigest(f.target);
    assertNotEquals(beforeRebuild, afterRebuild);
    String rollback = "/api/v1/syncs/" + rebuild.getString("id") + "/rollback";

    assertProblem(f.post(rollback, READ_TOKEN, "{\"confirmDestructive\":true}"), 403, "read-only");
    assertProblem(f.post(rollback, TOKEN, "{}"), 422, "confirmDestructive");
    assertProblem(f.post(rollback, TOKEN, "{\"confirm\":true}"), 400, "unknown field 'confirm'");
    JsonObject preview = f.post(rollback, TOKEN, "{\"dryRun\":true}").bodyAsJsonObject();
    assertTrue(preview.getBoolean("dryRun"));
    long animalsNow = f.dbs.count(f.target, "SELECT count(*) FROM animals");
    assertEquals(animalsNow, preview.getJsonObject("current").getLong("animals"), preview::encodePrettily);
    assertEquals(afterRebuild, f.dbs.contentDigest(f.target), "a preview changes nothing");

    HttpResponse<Buffer> done = f.post(rollback, TOKEN, "{\"confirmDestructive\":true}");
    assertEquals(200, done.statusCode(), done::bodyAsString);
    assertEquals(beforeRebuild, f.dbs.contentDigest(f.target), "the rollback put back the rows from before the run");

    // What the rollback replaced was backed up first: restoring that backup brings the rebuild's rows back.
    JsonArray backups = f.get("/api/v1/backups", READ_TOKEN).bodyAsJsonObject().getJsonArray("backups");
    JsonObject replaced = backups.stream().map(JsonObject.class::cast)
        .filter(b -> b.getString("reason").startsWith("before restoring backup #")).findFirst().orElseThrow();
    assertTrue(replaced.getLong("rows") > 0, replaced::encodePrettily);
    HttpResponse<Buffer> restored = f.post("/api/v1/backups/" + replaced.getLong("id") + "/restore", TOKEN,
        "{\"confirmDestructive\":true}");
    assertEquals(200, restored.statusCode(), restored::bodyAsString);
    assertEquals(afterRebuild, f.dbs.contentDigest(f.target));

    assertProblem(f.post("/api/v1/backups/987654/restore", TOKEN, "{\"dryRun\":true}"), 404, "no backup #987654");
    assertProblem(f.post("/api/v1/backups/abc/restore", TOKEN, "{}"), 404, "backup ids are numbers");
    String firstRun = f.get("/api/v1/syncs?limit=100", TOKEN).bodyAsJsonObject().getJsonArray("items").stream()
        .map(JsonObject.class::cast).filter(r -> "incremental".equals(r.getString("mode"))).findFirst().orElseThrow()
        .getString("id");
    assertProblem(f.post("/api/v1/syncs/" + firstRun + "/rollback", TOKEN, "{\"dryRun\":true}"), 404, "took no backup");
  }

  @Test
  void aRunNamesSampleKeysOfWhatItInsertedUpdatedAndDeleted() {
    run("/api/v1/syncs", "{}");
    f.dbs.execute(f.source, "INSERT INTO animals (id, organization_id, external_id, name) SELECT 900001, organization_id,"
        + " 'new-1', 'Newcomer' FROM animals ORDER BY id LIMIT 1;"
        + " UPDATE animals SET name = 'Renamed' WHERE id IN (SELECT id FROM animals ORDER BY id LIMIT 2);"
        + " DELETE FROM animals WHERE id = (SELECT max(id) FROM animals WHERE id < 900001)");
    long gone = f.dbs.count(f.target, "SELECT max(id) FROM animals");
    String[] renamed = f.dbs.text(f.source, "SELECT string_agg('id=' || id, ',' ORDER BY id) FROM animals"
        + " WHERE name = 'Renamed'").split(",");
    JsonObject done = run("/api/v1/syncs", "{\"mode\":\"mirror\"}");
    JsonObject animals = done.getJsonObject("summary").getJsonArray("tables").stream().map(JsonObject.class::cast)
        .filter(t -> "animals".equals(t.getString("table"))).findFirst().orElseThrow();
    JsonObject samples = animals.getJsonObject("samples");
    assertEquals(new JsonArray().add("id=900001"), samples.getJsonArray("inserted"), animals::encodePrettily);
    assertEquals(new JsonArray().add(renamed[0]).add(renamed[1]), samples.getJsonArray("updated"), animals::encodePrettily);
    assertEquals(new JsonArray().add("id=" + gone), samples.getJsonArray("deleted"), animals::encodePrettily);
  }

  @Test
  void aValidationIsARunThatWritesNothing() {
    JsonObject failed = run("/api/v1/validations", "{}");
    assertEquals("validate", failed.getString("mode"));
    assertEquals("failed", failed.getString("status"), "the target is empty: " + failed.getString("message"));
    assertEquals(0, f.dbs.count(f.target, "SELECT count(*) FROM animals"));
    run("/api/v1/syncs", "{}");
    JsonObject valid = run("/api/v1/validations", "{\"tables\":[\"organizations\",\"animals\"]}");
    assertEquals("succeeded", valid.getString("status"), valid::encodePrettily);
    JsonArray checked = valid.getJsonObject("summary").getJsonArray("validation");
    assertEquals(2, checked.size(), checked::encodePrettily);
    checked.forEach(c -> assertTrue(((JsonObject) c).getBoolean("matches"), checked::encodePrettily));
    assertProblem(f.post("/api/v1/validations", TOKEN, "{\"mode\":\"mirror\"}"), 400, "unknown field 'mode'");
    assertProblem(f.post("/api/v1/validations", READ_TOKEN, "{}"), 403, "read-only");
  }

  @Test
  void driftIsWrittenAsAMigrationAndAppliedUntilItIsGone() throws IOException {
    JsonObject unadopted = f.get("/api/v1/drift", TOKEN).bodyAsJsonObject().getJsonObject("migrations");
    assertTrue(unadopted.getString("error").contains("no migration history"), unadopted::encodePrettily);
    // As a user would with `ferry migrate --baseline 1`: the target is at the demo schema's migration.
    new Migrations(Side.TARGET, f.target, locations()).baseline("1", line -> {});
    f.dbs.execute(f.source, "ALTER TABLE animals ADD COLUMN collar_colour text");
    HttpResponse<Buffer> read = f.get("/api/v1/drift", READ_TOKEN);
    assertEquals(200, read.statusCode(), read::bodyAsString);
    JsonObject drift = read.bodyAsJsonObject();
    JsonObject change = drift.getJsonArray("changes").stream().map(JsonObject.class::cast)
        .filter(c -> c.getString("object").contains("collar_colour")).findFirst()
        .orElseThrow(() -> new AssertionError(drift.encodePrettily()));
    assertTrue(change.getString("sql").contains("ADD COLUMN"), change::encodePrettily);
    assertEquals(0, drift.getJsonObject("migrations").getJsonArray("pending").size());

    assertProblem(f.post("/api/v1/migrations", READ_TOKEN, "{\"name\":\"collar\"}"), 403, "read-only");
    assertProblem(f.post("/api/v1/migrations", TOKEN, "{\"name\":\"../../etc/passwd\"}"), 400, "letters, digits");
    HttpResponse<Buffer> written = f.post("/api/v1/migrations", TOKEN, "{\"name\":\"collar colour\"}");
    assertEquals(201, written.statusCode(), written::bodyAsString);
    String file = written.bodyAsJsonObject().getString("file");
    assertEquals("V2__collar_colour.sql", file, "above V1, which is in another location (the classpath)");
    assertTrue(Files.readString(migrations.resolve(file)).contains("collar_colour"));

    JsonObject pending = f.get("/api/v1/drift", TOKEN).bodyAsJsonObject().getJsonObject("migrations");
    assertEquals("2", pending.getJsonArray("pending").getJsonObject(0).getString("version"), pending::encodePrettily);
    JsonObject preview = f.post("/api/v1/migrate", TOKEN, "{\"dryRun\":true}").bodyAsJsonObject();
    assertEquals(0, preview.getJsonArray("applied").size());
    assertEquals(0, f.dbs.count(f.target, "SELECT count(*) FROM information_schema.columns WHERE column_name = 'collar_colour'"));

    HttpResponse<Buffer> applied = f.post("/api/v1/migrate", TOKEN, "{}");
    assertEquals(200, applied.statusCode(), applied::bodyAsString);
    assertEquals("2 collar colour", applied.bodyAsJsonObject().getJsonArray("applied").getString(0));
    JsonObject after = f.get("/api/v1/drift", TOKEN).bodyAsJsonObject();
    assertEquals(0, after.getJsonArray("changes").size(), after::encodePrettily);
    assertEquals(0, after.getJsonObject("migrations").getJsonArray("pending").size());
    assertProblem(f.post("/api/v1/migrations", TOKEN, "{\"name\":\"again\"}"), 409, "the schemas match");

    // A destructive migration is refused until confirmed; the table it drops is backed up first.
    Files.writeString(migrations.resolve("V3__drop_walks.sql"), "DROP TABLE walks;");
    f.dbs.execute(f.target, "CREATE TABLE walks (id int PRIMARY KEY); INSERT INTO walks VALUES (1), (2)");
    assertProblem(f.post("/api/v1/migrate", TOKEN, "{}"), 422, "drops or deletes data");
    JsonObject dropped = f.post("/api/v1/migrate", TOKEN, "{\"confirmDestructive\":true}").bodyAsJsonObject();
    assertEquals("3 drop walks", dropped.getJsonArray("applied").getString(0), dropped::encodePrettily);
    long backupId = dropped.getLong("backup");
    JsonObject backup = f.get("/api/v1/backups", TOKEN).bodyAsJsonObject().getJsonArray("backups").stream()
        .map(JsonObject.class::cast).filter(b -> b.getLong("id") == backupId).findFirst().orElseThrow();
    assertEquals(2, backup.getLong("rows"), backup::encodePrettily);
  }
}
