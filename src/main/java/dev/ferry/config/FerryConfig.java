package dev.ferry.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Validated configuration. Built once per command from conf/ferry.yaml, the environment and flags.
 *
 * @param loadStreams COPY streams, and index builds, at once for a large empty table loaded beside itself
 * @param rules what a pull does to columns' values before they leave production ({@code rules:})
 * @param file  the configuration file that was read, or null when none was
 */
public record FerryConfig(
    DatabaseUrl source,
    DatabaseUrl target,
    int poolSize,
    int connectTimeoutSeconds,
    int batchSize,
    int pipeline,
    int retries,
    long retryBaseDelayMs,
    int checkpointRows,
    int stallTimeoutSeconds,
    double mirrorMaxDeleteShare,
    boolean deferIndexes,
    int loadStreams,
    TargetTriggers targetTriggers,
    OnProductionEdit onProductionEdit,
    List<String> include,
    List<String> exclude,
    Map<String, TableSettings> tables,
    ApiSettings api,
    List<String> migrationLocations,
    BackupSettings backup,
    MaskRules rules,
    Path file) {

  /** The same configuration, noting the file it was read from (null: none). */
  public FerryConfig withFile(Path read) {
    return new FerryConfig(source, target, poolSize, connectTimeoutSeconds, batchSize, pipeline, retries,
        retryBaseDelayMs, checkpointRows, stallTimeoutSeconds, mirrorMaxDeleteShare, deferIndexes, loadStreams, targetTriggers,
        onProductionEdit, include, exclude, tables, api, migrationLocations, backup, rules, read);
  }

  /**
   * The configuration a pull runs with: production (this configuration's target) becomes the source, the local
   * database (its source) the target, and the run history is kept on the local side, never on production.
   */
  public FerryConfig forPull() {
    ApiSettings local = new ApiSettings(api.port(), api.token(), api.readToken(), null, api.webhooks(),
        api.notifications(), api.notifyRetryBaseMs(), api.limits(), api.schedules(), api.cluster());
    return new FerryConfig(target, source, poolSize, connectTimeoutSeconds, batchSize, pipeline, retries,
        retryBaseDelayMs, checkpointRows, stallTimeoutSeconds, mirrorMaxDeleteShare, deferIndexes, loadStreams, targetTriggers,
        onProductionEdit, include, exclude, tables, local, migrationLocations, backup, rules, file);
  }

  public DatabaseUrl requireSource() {
    if (source == null) {
      throw new ConfigException("source", "no source database: pass --source, or set FERRY_SOURCE_URL or DATABASE_URL");
    }
    return source;
  }

  public DatabaseUrl requireTarget() {
    if (target == null) {
      throw new ConfigException("target",
          "no target database: pass --target, or set FERRY_TARGET_URL or RAILWAY_DATABASE_URL");
    }
    return target;
  }

  /** The policy for rows production changed: the run's if it set one, else the table's, else {@code sync}'s. */
  public OnProductionEdit onProductionEdit(OnProductionEdit run, String qualifiedName, String bareName) {
    OnProductionEdit table = settingsFor(qualifiedName, bareName).onProductionEdit();
    return run != null ? run : table != null ? table : onProductionEdit;
  }

  public TableSettings settingsFor(String qualifiedName, String bareName) {
    TableSettings s = tables.get(qualifiedName);
    return s != null ? s : tables.getOrDefault(bareName, TableSettings.DEFAULT);
  }

  /**
   * Reads the merged configuration document. {@code origins} says where each URL came from ("--source",
   * "FERRY_SOURCE_URL", …) so that a bad one is reported under the name the user typed.
   */
  public static FerryConfig fromJson(JsonObject json, Map<String, String> origins) {
    JsonObject pool = object(json, "pool");
    JsonObject sync = object(json, "sync");
    DatabaseUrl source = url(json, "source", origins);
    DatabaseUrl target = url(json, "target", origins);
    int connectTimeout = intIn(pool, "pool.connectTimeoutSeconds", "connectTimeoutSeconds", 10, 1, 600);
    return new FerryConfig(
        source, target,
        intIn(pool, "pool.size", "size", 4, 1, 64),
        connectTimeout,
        intIn(sync, "sync.batchSize", "batchSize", 1000, 1, 50_000),
        intIn(sync, "sync.pipeline", "pipeline", 8, 1, 64),
        intIn(sync, "sync.retries", "retries", 3, 1, 20),
        intIn(sync, "sync.retryBaseDelayMs", "retryBaseDelayMs", 1000, 0, 600_000),
        intIn(sync, "sync.checkpointRows", "checkpointRows", 1_000_000, 1, Integer.MAX_VALUE),
        intIn(sync, "sync.stallTimeoutSeconds", "stallTimeoutSeconds", 120, 1, 86_400),
        share(sync),
        bool(sync, "sync.deferIndexes", "deferIndexes", true),
        intIn(sync, "sync.loadStreams", "loadStreams", 2, 1, 16),
        TargetTriggers.fromJson(sync),
        Objects.requireNonNullElse(OnProductionEdit.parse(sync.getValue("onProductionEdit"), "sync.onProductionEdit"),
            OnProductionEdit.REFUSE),
        strings(json, "include"),
        strings(json, "exclude"),
        tables(json),
        ApiSettings.fromJson(object(json, "api"), origins),
        locations(object(json, "migrations")),
        BackupSettings.fromJson(object(json, "backup")),
        MaskRules.fromJson(json.getValue("rules")),
        null);
  }

  /** Flyway locations: {@code filesystem:dir} or {@code classpath:dir}; a bare folder means filesystem. */
  private static List<String> locations(JsonObject migrations) {
    List<String> raw = strings(migrations, "locations");
    if (raw.isEmpty()) {
      return List.of("filesystem:sql/migrations");
    }
    List<String> out = new ArrayList<>();
    for (String l : raw) {
      if (l.startsWith("classpath:") || l.startsWith("filesystem:")) {
        out.add(l);
      } else if (l.matches("[a-z]+:.*") && !l.matches("[A-Za-z]:\\\\.*")) {
        throw new ConfigException("migrations.locations", "'" + l + "': use filesystem:<folder> or classpath:<folder>");
      } else {
        out.add("filesystem:" + l);
      }
    }
    return List.copyOf(out);
  }

  private static DatabaseUrl url(JsonObject json, String key, Map<String, String> origins) {
    Object value = json.getValue(key);
    if (value == null) {
      return null;
    }
    String origin = origins.getOrDefault(key, key);
    if (!(value instanceof String s)) {
      throw new ConfigException(origin, "must be a postgresql:// URL string");
    }
    return DatabaseUrl.parse(s, origin);
  }

  private static JsonObject object(JsonObject json, String key) {
    Object value = json.getValue(key);
    if (value == null) {
      return new JsonObject();
    }
    if (!(value instanceof JsonObject o)) {
      throw new ConfigException(key, "must be a mapping");
    }
    return o;
  }

  static int intIn(JsonObject parent, String key, String field, int dflt, int min, int max) {
    Object value = parent.getValue(field);
    if (value == null) {
      return dflt;
    }
    long n;
    if (value instanceof Number num && num.doubleValue() == Math.rint(num.doubleValue())) {
      n = num.longValue();
    } else if (value instanceof String s && s.matches("-?\\d+")) {
      n = Long.parseLong(s);
    } else {
      throw new ConfigException(key, "must be a whole number (got '" + value + "')");
    }
    if (n < min || n > max) {
      throw new ConfigException(key, "must be between " + min + " and " + max + " (got " + n + ")");
    }
    return (int) n;
  }

  private static double share(JsonObject sync) {
    Object value = sync.getValue("mirrorMaxDeleteShare");
    if (value == null) {
      return 0.10;
    }
    double d;
    try {
      d = value instanceof Number n ? n.doubleValue() : Double.parseDouble(value.toString());
    } catch (NumberFormatException e) {
      throw new ConfigException("sync.mirrorMaxDeleteShare", "must be a number between 0 and 1 (got '" + value + "')");
    }
    if (!(d >= 0 && d <= 1)) {
      throw new ConfigException("sync.mirrorMaxDeleteShare", "must be between 0 and 1 (got " + value + ")");
    }
    return d;
  }

  private static boolean bool(JsonObject parent, String key, String field, boolean dflt) {
    Object value = parent.getValue(field);
    if (value == null) {
      return dflt;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    if (value instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(s);
    }
    throw new ConfigException(key, "must be true or false (got '" + value + "')");
  }

  private static List<String> strings(JsonObject json, String key) {
    Object value = json.getValue(key);
    if (value == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    if (value instanceof String s) {
      for (String part : s.split(",")) {
        if (!part.isBlank()) {
          out.add(part.trim());
        }
      }
      return out;
    }
    if (!(value instanceof JsonArray arr)) {
      throw new ConfigException(key, "must be a list of table names");
    }
    for (Object o : arr) {
      if (!(o instanceof String s) || s.isBlank()) {
        throw new ConfigException(key, "must be a list of table names (got '" + o + "')");
      }
      out.add(s.trim());
    }
    return out;
  }

  private static Map<String, TableSettings> tables(JsonObject json) {
    JsonObject tables = object(json, "tables");
    Map<String, TableSettings> out = new LinkedHashMap<>();
    for (String name : tables.fieldNames()) {
      String key = "tables." + name;
      Object value = tables.getValue(name);
      if (value == null) {
        continue;
      }
      if (!(value instanceof JsonObject t)) {
        throw new ConfigException(key, "must be a mapping such as {key: [config_id], minRows: 5}");
      }
      for (String field : t.fieldNames()) {
        if (!List.of("key", "minRows", "watermark", "onProductionEdit").contains(field)) {
          throw new ConfigException(key + "." + field, "unknown setting (known: key, minRows, watermark, onProductionEdit)");
        }
      }
      List<String> keyColumns = strings(t, "key");
      Object min = t.getValue("minRows");
      long minRows = 0;
      if (min != null) {
        if (!(min instanceof Number n) || n.longValue() < 0 || n.doubleValue() != Math.rint(n.doubleValue())) {
          throw new ConfigException(key + ".minRows", "must be a whole number of rows, 0 or more (got '" + min + "')");
        }
        minRows = n.longValue();
      }
      Object watermark = t.getValue("watermark");
      if (watermark != null && (!(watermark instanceof String w) || w.isBlank())) {
        throw new ConfigException(key + ".watermark", "must be a column name such as updated_at (got '" + watermark + "')");
      }
      out.put(name, new TableSettings(List.copyOf(keyColumns), minRows, (String) watermark,
          OnProductionEdit.parse(t.getValue("onProductionEdit"), key + ".onProductionEdit")));
    }
    return out;
  }
}
