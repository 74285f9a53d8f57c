package dev.ferry.cli;

import dev.ferry.config.ConfigException;
import dev.ferry.config.DatabaseUrl;
import dev.ferry.demo.DemoDatabases;
import dev.ferry.embedded.EmbeddedPostgres;
import dev.ferry.http.ApiServer;
import dev.ferry.metrics.MetricsVertx;
import dev.ferry.plan.SyncOptions;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Create a demo source and target (rescue-dog schema, generated data, different ids) on a local "
        + "server, or on the PostgreSQL bundled with Ferry when none answers, and sync them with live progress.")
final class DemoCommand extends CliCommand {
  private static final String LOCAL_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres";

  @Option(names = "--server", paramLabel = "URL",
      description = "A PostgreSQL server where the demo may create databases (default: " + LOCAL_SERVER
          + " if it answers, else the PostgreSQL bundled with Ferry).")
  String server;

  @Option(names = "--embedded",
      description = "Run the PostgreSQL bundled with Ferry even if a local server answers.")
  boolean embedded;

  @Option(names = "--data-dir", paramLabel = "FOLDER", defaultValue = "ferry-demo-data",
      description = "Where the bundled PostgreSQL keeps the demo's data (default: ${DEFAULT-VALUE}); kept, and used"
          + " again by the next demo.")
  Path dataDir;

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
        .put("organizations", new JsonObject().put("key", new JsonArray().add("config_id")).put("minRows", 1))
        .put("animals", new JsonObject().put("minRows", 50))
        .put("scrape_logs", new JsonObject().put("minRows", 10))
        .put("service_regions", new JsonObject().put("minRows", 1));
  }

  @Override
  public Integer call() {
    if (!(scale > 0 && scale <= 10)) {
      err().println("ferry: --scale must be above 0 and at most 10");
      return ExitCode.USAGE;
    }
    if (embedded && server != null) {
      err().println("ferry: --embedded and --server name two different servers; give one");
      return ExitCode.USAGE;
    }
    DatabaseUrl serverUrl;
    try {
      serverUrl = DatabaseUrl.parse(server != null ? server : LOCAL_SERVER, "--server");
    } catch (ConfigException e) {
      err().println("ferry: " + e.getMessage());
      return ExitCode.USAGE;
    }
    if (!embedded && server == null && !answers(serverUrl)) {
      out().println("No PostgreSQL server answers at " + serverUrl.host() + ":" + serverUrl.port()
          + ", so the demo runs the PostgreSQL bundled with Ferry (--server URL names yours).");
      embedded = true;
    }
    if (!embedded) {
      return run(serverUrl);
    }
    EmbeddedPostgres bundled;
    try {
      out().println("Starting the bundled PostgreSQL; its data is kept in " + dataDir.toAbsolutePath() + " …");
      bundled = EmbeddedPostgres.start(dataDir, EmbeddedPostgres.Durability.DURABLE);
    } catch (IOException e) {
      err().println("ferry: cannot start the bundled PostgreSQL: " + e.getMessage());
      return ExitCode.FAILED;
    }
    // The server's own shutdown hook drains runs first; this one stops PostgreSQL only after that (or 30 s).
    CountDownLatch demoOver = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        demoOver.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      stop(bundled);
    }, "ferry-demo-postgres-stop"));
    try {
      return run(bundled.server());
    } finally {
      stop(bundled);
      demoOver.countDown();
    }
  }

  private void stop(EmbeddedPostgres bundled) {
    if (bundled.stop()) {
      out().println("The bundled PostgreSQL stopped; its data stays in " + bundled.folder()
          + " (the next `ferry demo` starts it again).");
    }
  }

  /** Whether anything accepts connections there: no server means the bundled one, any other failure is reported. */
  private static boolean answers(DatabaseUrl url) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(url.host(), url.port()), 2000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private int run(DatabaseUrl serverUrl) {
    DatabaseUrl source = serverUrl.withDatabase(DemoDatabases.SOURCE);
    DatabaseUrl target = serverUrl.withDatabase(DemoDatabases.TARGET);
    Map<String, Object> overrides = new HashMap<>();
    overrides.put("source", source.toLibpqUrl());
    overrides.put("target", target.toLibpqUrl());
    overrides.put("tables", tables());
    overrides.put("api.port", port);
    overrides.put("migrations.locations", new JsonArray(MIGRATION_LOCATIONS));
    String envToken = System.getenv("FERRY_API_TOKEN");
    String token = envToken != null && !envToken.isBlank() ? null : randomToken();
    if (token != null) {
      overrides.put("api.token", token);
    }
    PrometheusMeterRegistry registry = MetricsVertx.registry();
    return Cli.run(err(), null, overrides, () -> MetricsVertx.create(registry), (vertx, config) -> {
      out().printf("Creating %s and %s on %s (scale %s; earlier demo databases are dropped)…%n",
          DemoDatabases.SOURCE, DemoDatabases.TARGET, serverUrl.redacted(), scale);
      long start = System.nanoTime();
      return DemoDatabases.create(vertx, serverUrl, scale)
          .recover(err -> Future.failedFuture(new dev.ferry.db.DatabaseException(
              "cannot create the demo databases on " + serverUrl.redacted() + ": " + err.getMessage(), err)))
          .compose(v -> {
            out().printf("Loaded in %.1f s. Syncing source → target (organizations keyed by config_id; the"
                + " target's ids start at 1001).%n%n", (System.nanoTime() - start) / 1e9);
            return SyncCommand.run(console(), vertx, config, SyncOptions.defaults(), false);
          })
          .compose(code -> vertx.executeBlocking(() -> writeSettings(source, target, token, embedded)).map(file -> {
            String flags = "--config " + file;
            String ferry = launcher();
            out().println("\nThe demo's settings (both URLs, organizations keyed by config_id"
                + (token != null ? ", this session's API token" : "") + ") are in " + file + ". Next"
                + (!embedded ? ":" : noServe ? " (these need the bundled PostgreSQL, which stops with this demo:"
                    + " run `ferry demo` without --no-serve to keep it up):"
                    : ", in another terminal while the demo runs (it runs the bundled PostgreSQL):"));
            out().println("  " + ferry + " status " + flags);
            out().println("  " + ferry + " sync " + flags + (code == 0 ? "   # a second run writes 0 rows"
                : "   # syncs what this run did not"));
            out().println("  psql \"" + source.redacted() + "\" -c \"UPDATE animals SET status = 'adopted'"
                + " WHERE id % 50 = 0\"");
            out().println("  " + ferry + " sync --dry-run " + flags);
            return code;
          }))
          .compose(code -> {
            // Ctrl-C during the sync stops the demo: the server is not started on the way out.
            if (noServe || Cli.exiting()) {
              return Future.succeededFuture(code);
            }
            out().println("\nStarting the server. Dashboard: http://localhost:" + port + "/  access token: "
                + (token != null ? token : "$FERRY_API_TOKEN (from your environment)") + "   (Ctrl-C stops it)");
            return ServeCommand.serve(console(), vertx, config, new ApiServer(config, registry), "ferry demo");
          });
    });
  }

  /** How Ferry was started, for the commands it suggests: the launcher's path as typed, else java -jar. */
  private static String launcher() {
    String typed = System.getenv("FERRY_LAUNCHER");
    if (typed != null && !typed.isBlank()) {
      return typed;
    }
    String jar = DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().getPath();
    return jar.endsWith(".jar") ? "java -jar " + jar : "ferry";
  }

  /** Where the demo leaves its settings for the next commands (owner-only: it may hold the API token). */
  static final Path SETTINGS = Path.of("ferry-demo.yaml");
  /** The folder migrations written from the drift go to (`diff --write-migration`, the dashboard's button). */
  static final Path MIGRATIONS = Path.of("ferry-demo-migrations");
  /**
   * The demo schema's own migration (inside Ferry, applied to both databases), then the folder for new ones: with
   * both, `migrate` and the dashboard see the target's history as resolved and write next to it.
   */
  static final List<String> MIGRATION_LOCATIONS = List.of(DemoDatabases.MIGRATIONS, "filesystem:" + MIGRATIONS);

  private static Path writeSettings(DatabaseUrl source, DatabaseUrl target, String token, boolean embedded)
      throws IOException {
    StringBuilder yaml = new StringBuilder("# Written by `ferry demo`: use it with --config ferry-demo.yaml.\n")
        .append(embedded ? "# These URLs name the bundled PostgreSQL, which runs while `ferry demo` runs.\n" : "")
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
    yaml.append("migrations:\n  # the demo schema's migration (inside Ferry), then the folder new ones are written to\n")
        .append("  locations: [").append(String.join(", ", MIGRATION_LOCATIONS.stream().map(DemoCommand::quoted).toList()))
        .append("]\n");
    if (token != null) {
      yaml.append("api:\n  token: ").append(quoted(token)).append('\n');
    }
    Files.createDirectories(MIGRATIONS);
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
