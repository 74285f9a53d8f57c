package dev.ferry.sync;

import static dev.ferry.sync.HardShapesSyncTest.describe;
import static dev.ferry.sync.HardShapesSyncTest.table;
import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.cli.CliHarness;
import dev.ferry.cli.ExitCode;
import dev.ferry.config.DatabaseUrl;
import dev.ferry.config.FerryConfig;
import dev.ferry.http.ApiServer;
import dev.ferry.plan.Mode;
import dev.ferry.plan.SyncOptions;
import dev.ferry.result.Phase;
import dev.ferry.result.PhaseOutcome;
import dev.ferry.result.RunStatus;
import dev.ferry.result.RunSummary;
import dev.ferry.result.Strategy;
import dev.ferry.result.TableResult;
import dev.ferry.testing.TestConfig;
import dev.ferry.testing.TestDatabases;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names that only survive when quoted (double quotes inside, spaces, unicode, reserved words, mixed case, ";" and
 * "--", "$", 63 bytes) through every sync mode and path, diff and its script, migrate, validate, backup and
 * restore; and table names from requests that are only ever looked up, never run.
 */
class OddIdentifiersSyncTest {
  static final String SCHEMA = "Ünïcødé 表 \"schéma\"";
  static final String PARENT = "Parent \"Table\"; DROP TABLE y; --";
  static final String BIG = "Bïg \"tâble\" $1; -- its name is as long as PostgreSQL allows!!";
  private static final String Q_SCHEMA = "\"Ünïcødé 表 \"\"schéma\"\"\"";
  private static final String Q_PARENT = Q_SCHEMA + ".\"Parent \"\"Table\"\"; DROP TABLE y; --\"";
  private static final String Q_BIG = Q_SCHEMA + ".\"Bïg \"\"tâble\"\" $1; -- its name is as long as PostgreSQL allows!!\"";
  private static final String Q_KEYLESS = Q_SCHEMA + ".\"no key; -- \"\"at all\"\"\"";
  private static final String HOSTILE_REQUEST = "x\"; DROP TABLE y; --";

  private Vertx vertx;
  private TestDatabases dbs;
  private CliHarness cli;
  private DatabaseUrl source;
  private DatabaseUrl target;
  @TempDir
  Path dir;
  private Path conf;

  @BeforeEach
  void setUp() throws IOException {
    vertx = Vertx.vertx();
    dbs = new TestDatabases(vertx);
    source = dbs.create("odd_src");
    target = dbs.create("odd_tgt");
    dbs.runScript(source, "schemas/odd_identifiers.sql");
    dbs.runScript(source, "schemas/odd_identifiers_data.sql");
    // Not the project's conf/ferry.yaml (the demo's tables and migrations): this test's own, small batches.
    conf = Files.writeString(dir.resolve("ferry.yaml"), "sync: {batchSize: 500, retryBaseDelayMs: 50}\n");
    cli = new CliHarness();
  }

  @AfterEach
  void tearDown() {
    cli.close();
    dbs.close();
    await(vertx.close());
  }

  private RunSummary sync(FerryConfig config, SyncOptions options) {
    RunSummary run = await(Syncs.runOnce(vertx, config, options));
    assertEquals(RunStatus.SUCCEEDED, run.status(), () -> describe(run));
    assertTrue(run.tables().stream().noneMatch(t -> t.outcome() == TableResult.Outcome.FAILED
        || t.outcome() == TableResult.Outcome.REFUSED), () -> describe(run));
    run.validation().forEach(v -> assertTrue(v.matches(), v.table() + ": " + v.detail()));
    return run;
  }

  /** Synced, and the target now holds exactly the source's rows. */
  private RunSummary syncEqual(SyncOptions options) {
    RunSummary run = sync(TestConfig.of(source, target), options);
    assertEquals(dbs.contentDigest(source), dbs.contentDigest(target), () -> describe(run));
    return run;
  }

  private int ferry(DatabaseUrl to, String... args) {
    return ferry(source, to, args);
  }

