package dev.ferry.sync;

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
class TableSqlTest {
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

  private static TableSql sql(TablePlan plan) {
    return new TableSql(plan, Map.of(ORGS.name(), ORG_PLAN, DOGS.name(), DOG_PLAN), true);
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
    TableSql dogs = sql(DOG_PLAN);
    numberedFromOne(dogs.upsert(), 4);
    numberedFromOne(dogs.upsertPreview(), 4);
    numberedFromOne(dogs.insert(), 4);
    numberedFromOne(dogs.selectSourceByKeys(), 2);
    numberedFromOne(dogs.deleteByKeys(), 2);
    assertTrue(dogs.upsert().contains("ON CONFLICT (\"name\", \"born\")"), dogs.upsert());
  }

  @Test
  void theUpsertComparesTextByteForByteAndWritesOnlyWhatDiffers() {
    String upsert = sql(DOG_PLAN).upsert();
    assertTrue(upsert.contains("IS DISTINCT FROM"), upsert);
    assertTrue(upsert.contains("ROW(t.\"org_id\"::text COLLATE \"C\", t.\"info\"::text COLLATE \"C\") IS DISTINCT FROM"),
        "values compared as their text in the C collation: " + upsert);
    assertFalse(upsert.contains("SET \"name\""), "a deterministic key is not rewritten: " + upsert);
  }

  @Test
  void hashesFollowTheAudit() {
    assertEquals("t.\"code\" COLLATE \"C\"", TableSql.hashed(ORG_CODE), "text in C: collations may equate 'a' and 'A'");
    assertEquals("t.\"id\"", TableSql.hashed(ORG_ID));
    assertEquals("t.\"info\"::text COLLATE \"C\"", TableSql.hashed(DOG_INFO), "jsonb's hash ignores numeric scale");
    assertTrue(TableSql.hashesLikeText("numeric(10,2)"));
    assertFalse(TableSql.hashesLikeText("numeric"), "bare numeric: 1.5 and 1.50 hash alike");
    assertFalse(TableSql.hashesLikeText("integer[]"), "arrays hash without their bounds");
    assertFalse(TableSql.hashesLikeText("jsonb"));
  }

  @Test
  void aRemappedForeignKeyIsDigestedAsTheParentsNaturalKeyOnEachSide() {
    TableSql dogs = sql(DOG_PLAN);
    for (boolean sourceSide : new boolean[] {true, false}) {
      String digest = dogs.digest(sourceSide);
      assertTrue(digest.contains("LEFT JOIN ONLY \"public\".\"orgs\" m0 ON m0.\"id\" = t.\"org_id\""), digest);
      assertTrue(digest.contains("m0.\"code\"::text COLLATE \"C\""), digest);
    }
  }
}
