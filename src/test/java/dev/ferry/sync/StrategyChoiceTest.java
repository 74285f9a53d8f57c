package dev.ferry.sync;

import static dev.ferry.testing.CatalogFixtures.col;
import static dev.ferry.testing.CatalogFixtures.fk;
import static dev.ferry.testing.CatalogFixtures.plan;
import static dev.ferry.testing.CatalogFixtures.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.catalog.TableInfo;
import dev.ferry.plan.TablePlan;
import dev.ferry.result.Strategy;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which way each table shape is copied, from counts alone: no database. */
class StrategyChoiceTest {
  private final Map<String, TablePlan> plans = plans();

  private static Map<String, TablePlan> plans() {
    TableInfo orgs = table("orgs", List.of(col("id", true), col("code", true)), List.of("id"), List.of(List.of("code")), List.of());
    TableInfo dogs = table("dogs", List.of(col("id", true), col("org_id", true)), List.of("id"), List.of(),
        List.of(fk("dogs", "org_id", "orgs", "id")));
    TableInfo members = table("members", List.of(col("org_id", true), col("n", true)), List.of("org_id", "n"),
        List.of(), List.of(fk("members", "org_id", "orgs", "id")));
    TableInfo logs = table("logs", List.of(col("line", false)), List.of(), List.of(), List.of());
    JsonObject tables = new JsonObject().put("orgs", new JsonObject().put("key", new JsonArray().add("code")));
    Map<String, TablePlan> out = new LinkedHashMap<>();
    plan(tables, orgs, dogs, members, logs).forEach(p -> out.put(p.name().name(), p));
    return out;
  }

  private StrategyChoice choose(String table, long source, long target, boolean fastHash) {
    return StrategyChoice.of(plans.get(table), source, target, fastHash, false);
  }

  @Test
  void anEmptyTargetIsLoadedWithPlainInserts() {
    assertEquals(Strategy.EMPTY_LOAD, choose("dogs", 10_000, 0, true).strategy());
    assertEquals(Strategy.KEYLESS_LOAD, choose("logs", 10_000, 0, true).strategy());
    assertNull(choose("dogs", 10_000, 0, true).ifIdentical(), "nothing to compare with an empty target");
  }

  @Test
  void aBigTableMostlyThereIsComparedByKeyRanges() {
    StrategyChoice c = choose("dogs", 10_000, 9_000, true);
    assertEquals(Strategy.DIFFERENTIAL, c.strategy());
    assertNull(c.ifIdentical(), "the comparison finds equality itself");
  }

  @Test
  void otherKeyedTablesAreStreamedWithTheReasonWhy() {
    assertEquals("small table: streaming it costs less than comparing it", choose("dogs", 1_999, 1_000, true).reason());
    assertEquals("most rows are missing on the target: streaming them is the shorter way",
        choose("dogs", 10_000, 4_999, true).reason());
    assertEquals("a server older than PostgreSQL 14 cannot hash rows cheaply", choose("dogs", 10_000, 10_000, false)
        .reason());
    assertEquals("the key holds remapped ids, which differ between the sides", choose("members", 10_000, 10_000, true)
        .reason());
    for (StrategyChoice c : List.of(choose("dogs", 1_999, 1_000, true), choose("members", 10_000, 10_000, true))) {
      assertEquals(Strategy.UPSERT, c.strategy());
    }
  }

  @Test
  void equalCountsAreCheckedByDigestFirst() {
    assertEquals(Strategy.UNCHANGED, choose("orgs", 3, 3, true).ifIdentical());
    assertNull(choose("orgs", 3, 2, true).ifIdentical(), "different counts cannot be the same rows");
    StrategyChoice keyless = choose("logs", 5, 7, true);
    assertEquals(Strategy.KEYLESS_REPLACE, keyless.strategy());
    assertEquals(Strategy.KEYLESS_UNCHANGED, keyless.ifIdentical(), "without a key only the whole can be compared");
  }

  @Test
  void aClaimedTableIsComparedWhateverItsSizeSoThatProductionEditsAreToldApart() {
    assertEquals(Strategy.DIFFERENTIAL, StrategyChoice.of(plans.get("dogs"), 3, 3, true, true).strategy());
    assertEquals(Strategy.DIFFERENTIAL, StrategyChoice.of(plans.get("dogs"), 10_000, 10, true, true).strategy(),
        "most rows missing on a claimed target were deleted there: the comparison says so");
    assertEquals(Strategy.UPSERT, StrategyChoice.of(plans.get("members"), 10_000, 10_000, true, true).strategy(),
        "remapped ids in the key cannot be compared across the sides");
  }

  @Test
  void bigTablesWithANotNullKeyCommitInCheckpoints() {
    assertTrue(StrategyChoice.checkpointed(plans.get("dogs"), 100_001, false, 100_000));
    assertFalse(StrategyChoice.checkpointed(plans.get("dogs"), 100_000, false, 100_000), "at the limit: one transaction");
    assertFalse(StrategyChoice.checkpointed(plans.get("dogs"), 500_000, true, 100_000), "a dry run writes nothing");
  }
}