  private int ferry(DatabaseUrl from, DatabaseUrl to, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--source", from.toLibpqUrl(), "--target", to.toLibpqUrl(), "--config", conf.toString()));
    return cli.ferry(all.toArray(String[]::new));
  }

  private String indexes(DatabaseUrl db) {
    return dbs.text(db, "SELECT string_agg(indexdef, E'\\n' ORDER BY indexdef) FROM pg_indexes"
        + " WHERE schemaname NOT IN ('pg_catalog', 'ferry', 'ferry_backup')");
  }

  @Test
  void everySyncModeAndPathCopiesTheRowsExactly() {
    String bigName = SCHEMA + "." + BIG;
    String parentName = SCHEMA + "." + PARENT;
    dbs.runScript(target, "schemas/odd_identifiers.sql");
    assertEquals(63, dbs.count(source, "SELECT octet_length(relname) FROM pg_class WHERE oid = '" + Q_BIG.replace("'", "''")
        + "'::regclass"), "the table's name is as long as PostgreSQL allows, nothing was cut off");

    // Into empty tables: plain inserts (with the secondary indexes rebuilt) and the self-reference's second pass.
    RunSummary first = syncEqual(SyncOptions.defaults());
    assertEquals(50 + 400 + 3000 + 2500 + 20, first.tables().stream().mapToLong(TableResult::inserted).sum(),
        () -> describe(first));
    assertEquals(49, table(first, parentName).linked(), () -> describe(first));
    assertTrue(table(first, "order").path().contains("indexes Idx \"x\"; --, lower(x) $idx built after the load"),
        table(first, "order").path());

    // No row changed: the big keyed tables are compared by key ranges and nothing is written. An index the target
    // lacks is created, one only the target has is dropped.
    dbs.execute(target, "DROP INDEX public.\"Idx \"\"x\"\"; --\"; CREATE INDEX \"extra \"\"idx\"\"; --\" ON " + Q_BIG
        + " (\"Value \"\"v\"\"\")");
    RunSummary again = syncEqual(SyncOptions.defaults().withDropExtraIndexes(true));
    assertEquals(0, again.rowsWritten(), () -> describe(again));
    assertEquals(indexes(source), indexes(target));
    for (String big : List.of(bigName, "user")) {
      assertEquals(Strategy.DIFFERENTIAL, table(again, big).strategy(), big + ": " + table(again, big).path());
    }

    // Updates and inserts everywhere (incremental never deletes).
    dbs.execute(source, """
        UPDATE %1$s SET "select" = -"select", "Mood 😀" = 'semi;colon -- x' WHERE "ID" %% 7 = 0;
        INSERT INTO %1$s ("table", "Mood 😀") VALUES ('new; -- "row"', '$1'), ('表 new', 'it''s "complicated"');
        UPDATE %1$s SET "Reports To" = (SELECT max("ID") FROM %1$s) WHERE "ID" = 3;
        UPDATE public."order" SET "cost$usd" = 0.01, "x"";--" = 'changed "x"; --' WHERE "Line No." %% 40 = 0;
        INSERT INTO public."order" ("user", "Line No.", "parent ID", "x"";--") VALUES (1, 1001, 51, 'new');
        UPDATE %2$s SET "Value ""v""\" = 'changed ' || "Kéy ""id""\", "Mood" = 'Ünï 表' WHERE "Kéy ""id""\" IN (1, 1500, 3000);
        INSERT INTO %2$s ("Kéy ""id""\", "parent ID", "Value ""v""\") VALUES (3001, 52, 'new'), (-5, NULL, NULL);
        UPDATE public."user" SET "select" = 'changed; --' WHERE "n" IN (2, 1234);
        INSERT INTO public."user" VALUES ('new "tag"; --', 1, 'new');""".formatted(Q_PARENT, Q_BIG));
    RunSummary changes = syncEqual(SyncOptions.defaults());
    TableResult big = table(changes, bigName);
    assertEquals(Strategy.DIFFERENTIAL, big.strategy(), big.path());
    assertEquals(List.of(2L, 3L), List.of(big.inserted(), big.updated()), big::toString);
    TableResult users = table(changes, "user");
    assertEquals(Strategy.DIFFERENTIAL, users.strategy(), users.path());
    assertEquals(List.of(1L, 2L), List.of(users.inserted(), users.updated()), users::toString);
    TableResult parents = table(changes, parentName);
    assertEquals(List.of(2L, 7L, 1L), List.of(parents.inserted(), parents.updated(), parents.linked()), parents::toString);

    // Deletes: a mirror dry run changes nothing, then mirror deletes exactly those rows.
    dbs.execute(source, """
        DELETE FROM public."order" WHERE "Line No." IN (7, 8, 1001);
        DELETE FROM %1$s WHERE "Kéy ""id""\" IN (-5, 10, 2000);
        DELETE FROM public."user" WHERE "n" IN (3, 4) OR "Tag; --" = 'new "tag"; --';
        UPDATE %1$s SET "Value ""v""\" = NULL WHERE "Kéy ""id""\" = 11;""".formatted(Q_BIG));
    String before = dbs.contentDigest(target);
    RunSummary preview = sync(TestConfig.of(source, target), SyncOptions.defaults().withMode(Mode.MIRROR).withDryRun(true));
    assertEquals(3, table(preview, bigName).deleted(), () -> describe(preview));
    assertEquals(before, dbs.contentDigest(target), "a dry run writes nothing");
    RunSummary mirror = syncEqual(SyncOptions.defaults().withMode(Mode.MIRROR));
    assertEquals(List.of(3L, 3L, 3L), List.of(table(mirror, "order").deleted(), table(mirror, bigName).deleted(),
        table(mirror, "user").deleted()), () -> describe(mirror));
    assertEquals(Strategy.DIFFERENTIAL, table(mirror, bigName).strategy(), table(mirror, bigName).path());

    // Mirror kept the rows it deleted: rolling the run back puts them back.
    assertEquals(ExitCode.OK, ferry(target, "rollback", mirror.runId(), "--confirm-destructive"), cli.output());
    for (String t : List.of("public.\"order\"", Q_BIG, "public.\"user\"")) {
      assertEquals(dbs.count(source, "SELECT count(*) FROM " + t) + 3, dbs.count(target, "SELECT count(*) FROM " + t), t);
    }

    // Rebuild (after a backup of every table) and force, each after the keyless table changed.
    dbs.execute(source, "UPDATE " + Q_KEYLESS + " SET \"C\" = 7 WHERE \"C\" = 0");
    RunSummary rebuild = syncEqual(SyncOptions.defaults().withMode(Mode.REBUILD).withConfirm(true));
    assertTrue(rebuild.phases().stream().anyMatch(p -> p.phase() == Phase.BACKUP && p.outcome() == PhaseOutcome.OK),
        () -> describe(rebuild));
    dbs.execute(source, "INSERT INTO " + Q_KEYLESS + " VALUES ('forced \"row\"', NULL);"
        + " UPDATE public.\"order\" SET \"cost$usd\" = 9 WHERE \"Line No.\" = 9");
    syncEqual(SyncOptions.defaults().withMode(Mode.FORCE).withConfirm(true));

    // The CLI names one odd table the way a user types it: only that table is synced.
    dbs.execute(source, "UPDATE " + Q_BIG + " SET \"Value \"\"v\"\"\" = 'cli' WHERE \"Kéy \"\"id\"\"\" = 12;"
        + " UPDATE public.\"user\" SET \"select\" = 'not synced' WHERE \"n\" = 5");
    assertEquals(ExitCode.OK, ferry(target, "sync", "--tables", bigName), cli.output());
    assertTrue(cli.output().contains("wrote 1 row in 1 table"), cli.output());
    assertEquals("cli", dbs.text(target, "SELECT \"Value \"\"v\"\"\" FROM " + Q_BIG + " WHERE \"Kéy \"\"id\"\"\" = 12"));
    assertEquals("sel 5", dbs.text(target, "SELECT \"select\" FROM public.\"user\" WHERE \"n\" = 5"));
    assertEquals(ExitCode.OK, ferry(target, "sync"), cli.output());
    assertEquals(dbs.contentDigest(source), dbs.contentDigest(target));
  }

