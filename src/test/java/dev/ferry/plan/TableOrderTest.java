package dev.ferry.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.catalog.ForeignKey;
import dev.ferry.catalog.TableInfo;
import dev.ferry.catalog.TableName;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TableOrderTest {
  private static TableName t(String name) {
    return new TableName("public", name);
  }

  private static TableInfo table(String name, String... parents) {
    List<ForeignKey> fks = java.util.Arrays.stream(parents)
        .map(p -> new ForeignKey(name + "_" + p + "_fk", t(name), List.of(p + "_id"), t(p), List.of("id"), false, true)).toList();
    return new TableInfo(t(name), false, List.of(), List.of("id"), List.of(), fks, List.of(), Map.of(), List.of());
  }

  @Test
  void parentsComeFirstAndIndependentTablesShareALevel() {
    TableOrder order = TableOrder.of(List.of(table("animals", "organizations"), table("organizations"),
        table("scrape_logs", "organizations"), table("images", "animals")));
    assertEquals(List.of(List.of(t("organizations")), List.of(t("animals"), t("scrape_logs")), List.of(t("images"))),
        order.levels());
    assertTrue(order.deferred().isEmpty());
  }

  @Test
  void selfReferencesAndCyclesAreDeferredToASecondPass() {
    TableOrder order = TableOrder.of(List.of(table("categories", "categories"), table("a", "b"), table("b", "a")));
    assertEquals(2, order.deferred().size());
    assertTrue(order.deferred().stream().anyMatch(ForeignKey::selfReference));
    assertTrue(order.deferred().stream().anyMatch(fk -> fk.table().equals(t("a")) && fk.refTable().equals(t("b"))));
    List<TableName> flat = order.flattened();
    assertTrue(flat.indexOf(t("a")) < flat.indexOf(t("b")), "b keeps its edge to a, so a loads first");
  }
}
