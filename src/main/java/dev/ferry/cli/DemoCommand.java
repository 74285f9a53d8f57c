package dev.ferry.cli;

import dev.ferry.config.ConfigException;
import dev.ferry.config.DatabaseUrl;
import dev.ferry.demo.DemoDatabases;
import dev.ferry.http.ApiServer;
import dev.ferry.metrics.MetricsVertx;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.ferry.plan.SyncOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Create a demo source and target (rescue-dog schema, generated data, different ids) on a local "
        + "server and sync them with live progress.")
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--server", paramLabel = "URL", defaultValue = "postgresql://postgres@127.0.0.1:5432/postgres",
      description = "A PostgreSQL server where the demo may create databases (default: ${DEFAULT-VALUE}).")
  String server;

  @Option(names = "--scale", defaultValue = "0.02",
      description = "Data size: 1 is 150 organizations and 300,000 animals (default: ${DEFAULT-VALUE}).")
  double scale;

  @Option(names = "--port", defaultValue = "8080", description = "Port of the server the demo starts (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--no-serve", description = "Exit after the sync instead of starting the server and dashboard.")
  boolean noServe;

  /** The demo's table settings: organizations matched by config_id, and seed 001's rebuild thresholds. */
  static JsonObject tables() {
    return new JsonObject()
        .put("organizations", new JsonObject().put("key", new JsonArray().add("config_id")).put("minRows", 5))
        .put("animals", new JsonObject().put("minRows", 50))
        .put("scrape_logs", new JsonObject().put("minRows", 10))
        .put("service_regions", new JsonObject().put("minRows", 1));
  }

  @Override
  public Integer call() {
    if (!(scale > 0 && scale <= 10)) {
      System.err.println("ferry: --scale must be above 0 and at most 10");
      return ExitCode.USAGE;
    }
    DatabaseUrl serverUrl;
    try {
      serverUrl = DatabaseUrl.parse(server, "--server");
    } catch (ConfigException e) {
      System.err.println("ferry: " + e.getMessage());
      return ExitCode.USAGE;
    }
    DatabaseUrl source = serverUrl.withDatabase(DemoDatabases.SOURCE);
    DatabaseUrl target = serverUrl.withDatabase(DemoDatabases.TARGET);
    Map<String, Object> overrides = new HashMap<>();
    overrides.put("source", source.toLibpqUrl());
    overrides.put("target", target.toLibpqUrl());
    overrides.put("tables", tables());
    overrides.put("api.port", port);
    String envToken = System.getenv("FERRY_API_TOKEN");
    String token = envToken != null && !envToken.isBlank() ? null : randomToken();
    if (token != null) {
      overrides.put("api.token", token);
    }
    PrometheusMeterRegistry registry = MetricsVertx.registry();
    return Cli.run(System.err, null, overrides, () -> MetricsVertx.create(registry), (vertx, config) -> {
      System.out.printf("Creating %s and %s on %s (scale %s)…%n", DemoDatabases.SOURCE, DemoDatabases.TARGET,
          serverUrl.redacted(), scale);
      long start = System.nanoTime();
      return DemoDatabases.create(vertx, serverUrl, scale)
          .recover(err -> Future.failedFuture(new dev.ferry.db.DatabaseException(
              "cannot create the demo databases on " + serverUrl.redacted() + ": " + err.getMessage(), err)))
          .compose(v -> {
            System.out.printf("Loaded in %.1f s. Syncing source → target (organizations keyed by config_id; the"
                + " target's ids start at 1001).%n%n", (System.nanoTime() - start) / 1e9);
            return SyncCommand.run(vertx, config, SyncOptions.defaults(), false);
          })
          .compose(code -> vertx.executeBlocking(() -> writeSettings(source, target, token)).map(file -> {
            String flags = "--config " + file;
            System.out.println("\nThe demo's settings (both URLs, organizations keyed by config_id"
                + (token != null ? ", this session's API token" : "") + ") are in " + file + ". Next:");
            System.out.println("  target/ferry status " + flags);
            System.out.println("  target/ferry sync " + flags + "   # a second run writes 0 rows");
            System.out.println("  psql -d " + DemoDatabases.SOURCE + " -c \"UPDATE animals SET status = 'adopted' WHERE id % 50 = 0\"");
            System.out.println("  target/ferry sync --dry-run " + flags);
            return code;
          }))
          .compose(code -> {
            if (noServe) {
              return Future.succeededFuture(code);
            }
            System.out.println("\nStarting the server. Dashboard: http://localhost:" + port + "/  access token: "
                + (token != null ? token : "$FERRY_API_TOKEN (from your environment)") + "   (Ctrl-C stops it)");
            return ServeCommand.serve(vertx, config, new ApiServer(config, registry), "ferry demo");
          });
    });
  }

  /** Where the demo leaves its settings for the next commands (owner-only: it may hold the API token). */
  static final Path SETTINGS = Path.of("ferry-demo.yaml");

  private static Path writeSettings(DatabaseUrl source, DatabaseUrl target, String token) throws IOException {
    StringBuilder yaml = new StringBuilder("# Written by `ferry demo`: use it with --config ferry-demo.yaml.\n")
        .append("source: ").append(quoted(source.toLibpqUrl())).append('\n')
        .append("target: ").append(quoted(target.toLibpqUrl())).append('\n')
        .append("tables:\n");
    JsonObject tables = tables();
    for (String t : tables.fieldNames()) {
      JsonObject settings = tables.getJsonObject(t);
      yaml.append("  ").append(t).append(": {").append(String.join(", ", settings.fieldNames().stream()
          .map(f -> f + ": " + (settings.getValue(f) instanceof JsonArray a ? a.stream().map(String::valueOf)
              .collect(java.util.stream.Collectors.joining(", ", "[", "]")) : settings.getValue(f)))
          .toList())).append("}\n");
    }
    if (token != null) {
      yaml.append("api:\n  token: ").append(quoted(token)).append('\n');
    }
    Files.deleteIfExists(SETTINGS);
    Files.createFile(SETTINGS, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(SETTINGS, yaml.toString());
    return SETTINGS;
  }

  /** A YAML double-quoted string (JSON's quoting is valid YAML). */
  private static String quoted(String s) {
    return new io.vertx.core.json.JsonArray().add(s).encode().replaceAll("^\\[|\\]$", "");
  }

  /** A token for this demo session only, printed once. */
  private static String randomToken() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