  @Test
  void aNaturalKeyMapsIdsThroughOddNames() {
    dbs.runScript(target, "schemas/odd_identifiers.sql");
    // The target's parents already exist under other ids: children must be pointed at them through "table".
    dbs.execute(target, "INSERT INTO " + Q_PARENT + " (\"ID\", \"table\") OVERRIDING SYSTEM VALUE"
        + " SELECT \"ID\" + 1000, \"table\" FROM (SELECT g AS \"ID\", 'row ' || g || CASE g % 3 WHEN 0 THEN ' \"q\"'"
        + " WHEN 1 THEN '; --' ELSE ' 表' END AS \"table\" FROM generate_series(1, 50) g) s");
    FerryConfig config = TestConfig.of(source, target, new JsonObject().put("tables", new JsonObject()
        .put(SCHEMA + "." + PARENT, new JsonObject().put("key", new JsonArray().add("table")))));
    RunSummary run = sync(config, SyncOptions.defaults());
    assertFalse(run.validation().isEmpty(), "validation compared the tables, remapped ids as natural keys");
    String parentsOfOrders = "SELECT string_agg(o.\"Line No.\" || '→' || p.\"table\" || '→' || coalesce(b.\"table\", '∅'),"
        + " ',' ORDER BY o.\"Line No.\") FROM public.\"order\" o JOIN " + Q_PARENT + " p ON p.\"ID\" = o.\"parent ID\""
        + " LEFT JOIN " + Q_PARENT + " b ON b.\"ID\" = p.\"Reports To\"";
    assertEquals(dbs.text(source, parentsOfOrders), dbs.text(target, parentsOfOrders));
    assertEquals(1001, dbs.count(target, "SELECT min(\"parent ID\") FROM " + Q_BIG), "target ids were kept");
    assertEquals(0, await(Syncs.runOnce(vertx, config, SyncOptions.defaults())).rowsWritten());
  }

