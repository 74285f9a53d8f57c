package dev.ferry.statements;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.catalog.Column;
import dev.ferry.catalog.TableInfo;
import dev.ferry.catalog.TableName;
import dev.ferry.plan.KeyKind;
import dev.ferry.plan.TablePlan;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Statements as text, without a database: what the hash audit promises for each column type, and that every
 * statement's parameters are numbered 1..n as the callers bind them (a composite key, a text key, a remapped id).
 */
class TableStatementsTest {
  private static Column col(String name, String type, String collation) {
    return new Column(name, type, true, null, null, false, collation, true);
  }

  private static final Column ORG_ID = col("id", "integer", null);
  private static final Column ORG_CODE = col("code", "text", "default");
  private static final TableInfo ORGS = table("orgs", List.of(ORG_ID, ORG_CODE));
  /** Organizations matched by their code; their ids differ between the sides. */
  private static final TablePlan ORG_PLAN = new TablePlan(ORGS, ORGS, KeyKind.NATURAL, List.of(ORG_CODE, ORG_ID), 1,
      List.of("id"), Map.of(), List.of(), 0, null);

  private static final Column DOG_NAME = col("name", "text", "default");
  private static final Column DOG_BORN = col("born", "date", null);
  private static final Column DOG_ORG = col("org_id", "integer", null);
  private static final Column DOG_INFO = col("info", "jsonb", null);
  private static final TableInfo DOGS = table("dogs", List.of(DOG_NAME, DOG_BORN, DOG_ORG, DOG_INFO));
  /** A composite key (text, date) and a foreign key rewritten through the organizations' id map. */
  private static final TablePlan DOG_PLAN = new TablePlan(DOGS, DOGS, KeyKind.PRIMARY,
      List.of(DOG_NAME, DOG_BORN, DOG_ORG, DOG_INFO), 2, List.of(), Map.of("org_id", ORGS.name()), List.of(), 0, null);

  private static TableInfo table(String name, List<Column> columns) {
    return new TableInfo(new TableName("public", name), false, columns, List.of(columns.get(0).name()), List.of(),
        List.of(), List.of(), Map.of(), List.of());
  }

  private static TableStatements sql(TablePlan plan) {
    return TableStatements.of(plan, Map.of(ORGS.name(), ORG_PLAN, DOGS.name(), DOG_PLAN), true);
  }

  /** The parameter numbers a statement uses: must be exactly 1..n. */
  private static void numberedFromOne(String statement, int expected) {
    TreeSet<Integer> used = new TreeSet<>();
    Matcher m = Pattern.compile("\\$(\\d+)").matcher(statement);
    while (m.find()) {
      used.add(Integer.parseInt(m.group(1)));
    }
    assertEquals(expected, used.size(), statement);
    assertEquals(1, used.first(), statement);
    assertEquals(expected, used.last(), statement);
  }

  @Test
  void everyStatementBindsOneArrayPerColumnNumberedFromOne() {
    TableStatements dogs = sql(DOG_PLAN);
    numberedFromOne(dogs.writes().upsert(), 4);
    numberedFromOne(dogs.writes().upsertPreview(), 4);
    numberedFromOne(dogs.writes().insert(), 4);
    numberedFromOne(dogs.reads().selectSourceByKeys(), 2);
    numberedFromOne(dogs.writes().deleteByKeys(), 2);
    assertTrue(dogs.writes().upsert().contains("ON CONFLICT (\"name\", \"born\")"), dogs.writes().upsert());
  }

  @Test
  void theUpsertComparesTextByteForByteAndWritesOnlyWhatDiffers() {
    String upsert = sql(DOG_PLAN).writes().upsert();
    assertTrue(upsert.contains("IS DISTINCT FROM"), upsert);
    assertTrue(upsert.contains("ROW(t.\"org_id\"::text COLLATE \"C\", t.\"info\"::text COLLATE \"C\") IS DISTINCT FROM"),
        "values compared as their text in the C collation: " + upsert);
    assertFalse(upsert.contains("SET \"name\""), "a deterministic key is not rewritten: " + upsert);
  }

