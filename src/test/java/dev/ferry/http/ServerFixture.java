package dev.ferry.http;

import static dev.ferry.testing.TestDatabases.await;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.config.FerryConfig;
import dev.ferry.metrics.MetricsVertx;
import dev.ferry.runs.TargetSlots;
import dev.ferry.testing.TestConfig;
import dev.ferry.testing.TestDatabases;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A real Ferry server on a random port over two real databases (the rescue-dog demo schema), with a Vert.x
 * WebClient and WebSocket client to talk to it. Every response it receives is checked against the OpenAPI document
 * ({@link OpenApiContract}).
 */
final class ServerFixture implements AutoCloseable {
  static final String TOKEN = "test-token-0123456789abcdef";
  static final String READ_TOKEN = "read-token-0123456789abcdef";
  static final String HOOK_SECRET = "hook-secret-0123456789abcdef";
  /** Given as the source's password (the local server trusts any): it must never come back in a response. */
  static final String PASSWORD = "Pa55-wOrd-never-shown";

  final PrometheusMeterRegistry registry = MetricsVertx.registry();
  final Vertx vertx = MetricsVertx.create(registry);
  final TestDatabases dbs = new TestDatabases(vertx);
  final DatabaseUrl source = dbs.create("api_src");
  final DatabaseUrl target = dbs.create("api_tgt");
  final WebClient http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setKeepAlive(false));
  final WebSocketClient ws = vertx.createWebSocketClient();
  private final JsonObject api;
  private String deployment;
  ApiServer server;

  private final JsonObject sync;
  private final JsonObject extra;
  private final Clock clock;

  ServerFixture(JsonObject extraApi) {
    this(extraApi, new JsonObject());
  }

  /** @param sync settings merged into the configuration's {@code sync} section */
  ServerFixture(JsonObject extraApi, JsonObject sync) {
    this(extraApi, sync, new JsonObject());
  }

  /** @param extra further sections of the configuration ({@code migrations}, {@code backup}…) */
  ServerFixture(JsonObject extraApi, JsonObject sync, JsonObject extra) {
    this(extraApi, sync, extra, Clock.systemUTC(), db -> {});
  }

  /**
   * @param clock    the schedules' clock
   * @param prepare  runs after the demo schema is loaded and before the server starts (extra tables, say)
   */
  ServerFixture(JsonObject extraApi, JsonObject sync, JsonObject extra, Clock clock, Consumer<ServerFixture> prepare) {
    this.clock = clock;
    dbs.loadRescueDogs(source, target);
    prepare.accept(this);
    api = new JsonObject().put("port", 0).put("token", TOKEN).put("readToken", READ_TOKEN).mergeIn(extraApi);
    this.sync = sync;
    this.extra = extra;
    start();
  }

  FerryConfig config() {
    String withPassword = source.toLibpqUrl().replace("postgresql://postgres@", "postgresql://postgres:" + PASSWORD + "@");
    return TestConfig.of(DatabaseUrl.parse(withPassword, "test"), target, new JsonObject()
        .put("tables", new JsonObject().put("organizations", new JsonObject().put("key", new JsonArray().add("config_id"))))
        .put("api", api).put("sync", sync).mergeIn(extra));
  }

  void start() {
    server = new ApiServer(config(), registry, 300, clock, TargetSlots.local());
    deployment = await(vertx.deployVerticle(server));
  }

  void stop() {
    await(vertx.undeploy(deployment));
  }

  int port() {
    return server.port();
  }

  HttpResponse<Buffer> get(String path, String token) {
    var req = http.get(port(), "127.0.0.1", path);
    if (token != null) {
      req.bearerTokenAuthentication(token);
    }
    HttpResponse<Buffer> response = await(req.send());
    OpenApiContract.check("GET", path, response);
    return response;
  }

  HttpResponse<Buffer> post(String path, String token, String json) {
    var req = http.post(port(), "127.0.0.1", path).putHeader("content-type", "application/json");
    if (token != null) {
      req.bearerTokenAuthentication(token);
    }
    HttpResponse<Buffer> response = await(req.sendBuffer(Buffer.buffer(json)));
    OpenApiContract.check("POST", path, response);
    return response;
  }

  /** Polls the run until it is no longer running. */
  JsonObject awaitRun(String id) {
    for (int i = 0; i < 600; i++) {
      JsonObject run = get("/api/v1/syncs/" + id, TOKEN).bodyAsJsonObject();
      if (!"running".equals(run.getString("status")) && !"cancelling".equals(run.getString("status"))) {
        return run;
      }
      sleep(100);
    }
    throw new AssertionError("run " + id + " did not finish in 60 s");
  }

  /** A WebSocket on /api/v1/events that records every text message. */
  Events events(String query) {
    Events events = new Events();
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port())
        .setURI("/api/v1/events?access_token=" + TOKEN + (query == null ? "" : "&" + query));
    // The handler is set on the socket's event loop as it connects: the snapshot comes right after the upgrade.
    events.socket = await(ws.connect(options).andThen(ar -> {
      if (ar.succeeded()) {
        ar.result().textMessageHandler(t -> events.messages.add(new JsonObject(t)));
      }
    }));
    return events;
  }

  static final class Events {
    final List<JsonObject> messages = new CopyOnWriteArrayList<>();
    WebSocket socket;

    JsonObject await(Predicate<JsonObject> matching) {
      for (int i = 0; i < 600; i++) {
        for (JsonObject m : messages) {
          if (matching.test(m)) {
            return m;
          }
        }
        sleep(100);
      }
      throw new AssertionError("no such WebSocket message in 60 s; got " + messages.size() + " messages: "
          + messages.stream().map(m -> m.getString("type") + "/" + m.getString("runId")).distinct().toList());
    }

    List<JsonObject> ofRun(String runId) {
      return messages.stream().filter(m -> runId.equals(m.getString("runId"))).toList();
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      if (deployment != null && vertx.deploymentIDs().contains(deployment)) {
        stop();
      }
      http.close();
    } finally {
      dbs.close();
      await(vertx.close());
    }
  }
}