  @Test
  void diffScriptAndMigrationRebuildTheSchemaOnEmptyDatabases() throws IOException {
    assertEquals(ExitCode.FAILED, ferry(target, "diff", "--exit-code"), cli.output());
    String report = cli.output();
    for (String object : List.of(Q_SCHEMA, Q_PARENT, Q_BIG, "public.\"order\"", "public.\"user\"", Q_KEYLESS,
        Q_SCHEMA + ".\"Mood \"\"enum\"\"; --\"", Q_SCHEMA + ".\"View \"\"v\"\"; --\"", "public.\"Idx \"\"x\"\"; --\"")) {
      assertTrue(report.contains("+ " + object), () -> "missing + " + object + " in\n" + report);
    }

    // The script, sent as one multi-statement query: the target then matches.
    assertEquals(ExitCode.OK, ferry(target, "diff", "--sql"), cli.output());
    String script = cli.stdout();
    assertFalse(script.contains("DESTRUCTIVE"), script);
    dbs.execute(target, script);
    assertEquals(ExitCode.OK, ferry(target, "diff", "--exit-code"), cli.output());
    assertTrue(cli.output().contains("The schemas match"), cli.output());
    assertEquals(dbs.count(source, "SELECT count(*) FROM pg_class WHERE relnamespace = " + literal(Q_SCHEMA) + "::regnamespace"),
        dbs.count(target, "SELECT count(*) FROM pg_class WHERE relnamespace = " + literal(Q_SCHEMA) + "::regnamespace"));

    // The same DDL as a migration, applied by `ferry migrate` (Flyway parses it, the lint reads it) to another one.
    DatabaseUrl migrated = dbs.create("odd_mig");
    Path migrations = Files.createDirectories(dir.resolve("migrations"));
    String locations = "filesystem:" + migrations;
    assertEquals(ExitCode.OK, ferry(migrated, "diff", "--write-migration", "odd names", "--locations", locations),
        cli.output());
    try (Stream<Path> files = Files.list(migrations)) {
      assertEquals(List.of("V1__odd_names.sql"), files.map(p -> p.getFileName().toString()).toList());
    }
    assertEquals(ExitCode.OK, ferry(migrated, "migrate", "--dry-run", "--locations", locations), cli.output());
    assertEquals(ExitCode.OK, ferry(migrated, "migrate", "--locations", locations), cli.output());
    assertEquals(ExitCode.OK, ferry(migrated, "diff", "--exit-code"), cli.output());
    assertEquals(ExitCode.OK, ferry(migrated, "migrations", "--locations", locations), cli.output());
    assertTrue(cli.output().contains("odd names"), cli.output());

    // Both rebuilt schemas take the rows.
    for (DatabaseUrl db : List.of(target, migrated)) {
      sync(TestConfig.of(source, db), SyncOptions.defaults());
      assertEquals(dbs.contentDigest(source), dbs.contentDigest(db));
    }
  }

