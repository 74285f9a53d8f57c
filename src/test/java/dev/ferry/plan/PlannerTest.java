package dev.ferry.plan;

import static dev.ferry.testing.CatalogFixtures.col;
import static dev.ferry.testing.CatalogFixtures.fk;
import static dev.ferry.testing.CatalogFixtures.plan;
import static dev.ferry.testing.CatalogFixtures.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.catalog.Column;
import dev.ferry.catalog.TableInfo;
import dev.ferry.config.ConfigException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Planning from catalogs alone, no database: how each table's rows are matched, what is remapped, what deferred. */
class PlannerTest {
  private static TablePlan named(List<TablePlan> plans, String name) {
    return plans.stream().filter(p -> p.name().name().equals(name)).findFirst().orElseThrow();
  }

  private final TableInfo orgs = table("orgs", List.of(col("id", true), col("code", true)), List.of("id"),
      List.of(List.of("code")), List.of());
  private final TableInfo dogs = table("dogs", List.of(col("id", true), col("org_id", true), col("buddy_id", false)),
      List.of("id"), List.of(), List.of(fk("dogs", "org_id", "orgs", "id"), fk("dogs", "buddy_id", "dogs", "id")));
  private final TableInfo logs = table("logs", List.of(col("line", false)), List.of(), List.of(), List.of());
  private final TableInfo tags = table("tags", List.of(col("slug", true), col("n", false)), List.of(),
      List.of(List.of("slug")), List.of());

  @Test
  void eachTableIsMatchedByTheBestKeyItHas() {
    List<TablePlan> plans = plan(new JsonObject(), orgs, dogs, logs, tags);
    assertEquals(KeyKind.PRIMARY, named(plans, "orgs").keyKind());
    assertEquals(KeyKind.UNIQUE, named(plans, "tags").keyKind());
    assertEquals(KeyKind.NONE, named(plans, "logs").keyKind());
    assertEquals(List.of("id", "code"), named(plans, "orgs").columns().stream().map(Column::name).toList(),
        "key columns first");
    assertTrue(named(plans, "dogs").mapped().isEmpty(), "no natural key, nothing to remap");
  }

  @Test
  void aNaturalKeyParentHasItsIdsRemappedInItsChildren() {
    JsonObject tables = new JsonObject().put("orgs", new JsonObject().put("key", new JsonArray().add("code")));
    List<TablePlan> plans = plan(tables, orgs, dogs);
    TablePlan o = named(plans, "orgs");
    assertEquals(KeyKind.NATURAL, o.keyKind());
    assertEquals(List.of("id"), o.surrogate());
    assertEquals("id", o.idColumn());
    assertEquals(List.of("code"), o.columns().stream().map(Column::name).toList(), "the surrogate id is not written");
    assertEquals(Map.of("org_id", orgs.name()), named(plans, "dogs").mapped());
  }

  @Test
  void aNaturalKeyMustBeNotNullAndUnique() {
    TableInfo loose = table("orgs", List.of(col("id", true), col("code", false)), List.of("id"),
        List.of(List.of("code")), List.of());
    ConfigException nullable = assertThrows(ConfigException.class, () -> plan(new JsonObject().put("orgs",
        new JsonObject().put("key", new JsonArray().add("code"))), loose));
    assertTrue(nullable.getMessage().contains("nullable"), nullable.getMessage());
    ConfigException notUnique = assertThrows(ConfigException.class, () -> plan(new JsonObject().put("dogs",
        new JsonObject().put("key", new JsonArray().add("org_id"))), orgs, dogs));
    assertTrue(notUnique.getMessage().contains("no unique constraint"), notUnique.getMessage());
  }
}
