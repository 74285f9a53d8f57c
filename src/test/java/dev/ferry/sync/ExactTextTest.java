package dev.ferry.sync;

import static dev.ferry.sync.HardShapesSyncTest.describe;
import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.config.FerryConfig;
import dev.ferry.control.ControlSchema;
import dev.ferry.plan.Mode;
import dev.ferry.plan.SyncOptions;
import dev.ferry.result.RunStatus;
import dev.ferry.result.RunSummary;
import dev.ferry.testing.IndependentCheck;
import dev.ferry.testing.TestConfig;
import dev.ferry.testing.TestDatabases;
import io.vertx.core.Vertx;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two rows count as equal only when their stored values print the same text, byte for byte: the hash audit of
 * docs/architecture.md, one case per type whose hash or comparison could treat unequal text as equal. Each case
 * syncs, changes only what such a hash would miss, syncs again (on the small-table path and on the differential
 * one, with and without a claim), and checks the result without Ferry ({@link IndependentCheck}).
 */
class ExactTextTest {
  private static final String SCHEMA = """
      CREATE EXTENSION IF NOT EXISTS citext;
      CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
      CREATE DOMAIN ci_text AS text COLLATE ci;
      CREATE TYPE money2 AS (amount numeric, currency text);
      CREATE TYPE textrange AS RANGE (subtype = text, collation = ci);
      CREATE TABLE things (
        id int PRIMARY KEY,
        email text COLLATE ci,
        c citext,
        d ci_text,
        tags text[] COLLATE ci,
        doc jsonb,
        docs jsonb[],
        price money2,
        span textrange,
        n numeric,
        v varchar(20) COLLATE ci);
      CREATE TABLE ci_keys (code text COLLATE ci PRIMARY KEY, note text);""";

  private static final String DATA = """
      INSERT INTO things SELECT g, 'user' || g || '@example.com', 'Cit' || g, 'dom' || g, ARRAY['tag' || g],
        jsonb_build_object('p', 1.5, 'q', g), ARRAY[jsonb_build_object('p', 0.10)], ROW(0.01, 'EUR')::money2,
        textrange('a' || g, 'b' || g), 1.5, 'vc' || g
      FROM generate_series(1, %d) g;
      INSERT INTO ci_keys SELECT 'code' || g, 'note' FROM generate_series(1, %<d) g;""";

  /** Each change prints differently and compares (or hashes) equal under the column's own rules. */
  private static final List<String> EDITS = List.of(
      "UPDATE things SET email = upper(email) WHERE id = 3",
      "UPDATE things SET c = upper(c::text) WHERE id = 4",
      "UPDATE things SET d = upper(d) WHERE id = 5",
      "UPDATE things SET tags = ARRAY[upper(tags[1])] WHERE id = 6",
      "UPDATE things SET doc = '{\"p\": 1.50, \"q\": 7}' WHERE id = 7",
      "UPDATE things SET docs = ARRAY['{\"p\": 0.1}'::jsonb] WHERE id = 8",
      "UPDATE things SET span = textrange(upper(lower(span)), upper(upper(span))) WHERE id = 9",
      "UPDATE things SET n = 1.50 WHERE id = 10",
      "UPDATE things SET v = upper(v) WHERE id = 11",
      "UPDATE ci_keys SET code = upper(code) WHERE code = 'code2'");

  private Vertx vertx;
  private TestDatabases dbs;
  private DatabaseUrl source;
  private DatabaseUrl target;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    dbs = new TestDatabases(vertx);
    source = dbs.create("exact_src");
    target = dbs.create("exact_tgt");
    dbs.execute(target, SCHEMA);
    ControlSchema.migrate(target); // claims are kept there
  }

  @AfterEach
  void tearDown() {
    dbs.close();
    await(vertx.close());
  }

  private RunSummary sync() {
    FerryConfig config = TestConfig.of(source, target);
    RunSummary s = await(Syncs.runOnce(vertx, config, SyncOptions.defaults()));
    assertEquals(RunStatus.SUCCEEDED, s.status(), () -> describe(s));
    return s;
  }

  /** 50 rows take the streamed upsert; 3,000 the differential comparison (and, after a verified run, a claim). */
  @ParameterizedTest
  @ValueSource(ints = {50, 3000})
  void changesThatOnlyTheTextShowsAreFoundAndCopied(int rows) {
    dbs.execute(source, SCHEMA + DATA.formatted(rows));
    sync();
    IndependentCheck check = new IndependentCheck(dbs);
    assertEquals(List.of(), check.differences(source, target));

    dbs.execute(source, String.join(";\n", EDITS));
    assertNotEquals(List.of(), check.differences(source, target));
    RunSummary again = sync();
    assertEquals(List.of(), check.differences(source, target), () -> describe(again));
    assertEquals(EDITS.size(), again.rowsWritten(), () -> describe(again));

    RunSummary third = sync();
    assertEquals(0, third.rowsWritten(), () -> describe(third));

    // Mirror finds nothing to delete: 'code2' on the target is the row the source now calls 'CODE2'.
    RunSummary mirror = await(Syncs.runOnce(vertx, TestConfig.of(source, target),
        SyncOptions.defaults().withMode(Mode.MIRROR).withConfirm(true)));
    assertEquals(RunStatus.SUCCEEDED, mirror.status(), () -> describe(mirror));
    assertEquals(0, mirror.rowsWritten(), () -> describe(mirror));
    assertEquals(List.of(), check.differences(source, target), () -> describe(mirror));
  }

  /**
   * ALTER TYPE … ADD ATTRIBUTE writes no row versions, yet every row of the type reads one field longer. A claim
   * recorded before it must not vouch for the table afterwards.
   */
  @ParameterizedTest
  @ValueSource(ints = {50, 3000})
  void aCompositeTypeChangedOnTheTargetIsNotCoveredByAClaim(int rows) {
    dbs.execute(source, SCHEMA + DATA.formatted(rows));
    sync();
    RunSummary verified = sync(); // a run on claims
    assertEquals(0, verified.rowsWritten());

    dbs.execute(target, "ALTER TYPE money2 ADD ATTRIBUTE note text");
    RunSummary after = await(Syncs.runOnce(vertx, TestConfig.of(source, target), SyncOptions.defaults()));
    assertEquals(RunStatus.REFUSED, after.status(), () -> describe(after));
    assertTrue(after.message().contains("column price: type public.money2 is (amount numeric, currency text) on the"
        + " source, (amount numeric, currency text, note text) on the target"), after.message());
  }

  /**
   * A column's collation changed on the target (ALTER … TYPE … COLLATE rewrites no row) decides which rows its key
   * matches: a claim recorded before must not carry the next run past it; the schema check refuses it.
   */
  @Test
  void aColumnCollationChangedOnTheTargetIsRefused() {
    dbs.execute(source, SCHEMA + DATA.formatted(3000));
    sync();
    sync(); // a run on claims
    dbs.execute(target, "ALTER TABLE ci_keys ALTER COLUMN code TYPE text COLLATE \"C\"");
    RunSummary after = await(Syncs.runOnce(vertx, TestConfig.of(source, target), SyncOptions.defaults()));
    assertEquals(RunStatus.REFUSED, after.status(), () -> describe(after));
    assertTrue(after.message().contains("column code: collation pg_catalog.\"C\" on the target, public.ci on the source"),
        after.message());
  }
}