  @Test
  void diffScriptAltersAndDropsOddObjects() {
    // A target that drifted in every way the script alters: column type, nullability, default, constraints
    // only on one side, an index and a view that differ, sequence settings, target-only column, sequence, type.
    dbs.runScript(target, "schemas/odd_identifiers.sql");
    dbs.execute(target, """
        ALTER TABLE public."order" ALTER COLUMN "x"";--" TYPE varchar(20);
        ALTER TABLE public."order" ALTER COLUMN "cost$usd" SET NOT NULL;
        ALTER TABLE %2$s ALTER COLUMN "Seq" DROP DEFAULT;
        ALTER TABLE %1$s DROP CONSTRAINT "Parent ""Table""; DROP TABLE y; --_table_key";
        ALTER TABLE %1$s ADD CONSTRAINT "check; --" CHECK ("select" > -1000);
        ALTER TABLE public."user" ADD COLUMN "extra ""col""\" int;
        DROP INDEX public."lower(x) $idx";
        CREATE INDEX "lower(x) $idx" ON public."order" (upper("x"";--"));
        CREATE OR REPLACE VIEW %3$s."View ""v""; --" AS
          SELECT p."table", count(o."user") AS "Orders ""n""\"
          FROM %1$s p LEFT JOIN public."order" o ON o."parent ID" = p."ID" WHERE p."ID" > 0 GROUP BY p."table";
        ALTER SEQUENCE %3$s."Seq ""s"" $1" INCREMENT 5;
        CREATE SEQUENCE public."only ""here""\";
        CREATE TYPE public."only; --" AS ENUM ('a');
        CREATE SEQUENCE public."order_Line No._seq" OWNED BY public."order"."Line No.";
        ALTER TABLE public."order" ALTER COLUMN "Line No." SET DEFAULT nextval('public."order_Line No._seq"');""".formatted(Q_PARENT, Q_BIG, Q_SCHEMA));
    assertEquals(ExitCode.OK, ferry(target, "diff", "--sql", "--unsafe"), cli.output());
    String script = cli.stdout();
    for (String statement : List.of("ALTER COLUMN \"x\"\";--\" TYPE text;", "ALTER COLUMN \"cost$usd\" DROP NOT NULL;",
        "ALTER COLUMN \"Seq\" SET DEFAULT nextval('\"Ünïcødé 表 \"\"schéma\"\"\".\"Seq \"\"s\"\" $1\"'::regclass);",
        "ADD CONSTRAINT \"Parent \"\"Table\"\"; DROP TABLE y; --_table_key\" UNIQUE (\"table\");",
        "DROP CONSTRAINT \"check; --\";", "DROP COLUMN \"extra \"\"col\"\"\";", "DROP INDEX public.\"lower(x) $idx\";",
        "DROP VIEW " + Q_SCHEMA + ".\"View \"\"v\"\"; --\";", "ALTER SEQUENCE " + Q_SCHEMA + ".\"Seq \"\"s\"\" $1\" AS bigint",
        "DROP SEQUENCE public.\"only \"\"here\"\"\";", "DROP TYPE public.\"only; --\";",
        "ALTER COLUMN \"Line No.\" DROP DEFAULT;", "DROP SEQUENCE public.\"order_Line No._seq\";")) {
      assertTrue(script.contains(statement), () -> "missing " + statement + " in\n" + script);
    }
    dbs.execute(target, script);
    assertEquals(ExitCode.OK, ferry(target, "diff", "--exit-code"), cli.output());
    String sequences = "SELECT string_agg(s, ', ' ORDER BY s) FROM (SELECT format('%I.%I', schemaname, sequencename) s FROM pg_sequences) q";
    assertEquals(dbs.text(source, sequences), dbs.text(target, sequences));
    sync(TestConfig.of(source, target), SyncOptions.defaults());
    assertEquals(dbs.contentDigest(source), dbs.contentDigest(target));

    // Against an empty source, the script drops every odd object: nothing of them is left.
    DatabaseUrl empty = dbs.create("odd_empty");
    assertEquals(ExitCode.OK, ferry(empty, target, "diff", "--sql", "--unsafe"), cli.output());
    dbs.execute(target, cli.stdout());
    assertEquals(ExitCode.OK, ferry(empty, target, "diff", "--exit-code"), cli.output());
    assertEquals(0, dbs.count(target, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        + " WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname NOT IN ('information_schema', 'ferry', 'ferry_backup')"));
    assertEquals(0, dbs.count(target, "SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
        + " WHERE t.typtype = 'e' AND n.nspname NOT LIKE 'pg\\_%'"));
  }

