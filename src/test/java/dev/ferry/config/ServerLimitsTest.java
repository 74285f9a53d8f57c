package dev.ferry.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** api.limits: defaults, the documented file, and every way a value can be wrong, each naming its key. */
class ServerLimitsTest {
  private static ServerLimits limits(JsonObject limits) {
    JsonObject doc = new JsonObject().put("api", new JsonObject().put("limits", limits));
    return FerryConfig.fromJson(doc, Map.of()).api().limits();
  }

  @Test
  void theDefaultsAreTheDocumentedOnesAndConfFerryYamlSaysTheSame() throws Exception {
    ServerLimits defaults = FerryConfig.fromJson(new JsonObject(), Map.of()).api().limits();
    assertEquals(new ServerLimits(65536, 1024, 100, 16384, 65536, 1048576), defaults);
    Vertx vertx = Vertx.vertx();
    try {
      FerryConfig shipped = ConfigLoader.load(vertx, Path.of("conf/ferry.yaml"), Map.of())
          .toCompletionStage().toCompletableFuture().get();
      assertEquals(defaults, shipped.api().limits(), "conf/ferry.yaml documents the defaults");
    } finally {
      vertx.close();
    }
  }

  @Test
  void valuesAreReadAsNumbersOrNumericStrings() {
    ServerLimits l = limits(new JsonObject().put("maxConnections", 8).put("maxEventSockets", "3")
        .put("maxBodyBytes", 2048).put("webSocketFrameBytes", 4096).put("webSocketMessageBytes", 8192)
        .put("eventQueueBytes", 65536));
    assertEquals(new ServerLimits(2048, 8, 3, 4096, 8192, 65536), l);
  }

  @Test
  void wrongValuesNameTheirKey() {
    assertKey("api.limits.maxConection", new JsonObject().put("maxConection", 8));
    assertKey("api.limits.maxConnections", new JsonObject().put("maxConnections", 0));
    assertKey("api.limits.maxConnections", new JsonObject().put("maxConnections", "many"));
    assertKey("api.limits.maxBodyBytes", new JsonObject().put("maxBodyBytes", 10));
    assertKey("api.limits.eventQueueBytes", new JsonObject().put("eventQueueBytes", 1.5));
    assertKey("api.limits.webSocketMessageBytes", new JsonObject().put("webSocketFrameBytes", 8192)
        .put("webSocketMessageBytes", 4096));
    ConfigException e = assertThrows(ConfigException.class, () -> FerryConfig.fromJson(
        new JsonObject().put("api", new JsonObject().put("limits", 5)), Map.of()));
    assertEquals("api.limits", e.key());
  }

  private static void assertKey(String key, JsonObject limits) {
    ConfigException e = assertThrows(ConfigException.class, () -> limits(limits));
    assertEquals(key, e.key(), e.getMessage());
    assertTrue(e.getMessage().startsWith(key + ": "), e.getMessage());
  }
}
