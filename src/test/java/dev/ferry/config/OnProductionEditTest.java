package dev.ferry.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which policy holds for a table's production edits: the run's, else the table's, else sync's. No database. */
class OnProductionEditTest {
  private static FerryConfig config(JsonObject json) {
    return FerryConfig.fromJson(json.put("source", "postgresql://u@localhost/a").put("target", "postgresql://u@localhost/b"),
        Map.of());
  }

  @Test
  void theRunsPolicyWinsThenTheTablesThenSyncsWhichIsRefuseByDefault() {
    FerryConfig defaults = config(new JsonObject());
    assertEquals(OnProductionEdit.REFUSE, defaults.onProductionEdit(null, "public.items", "items"));
    FerryConfig set = config(new JsonObject().put("sync", new JsonObject().put("onProductionEdit", "keep"))
        .put("tables", new JsonObject().put("items", new JsonObject().put("onProductionEdit", "overwrite"))));
    assertEquals(OnProductionEdit.KEEP, set.onProductionEdit(null, "public.notes", "notes"));
    assertEquals(OnProductionEdit.OVERWRITE, set.onProductionEdit(null, "public.items", "items"));
    assertEquals(OnProductionEdit.REFUSE, set.onProductionEdit(OnProductionEdit.REFUSE, "public.items", "items"));
  }

  @Test
  void aTypoNamesTheKeyAndTheChoices() {
    ConfigException e = assertThrows(ConfigException.class, () -> config(new JsonObject().put("tables",
        new JsonObject().put("items", new JsonObject().put("onProductionEdit", "kepe")))));
    assertEquals("tables.items.onProductionEdit: must be refuse, keep or overwrite (got 'kepe')", e.getMessage());
  }
}
