package dev.ferry.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link FerryConfig} from, in rising priority: the YAML file (conf/ferry.yaml by default), the
 * environment, and command-line flags. Vert.x Config reads the file and the environment.
 */
public final class ConfigLoader {
  public static final Path DEFAULT_FILE = Path.of("conf", "ferry.yaml");

  /** Environment variable → configuration key, in priority order where two feed one key. */
  private static final List<String[]> ENV = List.of(
      new String[] {"DATABASE_URL", "source"},
      new String[] {"FERRY_SOURCE_URL", "source"},
      new String[] {"RAILWAY_DATABASE_URL", "target"},
      new String[] {"FERRY_TARGET_URL", "target"},
      new String[] {"FERRY_POOL_SIZE", "pool.size"},
      new String[] {"FERRY_CONNECT_TIMEOUT", "pool.connectTimeoutSeconds"},
      new String[] {"FERRY_BATCH_SIZE", "sync.batchSize"},
      new String[] {"FERRY_RETRIES", "sync.retries"},
      new String[] {"FERRY_HTTP_PORT", "api.port"},
      new String[] {"FERRY_API_TOKEN", "api.token"},
      new String[] {"FERRY_API_READ_TOKEN", "api.readToken"},
      new String[] {"FERRY_CONTROL_URL", "api.controlDatabase"});

  private ConfigLoader() {}

  /**
   * @param file      an explicit file (must exist), or null for conf/ferry.yaml when present
   * @param overrides flag values keyed like the file ("source", "sync.batchSize", …)
   */
  public static Future<FerryConfig> load(Vertx vertx, Path file, Map<String, Object> overrides) {
    Path yaml = file != null ? file : DEFAULT_FILE;
    if (file != null && !Files.isReadable(file)) {
      return Future.failedFuture(new ConfigException("--config", "cannot read configuration file " + file));
    }
    ConfigRetrieverOptions options = new ConfigRetrieverOptions().setIncludeDefaultStores(false);
    if (Files.isReadable(yaml)) {
      options.addStore(new ConfigStoreOptions().setType("file").setFormat("yaml")
          .setConfig(new JsonObject().put("path", yaml.toAbsolutePath().toString())));
    }
    JsonArray envKeys = new JsonArray();
    ENV.forEach(e -> envKeys.add(e[0]));
    options.addStore(new ConfigStoreOptions().setType("env").setOptional(true)
        .setConfig(new JsonObject().put("keys", envKeys).put("raw-data", true)));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig()
        .recover(err -> Future.failedFuture(new ConfigException(yaml.toString(), "cannot be read: " + err.getMessage())))
        .map(merged -> build(merged, overrides).withFile(Files.isReadable(yaml) ? yaml.toAbsolutePath() : null))
        .eventually(() -> {
          retriever.close();
          return Future.succeededFuture();
        });
  }

  private static FerryConfig build(JsonObject merged, Map<String, Object> overrides) {
    JsonObject doc = new JsonObject();
    Map<String, String> origins = new HashMap<>();
    for (String field : merged.fieldNames()) {
      if (ENV.stream().noneMatch(e -> e[0].equals(field))) {
        doc.put(field, merged.getValue(field));
      }
    }
    origins.put("source", "source (configuration file)");
    origins.put("target", "target (configuration file)");
    for (String[] e : ENV) {
      String value = merged.getString(e[0]);
      if (value != null && !value.isBlank()) {
        set(doc, e[1], value);
        origins.put(e[1], e[0]);
      }
    }
    overrides.forEach((key, value) -> {
      if (value != null) {
        set(doc, key, value);
        origins.put(key, "--" + key.substring(key.indexOf('.') + 1).replaceAll("([A-Z])", "-$1").toLowerCase());
      }
    });
    return FerryConfig.fromJson(doc, origins);
  }

  private static void set(JsonObject doc, String dottedKey, Object value) {
    int dot = dottedKey.indexOf('.');
    if (dot < 0) {
      doc.put(dottedKey, value);
      return;
    }
    String head = dottedKey.substring(0, dot);
    JsonObject child = doc.getValue(head) instanceof JsonObject o ? o : new JsonObject();
    doc.put(head, child);
    set(child, dottedKey.substring(dot + 1), value);
  }
}