  @Test
  void validateBackupAndRestoreHandleOddNames() throws IOException {
    dbs.runScript(target, "schemas/odd_identifiers.sql");
    syncEqual(SyncOptions.defaults());
    // The parent keyed by its natural key: validate also looks for duplicates under it.
    Files.writeString(conf, new JsonObject().put("tables", new JsonObject().put(SCHEMA + "." + PARENT,
        new JsonObject().put("key", new JsonArray().add("table")))).encode());
    Path report = dir.resolve("report.json");
    assertEquals(ExitCode.OK, ferry(target, "validate", "--report", report.toString()), cli.output());
    assertTrue(cli.output().contains("✓ valid"), cli.output());
    // Each foreign key without an index comes with the statement that adds one; they run as printed.
    JsonArray unindexed = new JsonObject(Files.readString(report)).getJsonObject("target").getJsonArray("unindexedForeignKeys");
    assertEquals(3, unindexed.size(), unindexed::encodePrettily);
    unindexed.forEach(f -> dbs.execute(target, ((JsonObject) f).getString("suggestion")));
    assertEquals(ExitCode.OK, ferry(target, "validate", "--report", report.toString()), cli.output());
    assertEquals(0, new JsonObject(Files.readString(report)).getJsonObject("target").getJsonArray("unindexedForeignKeys").size());
    assertEquals(ExitCode.OK, ferry(target, "status"), cli.output());
    assertTrue(cli.output().contains("row counts match"), cli.output());

    String synced = dbs.contentDigest(target);
    assertEquals(ExitCode.OK, ferry(target, "backup"), cli.output());
    long id = Long.parseLong(cli.output().replaceAll("(?s).*#(\\d+).*", "$1"));
    assertTrue(cli.output().contains("in 5 tables"), cli.output());
    dbs.execute(target, "DELETE FROM public.\"order\" WHERE \"Line No.\" < 100; UPDATE " + Q_BIG
        + " SET \"Mood\" = NULL; DELETE FROM " + Q_KEYLESS + "; UPDATE " + Q_PARENT + " SET \"Reports To\" = NULL");
    assertNotEquals(synced, dbs.contentDigest(target));
    assertEquals(ExitCode.FAILED, ferry(target, "validate"), cli.output());

    assertEquals(ExitCode.OK, ferry(target, "restore", Long.toString(id), "--confirm-destructive"), cli.output());
    assertEquals(synced, dbs.contentDigest(target), "every odd table holds what it held when backed up");
    assertEquals(ExitCode.OK, ferry(target, "backups"), cli.output());
    assertTrue(cli.output().contains("restored"), cli.output());
    assertEquals(ExitCode.OK, ferry(target, "validate"), cli.output());

    // Backing up a single odd table by name, as typed.
    assertEquals(ExitCode.OK, ferry(target, "backup", "--tables", SCHEMA + "." + BIG), cli.output());
    assertTrue(cli.output().contains("3,000 rows in 1 table"), cli.output());
  }

