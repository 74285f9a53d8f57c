package dev.ferry;

import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.cli.CliHarness;
import dev.ferry.cli.ExitCode;
import dev.ferry.config.DatabaseUrl;
import dev.ferry.config.FerryConfig;
import dev.ferry.http.ApiServer;
import dev.ferry.metrics.MetricsVertx;
import dev.ferry.notify.Hmac;
import dev.ferry.testing.TestDatabases;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Database passwords (plain and percent-encoded) and the API's tokens and secrets never show: not in any command's
 * output or log, not in HTTP responses (bodies and headers), WebSocket frames or notifications, and not in what
 * Ferry stores (run history, migration log, backups). The local server trusts every login, so the passwords are
 * sent and ignored: only Ferry itself could echo them.
 */
class SecretsNeverLeakTest {
  private static final String SOURCE_PASSWORD = "Zebra-Secret-93f1x";
  /** In the target's URL percent-encoded; Ferry decodes it to {@link #TARGET_PASSWORD}. */
  private static final String TARGET_PASSWORD_ENCODED = "p%40ss%3Aword%2Fxyz";
  private static final String TARGET_PASSWORD = "p@ss:word/xyz";
  private static final String CONTROL_PASSWORD = "Control-Secret-Yak-61c0";
  private static final String TOKEN = "Api-Token-Quagga-7d1e9c55";
  private static final String READ_TOKEN = "Read-Token-Okapi-4b2a8f11";
  private static final String HOOK_SECRET = "Hook-Secret-Narwhal-55e0aa";
  private static final String NOTIFY_SECRET = "Notify-Secret-Ibex-0c3d99";
  /** Distinctive pieces: a secret cut short or re-encoded still shows one of them. */
  private static final List<String> SECRETS = List.of("Zebra-Secret", "93f1x", "p%40ss", "p@ss", "ss:word", "ss%3Aword",
      "word/xyz", "word%2Fxyz", "Control-Secret", "Yak-61c0", "Quagga", "Okapi", "Narwhal", "Ibex");

