package dev.ferry.cli;

import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.schema.Change;
import dev.ferry.schema.Drift;
import dev.ferry.testing.TestConfig;
import dev.ferry.testing.TestDatabases;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `ferry diff` on two schemas that drifted apart in every way it knows: extensions, enums, domains, partitions,
 * column types, defaults, nullability, constraints, partial and expression indexes, views, target-only objects.
 */
class DiffCommandTest {
  private Vertx vertx;
  private TestDatabases dbs;
  private CliHarness cli;
  private DatabaseUrl source;
  private DatabaseUrl target;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    dbs = new TestDatabases(vertx);
    cli = new CliHarness();
    source = dbs.create("diff_src");
    target = dbs.create("diff_tgt");
    dbs.runScript(source, "drift/source.sql");
    dbs.runScript(target, "drift/target.sql");
  }

  @AfterEach
  void tearDown() {
    cli.close();
    dbs.close();
    await(vertx.close());
  }

  private String[] args(String... extra) {
    String[] base = {"diff", "--source", source.toLibpqUrl(), "--target", target.toLibpqUrl()};
    String[] out = new String[base.length + extra.length];
    System.arraycopy(base, 0, out, 0, base.length);
    System.arraycopy(extra, 0, out, base.length, extra.length);
    return out;
  }

  private List<Change> changes() {
    return await(Drift.compare(vertx, TestConfig.of(source, target)));
  }

  @Test
  void driftIsReportedThenReconciledByTheGeneratedSql() {
    assertEquals(ExitCode.FAILED, cli.ferry(args("--exit-code")), cli.output());
    String report = cli.output();
    for (String expected : List.of("+ pg_trgm", "enum value 'new' only on the source", "+ app.email", "+ app.events ",
        "+ app.events_2026", "type character varying(100) on the target, character varying(200)", "+ app.dogs_active",
        "+ app.dogs_name_trgm", "dogs_weight_check", "+ app.active_names", "- app.orgs.phone", "- legacy.stuff",
        "- legacy ", "[destructive]")) {
      assertTrue(report.contains(expected), () -> "missing '" + expected + "' in\n" + report);
    }

    // Without --unsafe the drops are only comments: applying the script keeps the target's extra column.
    assertEquals(ExitCode.OK, cli.ferry(args("--sql")), cli.output());
    String safe = cli.output();
    assertTrue(safe.contains("-- DESTRUCTIVE (column only on the target (its data would be lost)): ALTER TABLE app.orgs DROP COLUMN phone;"), safe);
    assertTrue(safe.indexOf("CREATE TABLE app.events ") < safe.indexOf("CREATE TABLE app.events_2026"), "parents first");
    assertTrue(safe.indexOf("CREATE VIEW app.active_dogs") < safe.indexOf("CREATE VIEW app.active_names"), "views in order");
    assertTrue(safe.indexOf("ADD CONSTRAINT orgs_name_key") < safe.indexOf("ADD CONSTRAINT dogs_org_id_fkey"), "keys before FKs");

    // Applied statement by statement, as psql would, in the order given: the target then matches.
    for (Change c : changes()) {
      if (!c.manual()) {
        dbs.execute(target, c.sql());
      }
    }
    assertEquals(ExitCode.OK, cli.ferry(args("--exit-code")), cli.output());
    assertTrue(cli.output().contains("The schemas match"), cli.output());
  }

  @Test
  void writeMigrationSavesTheNextVersionedFile(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("V1__init.sql"), "-- init");
    Files.writeString(dir.resolve("V7_1__later.sql"), "-- later");
    assertEquals(ExitCode.OK, cli.ferry(args("--write-migration", "Sync app schema!", "--locations", "filesystem:" + dir)),
        cli.output());
    Path written = dir.resolve("V8__sync_app_schema.sql");
    assertTrue(Files.exists(written), cli.output());
    String sql = Files.readString(written);
    assertTrue(sql.contains("CREATE TABLE app.events"));
    assertTrue(sql.contains("-- DESTRUCTIVE"), "destructive statements stay commented in a written migration");
    assertFalse(sql.contains("password"));
  }

  @Test
  void identicalSchemasHaveNoDifferences() {
    dbs.execute(target, "DROP SCHEMA app CASCADE; DROP SCHEMA legacy CASCADE;");
    dbs.runScript(target, "drift/source.sql");
    assertEquals(List.of(), changes());
    assertEquals(ExitCode.OK, cli.ferry(args("--exit-code")), cli.output());
  }

  /**
   * What a sample schema such as pagila holds besides tables: functions (SQL and plpgsql, one returning a table's
   * rows), a procedure, an aggregate a view uses, triggers (one disabled), composite and range types, a collation.
   * Into an empty database, `diff --sql` as one script (as psql runs it) recreates all of it, and `--exit-code` then
   * finds nothing.
   */
  @Test
  void functionsAggregatesTriggersAndTypesAreRecreatedInAnEmptyDatabase() {
    DatabaseUrl rich = dbs.create("diff_rich");
    DatabaseUrl empty = dbs.create("diff_empty");
    dbs.execute(rich, """
        CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
        CREATE TYPE money2 AS (amount numeric(12,2), currency text COLLATE ci);
        CREATE TYPE floatrange AS RANGE (subtype = float8, subtype_diff = float8mi);
        CREATE TABLE film (film_id serial PRIMARY KEY, title text COLLATE ci NOT NULL, price money2,
          slot floatrange, last_update timestamptz NOT NULL DEFAULT now());
        CREATE FUNCTION films_cheaper_than(p numeric) RETURNS SETOF film LANGUAGE sql STABLE AS
          $$ SELECT * FROM film WHERE (price).amount < p $$;
        CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.last_update = now(); RETURN NEW; END $$;
        CREATE FUNCTION _concat(text, text) RETURNS text LANGUAGE sql IMMUTABLE AS
          $$ SELECT CASE WHEN $2 IS NULL THEN $1 WHEN $1 IS NULL THEN $2 ELSE $1 || ', ' || $2 END $$;
        CREATE AGGREGATE group_concat(text) (SFUNC = _concat, STYPE = text);
        CREATE PROCEDURE touch(id int) LANGUAGE sql AS $$ UPDATE film SET last_update = now() WHERE film_id = id $$;
        CREATE TRIGGER last_updated BEFORE UPDATE ON film FOR EACH ROW EXECUTE FUNCTION stamp();
        CREATE TRIGGER quiet BEFORE INSERT ON film FOR EACH ROW EXECUTE FUNCTION stamp();
        ALTER TABLE film DISABLE TRIGGER quiet;
        CREATE VIEW titles AS SELECT group_concat(title) AS all_titles FROM film;
        CREATE TABLE film_archive (archived_on date) INHERITS (film);
        CREATE RULE archive_negative AS ON INSERT TO film WHERE new.film_id < 0
          DO INSTEAD INSERT INTO film_archive (film_id, title) VALUES (new.film_id, new.title);""");
    String[] toEmpty = {"diff", "--source", rich.toLibpqUrl(), "--target", empty.toLibpqUrl()};
    assertEquals(ExitCode.OK, cli.ferry(concat(toEmpty, "--sql")), cli.output());
    String script = cli.stdout(); // as `ferry diff --sql > fix.sql` keeps it
    for (String expected : List.of("CREATE COLLATION public.ci", "CREATE TYPE public.money2 AS", "AS RANGE",
        "FUNCTION public.films_cheaper_than", "CREATE AGGREGATE public.group_concat(text)", "PROCEDURE public.touch",
        "CREATE TRIGGER last_updated", "DISABLE TRIGGER quiet", "CREATE VIEW public.titles",
        "INHERITS (public.film)", "CREATE OR REPLACE RULE archive_negative")) {
      assertTrue(script.contains(expected), () -> "missing '" + expected + "' in\n" + script);
    }
    dbs.execute(empty, script);
    assertEquals(ExitCode.OK, cli.ferry(concat(toEmpty, "--exit-code")), cli.output());
    assertTrue(cli.output().contains("The schemas match (not compared: row-level security policies,"), cli.output());

    // Drift in each kind is found again.
    dbs.execute(empty, """
        ALTER TYPE money2 ADD ATTRIBUTE note text;
        CREATE OR REPLACE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
        DROP TRIGGER last_updated ON film;
        DROP VIEW titles;
        DROP RULE archive_negative ON film;
        ALTER TABLE film ALTER COLUMN title TYPE text COLLATE "C";""");
    assertEquals(ExitCode.FAILED, cli.ferry(concat(toEmpty, "--exit-code")), cli.output());
    String report = cli.output();
    for (String expected : List.of("composite type differs", "public.stamp() ", "function definition differs",
        "public.film.last_updated", "trigger only on the source",
        "collation pg_catalog.\"C\" on the target, public.ci on the source", "public.film.archive_negative",
        "rule only on the source")) {
      assertTrue(report.contains(expected), () -> "missing '" + expected + "' in\n" + report);
    }
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