  private static final Column TAG_SLUG = col("slug", "text", "default");
  private static final TableInfo TAGS = table("tags", List.of(TAG_SLUG, col("n", "integer", null)));
  /** A text key: ranges cut by boundaries compared in "C". */
  private static final TablePlan TAG_PLAN = new TablePlan(TAGS, TAGS, KeyKind.PRIMARY, TAGS.columns(), 1, List.of(),
      Map.of(), List.of(), 0, null);
  private static final Column EVENT_ID = col("id", "uuid", null);
  private static final TableInfo EVENTS = table("events", List.of(EVENT_ID, col("at", "timestamp with time zone", null)));
  /** A uuid key: ranges cut by typed boundaries converted once. */
  private static final TablePlan EVENT_PLAN = new TablePlan(EVENTS, EVENTS, KeyKind.PRIMARY, EVENTS.columns(), 1,
      List.of(), Map.of(), List.of(), 0, null);

  @Test
  void everyStatementOfEveryKeyShapeNumbersItsParametersFromOne() {
    for (TablePlan plan : List.of(ORG_PLAN, DOG_PLAN, TAG_PLAN, EVENT_PLAN)) {
      TableStatements s = sql(plan);
      int k = plan.key();
      int width = plan.columns().size();
      numberedFromOne(s.reads().selectSourceInKeyOrder(true, true), k);
      numberedFromOne(s.reads().missingOnSource(), k);
      numberedFromOne(s.reads().selectSourceByKeys(), k);
      numberedFromOne(s.writes().insert(), width);
      numberedFromOne(s.writes().upsertPreview(), width);
      numberedFromOne(s.writes().deleteByKeys(), k);
      for (boolean sourceSide : new boolean[] {true, false}) {
        numberedFromOne(s.ranges().rangeDigests(sourceSide), 1);
        numberedFromOne(s.ranges().rangeChecks(sourceSide), 3);
        numberedFromOne(s.ranges().tableCheck(sourceSide), 2);
        numberedFromOne(s.ranges().rangeRows(sourceSide), 2);
        assertFalse(s.digests().digest(sourceSide).contains("$"), "a digest binds nothing");
      }
      numberedFromOne(s.ranges().rangeBoundaries(), 1);
    }
  }

  @Test
  void eachKeyTypeIsCutIntoRangesItsOwnWay() {
    TablePlan byId = new TablePlan(ORGS, ORGS, KeyKind.PRIMARY, List.of(ORG_ID, ORG_CODE), 1, List.of(), Map.of(),
        List.of(), 0, null);
    assertTrue(sql(byId).ranges().integerRanges(), "integers by arithmetic");
    assertTrue(sql(byId).ranges().rangeDigests(true).contains("(t.\"id\"::bigint / $1::bigint)"));
    assertTrue(sql(TAG_PLAN).ranges().rangeDigests(true).contains("width_bucket(t.\"slug\"::text COLLATE \"C\", $1::text[])"),
        "text by boundaries, compared in C on both servers");
    String uuid = sql(EVENT_PLAN).ranges().rangeDigests(false);
    assertTrue(uuid.contains("(SELECT $1::text[]::uuid[] AS bounds OFFSET 0) rb"), "typed boundaries converted once: " + uuid);
  }

  @Test
  void hashesFollowTheAudit() {
    assertEquals("t.\"code\" COLLATE \"C\"", DigestStatements.hashed(ORG_CODE), "text in C: collations may equate 'a' and 'A'");
    assertEquals("t.\"id\"", DigestStatements.hashed(ORG_ID));
    assertEquals("t.\"info\"::text COLLATE \"C\"", DigestStatements.hashed(DOG_INFO), "jsonb's hash ignores numeric scale");
    assertTrue(DigestStatements.hashesLikeText("numeric(10,2)"));
    assertFalse(DigestStatements.hashesLikeText("numeric"), "bare numeric: 1.5 and 1.50 hash alike");
    assertFalse(DigestStatements.hashesLikeText("integer[]"), "arrays hash without their bounds");
    assertFalse(DigestStatements.hashesLikeText("jsonb"));
  }

  @Test
  void aRemappedForeignKeyIsDigestedAsTheParentsNaturalKeyOnEachSide() {
    TableStatements dogs = sql(DOG_PLAN);
    for (boolean sourceSide : new boolean[] {true, false}) {
      String digest = dogs.digests().digest(sourceSide);
      assertTrue(digest.contains("LEFT JOIN ONLY \"public\".\"orgs\" m0 ON m0.\"id\" = t.\"org_id\""), digest);
      assertTrue(digest.contains("m0.\"code\"::text COLLATE \"C\""), digest);
    }
  }
}