  private Vertx vertx;
  private PrometheusMeterRegistry registry;
  private TestDatabases dbs;
  private CliHarness cli;
  private DatabaseUrl source;
  private DatabaseUrl target;
  private Path conf;
  @TempDir
  Path dir;
  /** java.util.logging (the JDBC driver's) does not write to System.err as the harness swaps it: kept here. */
  private final List<String> julRecords = new CopyOnWriteArrayList<>();
  private final Handler julCapture = new Handler() {
    @Override
    public void publish(LogRecord r) {
      julRecords.add(r.getLoggerName() + " " + r.getLevel() + " " + r.getMessage() + " " + r.getThrown());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private final List<String> checked = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    registry = MetricsVertx.registry();
    vertx = MetricsVertx.create(registry);
    dbs = new TestDatabases(vertx);
    source = dbs.create("leak_src");
    target = dbs.create("leak_tgt");
    dbs.loadRescueDogs(source, target);
    conf = Files.writeString(dir.resolve("ferry.yaml"), """
        tables: {organizations: {key: [config_id]}}
        sync: {retryBaseDelayMs: 50}
        pool: {connectTimeoutSeconds: 3}
        """);
    Logger.getLogger("").addHandler(julCapture);
    cli = new CliHarness();
  }

  @AfterEach
  void tearDown() {
    cli.close();
    Logger.getLogger("").removeHandler(julCapture);
    dbs.close();
    await(vertx.close());
  }

  /** The URL as a user writes it: the password in it, percent-encoded where it must be. */
  private static String withPassword(DatabaseUrl db, String password) {
    return db.toLibpqUrl().replace("postgresql://postgres@", "postgresql://postgres:" + password + "@");
  }

  private String sourceUrl() {
    return withPassword(source, SOURCE_PASSWORD);
  }

  private String targetUrl() {
    return withPassword(target, TARGET_PASSWORD_ENCODED);
  }

  private void assertClean(String where, String text) {
    for (String secret : SECRETS) {
      assertFalse(text.contains(secret), () -> where + " shows the secret '" + secret + "':\n" + text);
    }
    checked.add(where);
  }

  /** Runs a command with both passworded URLs, checks its output (stdout, stderr and log), returns the exit code. */
  private int ferry(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--source", sourceUrl(), "--target", targetUrl(), "--config", conf.toString()));
    return ferryRaw(all.toArray(String[]::new));
  }

  private int ferryRaw(String... args) {
    int code = cli.ferry(args);
    assertClean("ferry " + args[0] + " (exit " + code + ")", cli.output());
    return code;
  }

  private void expect(int code, String... args) {
    assertEquals(code, ferry(args), () -> String.join(" ", args) + "\n" + cli.output());
  }

  @Test
  void everyCommandKeepsThemOutOfItsOutputAndLog() throws IOException {
    expect(ExitCode.OK, "test-connection");
    assertTrue(cli.output().contains("postgresql://postgres:***@127.0.0.1:"), cli.output());
    expect(ExitCode.OK, "status");
    expect(ExitCode.OK, "status", "--json");
    expect(ExitCode.OK, "sync", "--dry-run");
    expect(ExitCode.OK, "sync");
    expect(ExitCode.OK, "sync", "--json", "--mode", "mirror");
    expect(ExitCode.OK, "sync", "--mode", "rebuild", "--confirm-destructive");
    String runId = dbs.text(target, "SELECT run_id::text FROM ferry.backups ORDER BY id DESC LIMIT 1");
    expect(ExitCode.OK, "rollback", runId, "--dry-run");
    expect(ExitCode.OK, "rollback", runId, "--confirm-destructive");
    expect(ExitCode.OK, "backup", "--tables", "animals");
    long backup = dbs.count(target, "SELECT max(id) FROM ferry.backups");
    expect(ExitCode.OK, "backups");
    expect(ExitCode.OK, "restore", Long.toString(backup), "--dry-run");
    expect(ExitCode.OK, "restore", Long.toString(backup), "--confirm-destructive");
    Path report = dir.resolve("report.json");
    expect(ExitCode.OK, "validate", "--report", report.toString());
    assertClean("validate --report file", Files.readString(report));

    dbs.execute(target, "ALTER TABLE animals ADD COLUMN leak_check text");
    expect(ExitCode.OK, "diff");
    expect(ExitCode.OK, "diff", "--sql");
    expect(ExitCode.OK, "diff", "--json");
    Path migrations = Files.createDirectories(dir.resolve("migrations"));
    String locations = "filesystem:" + migrations;
    expect(ExitCode.OK, "diff", "--write-migration", "drift", "--locations", locations);
    try (Stream<Path> files = Files.list(migrations)) {
      for (Path f : files.toList()) {
        assertClean("written migration " + f.getFileName(), Files.readString(f));
      }
    }
    // A database with tables but no history must be adopted first; then the pending migration applies.
    expect(ExitCode.FAILED, "migrate", "--locations", locations);
    expect(ExitCode.OK, "migrate", "--baseline", "0", "--locations", locations);
    expect(ExitCode.OK, "migrations", "--locations", locations);
    expect(ExitCode.OK, "migrate", "--dry-run", "--locations", locations);
    Files.writeString(migrations.resolve("V1__drift.sql"), "ALTER TABLE animals DROP COLUMN leak_check;");
    expect(ExitCode.REFUSED, "migrate", "--locations", locations);
    expect(ExitCode.OK, "migrate", "--confirm-destructive", "--locations", locations);
    expect(ExitCode.OK, "setup", "--dry-run", "--locations", locations);
    expect(ExitCode.OK, "setup", "--locations", locations);
    expect(ExitCode.USAGE, "sync", "--tables", "no_such_table");

    // Databases that cannot be used (no server on the port, no such host, no such database): the errors name
    // them, never with the password.
    Map<String, String[]> broken = new LinkedHashMap<>();
    for (String hostPort : List.of("127.0.0.1:1", "no-such-host.invalid:5432")) {
      broken.put(hostPort, new String[] {sourceUrl().replaceFirst("@127\\.0\\.0\\.1:\\d+/", "@" + hostPort + "/"),
          targetUrl().replaceFirst("@127\\.0\\.0\\.1:\\d+/", "@" + hostPort + "/")});
    }
    broken.put("no such database", new String[] {sourceUrl().replaceFirst("/ferry_t_[^?]+", "/ferry_no_such_db"),
        targetUrl().replaceFirst("/ferry_t_[^?]+", "/ferry_no_such_db")});
    List<String[]> commands = List.of(new String[] {"test-connection"}, new String[] {"status"}, new String[] {"sync"},
        new String[] {"sync", "--dry-run"}, new String[] {"validate"}, new String[] {"backup"}, new String[] {"backups"},
        new String[] {"restore", "1", "--dry-run"}, new String[] {"rollback", UUID.randomUUID().toString(), "--dry-run"},
        new String[] {"diff", "--locations", locations}, new String[] {"migrations", "--locations", locations},
        new String[] {"migrate", "--dry-run", "--locations", locations}, new String[] {"setup", "--dry-run", "--locations", locations});
    broken.forEach((what, urls) -> {
      for (String[] command : commands) {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(List.of("--source", urls[0], "--target", urls[1], "--config", conf.toString()));
        int code = ferryRaw(args.toArray(String[]::new));
        assertNotEquals(ExitCode.OK, code, () -> what + ": " + String.join(" ", command) + "\n" + cli.output());
        if (command[0].equals("test-connection")) {
          assertTrue(cli.output().contains("postgresql://postgres:***@"), () -> what + ":\n" + cli.output());
        }
      }
    });

    // URLs that do not parse, and arguments picocli cannot place: refused without echoing the password.
    String good = targetUrl();
    for (String url : List.of(
        "postgres:" + SOURCE_PASSWORD + "@127.0.0.1:5432/db",
        "jdbc:postgresql://127.0.0.1:5432/db?user=postgres&password=" + SOURCE_PASSWORD,
        "http://postgres:" + SOURCE_PASSWORD + "@127.0.0.1/db",
        "postgresql://postgres:" + SOURCE_PASSWORD + "/x@127.0.0.1:5432/db",
        "postgresql://postgres:" + SOURCE_PASSWORD + "?x@127.0.0.1:5432/db",
        "postgresql://postgres:" + SOURCE_PASSWORD + "%zz@127.0.0.1:5432/db",
        "postgresql://postgres:" + SOURCE_PASSWORD + "@127.0.0.1:99999/db",
        "postgresql://postgres:" + SOURCE_PASSWORD + "@127.0.0.1:5432/db?sslmode=bogus",
        "postgresql://postgres:" + SOURCE_PASSWORD + "@127.0.0.1:5432/db?password=" + SOURCE_PASSWORD)) {
      int code = ferryRaw("sync", "--source", url, "--target", good, "--config", conf.toString());
      assertEquals(ExitCode.USAGE, code, () -> url.replace(SOURCE_PASSWORD, "…") + "\n" + cli.output());
    }
    assertEquals(ExitCode.USAGE, ferryRaw("sync", sourceUrl(), targetUrl()), "URLs without --source/--target");
    assertEquals(ExitCode.USAGE, ferryRaw("snyc", "--source", sourceUrl()), "a mistyped command");
    assertEquals(ExitCode.USAGE, ferryRaw("--source=" + sourceUrl(), "sync"), "an option before the command");
    assertEquals(ExitCode.FAILED, ferryRaw("demo", "--no-serve", "--server",
        withPassword(source.withDatabase("postgres"), SOURCE_PASSWORD).replaceFirst(":\\d+/", ":1/")));
    assertEquals(ExitCode.USAGE, ferryRaw("demo", "--no-serve", "--server", "postgres:" + SOURCE_PASSWORD + "@127.0.0.1/x"));
    if (System.getenv("FERRY_API_TOKEN") == null) {
      assertEquals(ExitCode.USAGE, ferry("serve", "--port", "0"), "serve without a token refuses to start");
    }

    assertClean("java.util.logging records", String.join("\n", julRecords));
    String stored = assertStoredStateClean();
    for (String kept : List.of("== ferry.migration_log", "baseline", "V1__drift.sql", "== ferry.backups", "before rebuild sync",
        "== ferry_backup.b1_1")) {
      assertTrue(stored.contains(kept), () -> "the dump holds " + kept + ":\n" + stored);
    }
    assertTrue(checked.size() > 80, "checked " + checked.size());
  }

  @Test
  void theServerKeepsThemOutOfResponsesFramesNotificationsAndLog() throws Exception {
    DatabaseUrl control = dbs.create("leak_ctl");
    List<String> notifications = new CopyOnWriteArrayList<>();
    HttpServer receiver = await(vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      notifications.add(headers(req.headers()) + "\n" + body);
      req.response().end();
    })).listen(0));
    JsonObject api = new JsonObject().put("port", 0).put("token", TOKEN).put("readToken", READ_TOKEN)
        .put("controlDatabase", withPassword(control, CONTROL_PASSWORD))
        .put("webhooks", new JsonObject().put("deploy", new JsonObject().put("secret", HOOK_SECRET)
            .put("sync", new JsonObject().put("mode", "incremental"))))
        .put("notify", new JsonArray().add(new JsonObject()
            .put("url", "http://127.0.0.1:" + receiver.actualPort() + "/hook").put("secret", NOTIFY_SECRET)))
        .put("notifyRetryBaseMs", 10);
    FerryConfig config = config(sourceUrl(), api);
    ApiServer server = new ApiServer(config, registry, 200);
    String deployment = await(vertx.deployVerticle(server));
    WebClient http = WebClient.create(vertx);
    Http client = new Http(http, server.port());
    List<String> frames = new CopyOnWriteArrayList<>();
    // Held until the end: an unreferenced client is closed when it is garbage collected, its socket with it.
    WebSocketClient ws = vertx.createWebSocketClient();
    WebSocket socket = await(ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(server.port()).setURI("/api/v1/events?access_token=" + TOKEN)).andThen(ar -> {
          if (ar.succeeded()) {
            ar.result().textMessageHandler(frames::add);
          }
        }));
    String runId;
    try {
      for (String path : List.of("/health", "/ready", "/metrics", "/api/v1/openapi.yaml", "/", "/index.html",
          "/ferry.js", "/ferry.css", "/no-such-file", "/api/v1/no-such-endpoint",
          "/api/v1/events?access_token=" + TOKEN, "/api/v1/status?access_token=" + TOKEN)) {
        client.call(HttpMethod.GET, path, null, null);
      }
      assertEquals(200, client.call(HttpMethod.GET, "/api/v1/status", TOKEN, null).statusCode());
      assertEquals(200, client.call(HttpMethod.GET, "/api/v1/status", READ_TOKEN, null).statusCode());
      assertEquals(401, client.call(HttpMethod.GET, "/api/v1/status", "not-the-token-0123456789", null).statusCode());
      assertEquals(401, client.call(HttpMethod.GET, "/api/v1/status", null, null).statusCode());
      assertEquals(403, client.call(HttpMethod.POST, "/api/v1/syncs", READ_TOKEN, "{}").statusCode());
      assertEquals(422, client.call(HttpMethod.POST, "/api/v1/syncs", TOKEN, "{\"mode\":\"rebuild\"}").statusCode());
      assertEquals(400, client.call(HttpMethod.POST, "/api/v1/syncs", TOKEN, "{\"tables\":[\"nope\"]}").statusCode());
      assertEquals(400, client.call(HttpMethod.POST, "/api/v1/syncs", TOKEN, "{\"password\":\"" + SOURCE_PASSWORD + "\"}")
          .statusCode());
      assertEquals(400, client.call(HttpMethod.POST, "/api/v1/syncs", TOKEN, "{not json").statusCode());
      assertEquals(200, client.call(HttpMethod.POST, "/api/v1/syncs", TOKEN, "{\"dryRun\":true}").statusCode());

      HttpResponse<Buffer> started = client.call(HttpMethod.POST, "/api/v1/syncs", TOKEN, "{\"mode\":\"mirror\"}");
      assertEquals(202, started.statusCode(), started.bodyAsString());
      runId = started.bodyAsJsonObject().getString("id");
      HttpResponse<Buffer> second = client.call(HttpMethod.POST, "/api/v1/syncs", TOKEN, "{}");
      assertTrue(second.statusCode() == 409 || second.statusCode() == 202, "409 while the first runs, else 202");
      client.call(HttpMethod.GET, "/api/v1/syncs/" + runId, TOKEN, null);
      awaitFinished(client, runId);
      if (second.statusCode() == 202) {
        awaitFinished(client, second.bodyAsJsonObject().getString("id"));
      }
      assertEquals(409, client.call(HttpMethod.POST, "/api/v1/syncs/" + runId + "/cancel", TOKEN, null).statusCode());
      HttpResponse<Buffer> cancelled = client.call(HttpMethod.POST, "/api/v1/syncs", TOKEN, "{}");
      assertEquals(202, cancelled.statusCode(), cancelled.bodyAsString());
      String cancelledId = cancelled.bodyAsJsonObject().getString("id");
      client.call(HttpMethod.POST, "/api/v1/syncs/" + cancelledId + "/cancel", TOKEN, null); // 202, or 409 if done
      awaitFinished(client, cancelledId);

      HttpResponse<Buffer> rebuild = client.call(HttpMethod.POST, "/api/v1/syncs", TOKEN,
          "{\"mode\":\"rebuild\",\"confirmDestructive\":true}");
      assertEquals("succeeded", awaitFinished(client, rebuild.bodyAsJsonObject().getString("id")).getString("status"));

      String body = "{\"ref\":\"refs/heads/main\"}";
      assertEquals(401, client.webhook(body, "sha256=" + "0".repeat(64)).statusCode());
      HttpResponse<Buffer> hooked = client.webhook(body, Hmac.header(HOOK_SECRET, body.getBytes(StandardCharsets.UTF_8)));
      assertEquals(202, hooked.statusCode(), hooked.bodyAsString());
      awaitFinished(client, hooked.bodyAsJsonObject().getString("id"));
      client.call(HttpMethod.GET, "/api/v1/syncs", TOKEN, null);
      client.call(HttpMethod.GET, "/api/v1/syncs?limit=nope", TOKEN, null);
      client.call(HttpMethod.GET, "/metrics", null, null);
      for (int i = 0; i < 100 && notifications.size() < 4; i++) {
        Thread.sleep(100);
      }
    } finally {
      await(socket.close());
      await(ws.close());
      http.close();
      await(vertx.undeploy(deployment));
    }
    assertTrue(frames.stream().anyMatch(f -> f.contains("\"run-finished\"") && f.contains(runId)), "frames of the run");
    assertTrue(frames.stream().anyMatch(f -> f.contains("\"heartbeat\"")), "heartbeats");
    assertClean(frames.size() + " WebSocket frames", String.join("\n", frames));
    assertTrue(notifications.size() >= 4, "a notification per finished run: " + notifications.size());
    assertClean(notifications.size() + " notifications", String.join("\n", notifications));
    assertTrue(cli.output().contains("run " + runId + " started by api"),
        "the server's log is captured: " + cli.output());
    assertClean("the server's log", cli.output());

    // A server whose source cannot be reached: its status, readiness, refusals and failed runs.
    FerryConfig unreachable = config(sourceUrl().replaceFirst("@127\\.0\\.0\\.1:\\d+/", "@127.0.0.1:1/"), api);
    ApiServer broken = new ApiServer(unreachable, registry, 200);
    deployment = await(vertx.deployVerticle(broken));
    http = WebClient.create(vertx);
    client = new Http(http, broken.port());
    try {
      assertEquals(503, client.call(HttpMethod.GET, "/ready", null, null).statusCode());
      String status = client.call(HttpMethod.GET, "/api/v1/status", TOKEN, null).bodyAsString();
      assertTrue(status.contains("cannot connect to the source database postgresql://postgres:***@127.0.0.1:1/"), status);
      HttpResponse<Buffer> named = client.call(HttpMethod.POST, "/api/v1/syncs", TOKEN, "{\"tables\":[\"animals\"]}");
      assertEquals(503, named.statusCode(), named.bodyAsString());
      HttpResponse<Buffer> failing = client.call(HttpMethod.POST, "/api/v1/syncs", TOKEN, "{}");
      assertEquals(202, failing.statusCode(), failing.bodyAsString());
      JsonObject run = awaitFinished(client, failing.bodyAsJsonObject().getString("id"));
      assertEquals("failed", run.getString("status"), run.encodePrettily());
      assertTrue(run.getString("message").contains("postgres:***@127.0.0.1:1/"), run.encodePrettily());
      client.call(HttpMethod.GET, "/api/v1/syncs", TOKEN, null);
    } finally {
      http.close();
      await(vertx.undeploy(deployment));
    }
    assertClean("the second server's log", cli.output());

    // A control database that cannot be reached: the server does not start, and says why without the password.
    JsonObject unreachableControl = api.copy().put("controlDatabase",
        withPassword(control, CONTROL_PASSWORD).replaceFirst("@127\\.0\\.0\\.1:\\d+/", "@127.0.0.1:1/"));
    Throwable refused = assertThrows(RuntimeException.class,
        () -> await(vertx.deployVerticle(new ApiServer(config(sourceUrl(), unreachableControl), registry, 200))));
    assertTrue(String.valueOf(refused.getMessage()).contains("postgres:***@127.0.0.1:1/"), String.valueOf(refused));
    assertClean("a server that could not start", String.valueOf(refused));
    assertClean("java.util.logging records", String.join("\n", julRecords));
    String stored = assertStoredStateClean(control);
    for (String kept : List.of("== ferry.runs", "== ferry.run_tables", "== ferry.run_events", runId, "webhook:deploy",
        "== ferry_backup.b1_1")) {
      assertTrue(stored.contains(kept), () -> "the dump holds " + kept + ":\n" + stored);
    }
    assertTrue(checked.size() > 40, "checked " + checked.size());
  }

  private FerryConfig config(String sourceUrl, JsonObject api) {
    return FerryConfig.fromJson(new JsonObject().put("source", sourceUrl).put("target", targetUrl())
        .put("tables", new JsonObject().put("organizations", new JsonObject().put("key", new JsonArray().add("config_id"))))
        .put("sync", new JsonObject().put("retryBaseDelayMs", 50).put("retries", 1))
        .put("pool", new JsonObject().put("connectTimeoutSeconds", 3))
        .put("api", api), Map.of());
  }

  private static JsonObject awaitFinished(Http client, String id) throws InterruptedException {
    for (int i = 0; i < 600; i++) {
      JsonObject run = client.call(HttpMethod.GET, "/api/v1/syncs/" + id, TOKEN, null).bodyAsJsonObject();
      if (!"running".equals(run.getString("status")) && !"cancelling".equals(run.getString("status"))) {
        return run;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("run " + id + " did not finish in 60 s");
  }

  private static String headers(MultiMap headers) {
    StringBuilder sb = new StringBuilder();
    headers.forEach(h -> sb.append(h.getKey()).append(": ").append(h.getValue()).append('\n'));
    return sb.toString();
  }

  /** Every call's status line, headers and body are checked as they come back. */
  private final class Http {
    private final WebClient http;
    private final int port;

    Http(WebClient http, int port) {
      this.http = http;
      this.port = port;
    }

    HttpResponse<Buffer> call(HttpMethod method, String path, String token, String json) {
      var request = http.request(method, port, "127.0.0.1", path);
      if (token != null) {
        request.bearerTokenAuthentication(token);
      }
      HttpResponse<Buffer> response = json == null ? await(request.send())
          : await(request.putHeader("content-type", "application/json").sendBuffer(Buffer.buffer(json)));
      check(method + " " + path, response);
      return response;
    }

    HttpResponse<Buffer> webhook(String body, String signature) {
      HttpResponse<Buffer> response = await(http.post(port, "127.0.0.1", "/api/v1/webhooks/deploy")
          .putHeader("content-type", "application/json").putHeader("X-Ferry-Signature-256", signature)
          .putHeader("X-Ferry-Delivery", UUID.randomUUID().toString()).sendBuffer(Buffer.buffer(body)));
      check("POST /api/v1/webhooks/deploy", response);
      return response;
    }

    private void check(String call, HttpResponse<Buffer> response) {
      assertClean(call + " → " + response.statusCode(), response.statusCode() + "\n" + headers(response.headers())
          + "\n" + (response.body() == null ? "" : response.bodyAsString()));
    }
  }

  /** Returns what was checked. */
  private String assertStoredStateClean(DatabaseUrl... more) {
    List<DatabaseUrl> all = new ArrayList<>(List.of(source, target));
    all.addAll(List.of(more));
    StringBuilder everything = new StringBuilder();
    for (DatabaseUrl db : all) {
      String dump = dump(db);
      assertClean("stored tables of " + db.database(), dump);
      everything.append(dump);
    }
    return everything.toString();
  }

  /** Every row of Ferry's own tables (run history, events, migration log, backups and their copies), as text. */
  private String dump(DatabaseUrl db) {
    StringBuilder sb = new StringBuilder();
    dbs.execute(db, """
        SELECT format('%I.%I', schemaname, tablename) FROM pg_tables
        WHERE schemaname IN ('ferry', 'ferry_backup') OR tablename = 'flyway_schema_history' ORDER BY 1""")
        .forEach(r -> {
          String table = r.getString(0);
          sb.append("== ").append(table).append('\n')
              .append(dbs.text(db, "SELECT coalesce(string_agg(t::text, E'\\n'), '') FROM " + table + " t")).append('\n');
        });
    return sb.toString();
  }
}
