package dev.ferry.testing;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.config.FerryConfig;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/** Configuration for tests, built the way the loader builds it (so the same validation applies). */
public final class TestConfig {
  private TestConfig() {}

  public static FerryConfig of(DatabaseUrl source, DatabaseUrl target) {
    return of(source, target, new JsonObject());
  }

  /** For the demo's rescue-dog schema ({@link TestDatabases#loadRescueDogs}): organizations matched by config_id. */
  public static FerryConfig rescueDogs(DatabaseUrl source, DatabaseUrl target) {
    return rescueDogs(source, target, new JsonObject());
  }

  /** {@link #rescueDogs(DatabaseUrl, DatabaseUrl)} with {@code extra} merged in, as {@link #of} does. */
  public static FerryConfig rescueDogs(DatabaseUrl source, DatabaseUrl target, JsonObject extra) {
    return of(source, target, new JsonObject().put("tables", new JsonObject()
        .put("organizations", new JsonObject().put("key", new io.vertx.core.json.JsonArray().add("config_id"))))
        .mergeIn(extra, true));
  }

  /** {@code extra} is merged into the document: "tables", "sync", "pool"… as in conf/ferry.yaml. */
  public static FerryConfig of(DatabaseUrl source, DatabaseUrl target, JsonObject extra) {
    JsonObject doc = new JsonObject()
        .put("source", source.toLibpqUrl())
        .put("target", target.toLibpqUrl())
        .put("sync", new JsonObject().put("retryBaseDelayMs", 50).put("batchSize", 500));
    doc.mergeIn(extra, true);
    return FerryConfig.fromJson(doc, Map.of());
  }
}