  @Test
  void tableNamesFromRequestsAreLookedUpNeverExecuted() {
    dbs.runScript(target, "schemas/odd_identifiers.sql");
    for (DatabaseUrl db : List.of(source, target)) {
      dbs.execute(db, "CREATE TABLE y (id int PRIMARY KEY); INSERT INTO y VALUES (1)");
    }
    String before = dbs.contentDigest(target);

    for (String[] args : List.of(new String[] {"sync", "--tables", HOSTILE_REQUEST},
        new String[] {"sync", "--exclude", HOSTILE_REQUEST}, new String[] {"sync", "--dry-run", "--tables", HOSTILE_REQUEST},
        new String[] {"backup", "--tables", HOSTILE_REQUEST}, new String[] {"validate", "--tables", HOSTILE_REQUEST})) {
      // validate reports a comparison it could not plan as a finding (exit 1); the others refuse the flag (exit 2).
      int expected = args[0].equals("validate") ? ExitCode.FAILED : ExitCode.USAGE;
      assertEquals(expected, ferry(target, args), () -> String.join(" ", args) + "\n" + cli.output());
      assertTrue(cli.output().contains("no table 'x\"; DROP TABLE y; --'")
          || cli.output().contains("no table x\"; DROP TABLE y; --"), cli.output());
    }
    assertEquals(before, dbs.contentDigest(target));

    FerryConfig config = TestConfig.of(source, target, new JsonObject().put("api", new JsonObject()
        .put("port", 0).put("token", "odd-names-token-0123456789")));
    ApiServer server = new ApiServer(config, null, 60_000);
    String deployment = await(vertx.deployVerticle(server));
    WebClient http = WebClient.create(vertx);
    try {
      for (String field : List.of("tables", "exclude")) {
        HttpResponse<Buffer> refused = post(http, server.port(), new JsonObject().put(field, new JsonArray().add(HOSTILE_REQUEST)));
        assertEquals(400, refused.statusCode(), refused.bodyAsString());
        assertTrue(refused.bodyAsJsonObject().getString("detail").contains("no table 'x\"; DROP TABLE y; --'"),
            refused.bodyAsString());
      }
      // A real odd name, as the API is sent it, is found and synced.
      HttpResponse<Buffer> accepted = post(http, server.port(), new JsonObject().put("tables", new JsonArray()
          .add(SCHEMA + "." + PARENT).add("order").add("y")));
      assertEquals(202, accepted.statusCode(), accepted.bodyAsString());
      String runId = accepted.bodyAsJsonObject().getString("id");
      JsonObject run = awaitRun(http, server.port(), runId);
      assertEquals("succeeded", run.getString("status"), run.encodePrettily());
      assertEquals(450 + 49, run.getLong("rowsWritten"), "rows inserted, then the self-references linked: " + run.encodePrettily());
    } finally {
      http.close();
      await(vertx.undeploy(deployment));
    }
    for (DatabaseUrl db : List.of(source, target)) {
      assertEquals(1, dbs.count(db, "SELECT count(*) FROM y"), "y is still there");
    }
  }

  private static HttpResponse<Buffer> post(WebClient http, int port, JsonObject body) {
    return await(http.post(port, "127.0.0.1", "/api/v1/syncs").bearerTokenAuthentication("odd-names-token-0123456789")
        .sendJsonObject(body));
  }

  private static JsonObject awaitRun(WebClient http, int port, String id) {
    for (int i = 0; i < 600; i++) {
      JsonObject run = await(http.get(port, "127.0.0.1", "/api/v1/syncs/" + id)
          .bearerTokenAuthentication("odd-names-token-0123456789").send()).bodyAsJsonObject();
      if (!"running".equals(run.getString("status")) && !"cancelling".equals(run.getString("status"))) {
        return run;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("run " + id + " did not finish in 60 s");
  }

  private static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}
