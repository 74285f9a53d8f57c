package dev.ferry.http;

import dev.ferry.config.ApiSettings;
import dev.ferry.config.ConfigException;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.ServerLimits;
import dev.ferry.control.RunHistory;
import dev.ferry.db.Database;
import dev.ferry.db.Secrets;
import dev.ferry.db.Side;
import dev.ferry.metrics.RunMetrics;
import dev.ferry.notify.Notifier;
import dev.ferry.progress.ProgressBus;
import dev.ferry.progress.ProgressEvent;
import dev.ferry.runs.RunManager;
import dev.ferry.runs.Scheduler;
import dev.ferry.runs.TargetSlots;
import dev.ferry.status.SharedStatus;
import dev.ferry.status.Status;
import dev.ferry.status.StatusCheck;
import dev.ferry.sync.Direction;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of Ferry: REST API, webhooks, the events WebSocket, health, metrics and the dashboard. It triggers
 * runs through the {@link RunManager} and only listens to the engine's progress events.
 */
public final class ApiServer extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
  /**
   * How old a status viewers may get: every table's exact count on both databases is one computation, shared by all
   * viewers, at most this often (and right after a run finishes).
   */
  static final long STATUS_MAX_AGE_MS = 5_000;
  static final long DRY_RUN_WAIT_MS = 30_000;

  private final FerryConfig config;
  private final ApiSettings api;
  /** Error texts may quote the request (a URI with ?access_token=…): nothing secret reaches the log. */
  private final Secrets secrets;
  private final Replies replies;
  private final PrometheusMeterRegistry registry;
  private final long heartbeatMs;
  /** The schedules' clock: the system's, or a test's set just before a minute. */
  private final Clock clock;
  /** Who holds each target: this server's memory, or the cluster's map ({@code ferry serve --cluster}). */
  private final TargetSlots slots;
  private Database source;
  private Database target;
  private RunManager runs;
  private RunHistory history;
  private EventsSocket events;
  private Notifier notifier;
  private RunMetrics metrics;
  private WebhookCheck webhooks;
  private ConnectionLimit connections;
  private HttpServer server;
  /** The status every viewer shares (see {@link SharedStatus}); refreshed at most every few seconds. */
  private SharedStatus status;
  private Scheduler scheduler;
  private MessageConsumer<String> runsFinishing;
  private Future<JsonObject> readiness;
  private long readinessAt;

  /** @param registry where /metrics scrapes from (Vert.x's own meters included when it was built with it); may be null */
  public ApiServer(FerryConfig config, PrometheusMeterRegistry registry, long heartbeatMs) {
    this(config, registry, heartbeatMs, Clock.systemUTC(), TargetSlots.local());
  }

  ApiServer(FerryConfig config, PrometheusMeterRegistry registry, long heartbeatMs, Clock clock, TargetSlots slots) {
    this.clock = clock;
    this.slots = slots;
    this.config = config;
    this.api = config.api();
    this.secrets = Secrets.of(config);
    this.replies = new Replies(secrets);
    this.registry = registry;
    this.heartbeatMs = heartbeatMs;
  }

  public ApiServer(FerryConfig config, PrometheusMeterRegistry registry) {
    this(config, registry, 15_000);
  }

  /** A node of a cluster: targets are held cluster-wide. */
  public ApiServer(FerryConfig config, PrometheusMeterRegistry registry, TargetSlots slots) {
    this(config, registry, 15_000, Clock.systemUTC(), slots);
  }

  @Override
  public Future<?> start() {
    if (api.token() == null) {
      return Future.failedFuture(new ConfigException("api.token", "the server needs an API token: set FERRY_API_TOKEN"
          + " (or api.token in conf/ferry.yaml) to a random string of at least " + ApiSettings.MIN_TOKEN_LENGTH
          + " characters, e.g. `export FERRY_API_TOKEN=$(openssl rand -hex 24)`"));
    }
    source = Database.open(vertx, Side.SOURCE, config.requireSource(), 2, config.connectTimeoutSeconds(), true);
    target = Database.open(vertx, Side.TARGET, config.requireTarget(), 2, config.connectTimeoutSeconds(), true);
    webhooks = new WebhookCheck(System::currentTimeMillis);
    status = new SharedStatus(() -> StatusCheck.check(source, target), STATUS_MAX_AGE_MS);
    // A finished run changed the counts: the next viewer waits for fresh ones rather than see stale ones.
    runsFinishing = new ProgressBus(vertx).listen(e -> {
      if (e instanceof ProgressEvent.RunFinished) {
        status.invalidate();
      }
    });
    try {
      checkSyncBodies();
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    return RunHistory.open(vertx, api.control() != null ? api.control() : config.requireTarget(), config.connectTimeoutSeconds())
        .recover(err -> Future.failedFuture(new dev.ferry.db.DatabaseException("cannot prepare the run history (the ferry"
            + " schema) in the " + (api.control() != null ? "control" : "target") + " database: " + err.getMessage(), err)))
        .compose(h -> {
          history = h;
          runs = new RunManager(vertx, config, h, slots);
          scheduler = new Scheduler(vertx, runs, h, config.requireTarget().redacted(), api.schedules(),
              ApiServer::scheduleOptions, clock);
          scheduler.start();
          notifier = new Notifier(vertx, api);
          if (registry != null) {
            metrics = new RunMetrics(vertx, registry, () -> runs.active().size());
          }
          ServerLimits limits = api.limits();
          events = new EventsSocket(vertx, runs, heartbeatMs, limits);
          connections = new ConnectionLimit(vertx, limits.maxConnections());
          server = vertx.createHttpServer(new HttpServerOptions()
              .setPort(api.port())
              .setIdleTimeout(120)
              // HTTP/1.1 only: one HTTP/2 connection could carry any number of streams past the connection cap, and
              // h2c's own error answers are not problems.
              .setHttp2ClearTextEnabled(false)
              .setMaxWebSocketFrameSize(limits.webSocketFrameBytes())
              .setMaxWebSocketMessageSize(limits.webSocketMessageBytes())
              .setCompressionSupported(true));
          Router router = router();
          return server
              .connectionHandler(connections)
              .requestHandler(req -> {
                if (!connections.refuses(req)) {
                  router.handle(req);
                }
              })
              .invalidRequestHandler(ApiServer::undecodable)
              .listen()
              .recover(err -> Future.failedFuture(err instanceof java.net.BindException
                  ? new ConfigException("api.port", "port " + api.port() + " is already in use (another server on it?):"
                      + " choose another with --port or FERRY_HTTP_PORT") : err));
        })
        .onSuccess(s -> LOG.debug("listening on port {}", s.actualPort())) // the CLI says it, once
        .onFailure(err -> Future.join(source.close(), target.close()));
  }

  /** The sync bodies webhooks and schedules start, checked by the API's own rules before anything listens. */
  private void checkSyncBodies() {
    for (ApiSettings.Webhook hook : api.webhooks().values()) {
      try {
        SyncRequest.parse(hook.sync());
      } catch (BadRequest e) {
        throw new ConfigException("api.webhooks." + hook.name() + ".sync", e.getMessage());
      }
    }
    for (ApiSettings.Schedule schedule : api.schedules().values()) {
      try {
        scheduleOptions(schedule);
      } catch (BadRequest e) {
        throw new ConfigException(schedule.optionsKey(), e.getMessage());
      }
    }
  }

  private static dev.ferry.plan.SyncOptions scheduleOptions(ApiSettings.Schedule schedule) {
    return schedule.validate() ? SyncRequest.parseValidation(schedule.options()) : SyncRequest.parse(schedule.options());
  }

  /** The port actually bound (differs from the configured one when that was 0). */
  public int port() {
    return server.actualPort();
  }

  EventsSocket events() {
    return events;
  }

  ConnectionLimit connections() {
    return connections;
  }

  /**
   * A request the HTTP decoder could not read (a line or headers too long, a malformed start line or header):
   * Vert.x's own answer is an empty body; this one says what was wrong, as a problem. The connection cannot be
   * trusted to be in step any more, so it is closed, and the client is told so.
   */
  private static void undecodable(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status = 400;
    String detail = "the request could not be read as HTTP/1.1";
    if (cause instanceof io.netty.handler.codec.TooLongFrameException) {
      boolean line = cause instanceof io.netty.handler.codec.http.TooLongHttpLineException;
      status = line ? 414 : 431;
      detail = line ? "the request line is longer than the server takes (4096 bytes)"
          : "the request headers are larger than the server takes (8192 bytes)";
    }
    request.response().putHeader("Connection", "close");
    Problems.send(request.response(), null, status, status == 414 ? "URI Too Long" : status == 431
        ? "Request Header Fields Too Large" : "Bad Request", detail);
    request.connection().close();
  }

  /**
   * Graceful shutdown, before undeploying: stop taking requests, then cancel running syncs at their next batch
   * boundary and wait for them (their history written). Safe to call from any thread.
   */
  public Future<Void> drain() {
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    context.runOnContext(v -> (server == null ? Future.<Void>succeededFuture() : server.close())
        .eventually(() -> runs == null ? Future.succeededFuture() : runs.shutdown())
        .onComplete(ar -> done.complete()));
    return done.future();
  }

  @Override
  public Future<?> stop() {
    return drain()
        .eventually(() -> events == null ? Future.succeededFuture() : events.close())
        .eventually(() -> notifier == null ? Future.succeededFuture() : notifier.close())
        .eventually(() -> metrics == null ? Future.succeededFuture() : metrics.close())
        .eventually(() -> runsFinishing == null ? Future.succeededFuture() : runsFinishing.unregister())
        .eventually(() -> {
          if (scheduler != null) {
            scheduler.stop();
          }
          return Future.succeededFuture();
        })
        .eventually(() -> Future.join(source.close(), target.close(),
            history == null ? Future.succeededFuture() : history.close()));
  }

  private Router router() {
    Router router = Router.router(vertx);
    router.route().handler(rc -> {
      rc.response().putHeader("X-Content-Type-Options", "nosniff").putHeader("Cache-Control", "no-store")
          .putHeader("X-Frame-Options", "DENY")
          .putHeader("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'none'");
      rc.next();
    });
    router.get("/health").handler(rc -> Replies.json(rc, 200, new JsonObject().put("status", "up")));
    router.get("/ready").handler(this::ready);
    if (registry != null) {
      router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    }
    router.get("/api/v1/openapi.yaml").handler(rc -> rc.response().putHeader("content-type", "application/yaml")
        .sendFile("ferry/openapi.yaml"));
    router.post("/api/v1/*").handler(BodyHandler.create(false).setBodyLimit(api.limits().maxBodyBytes()));
    RunRoutes runRoutes = new RunRoutes(vertx, config, source, runs, history, webhooks, replies,
        Direction.saltFromEnvironment());
    runRoutes.mountWebhooks(router);
    router.route("/api/v1/*").handler(new BearerAuth(api));
    new StatusRoute(status, runs, replies, RunRoutes.pullsAllowed(config)).mount(router);
    new ScheduleRoutes(scheduler).mount(router);
    runRoutes.mount(router);
    new BackupRoutes(vertx, config, runs, replies, status::invalidate).mount(router);
    new SchemaRoutes(vertx, config, source, target, runs, replies, status::invalidate).mount(router);
    router.get("/api/v1/events").handler(rc -> events.handle(rc));
    router.route("/api/*").handler(rc -> Problems.send(rc, 404, "Not Found", "no such API endpoint: "
        + rc.request().method() + " " + SyncRequest.clip(rc.request().path()) + " (see /api/v1/openapi.yaml)"));
    router.route("/*").handler(StaticHandler.create("webroot").setIndexPage("index.html"));
    router.route().last().handler(rc -> Problems.send(rc, 404, "Not Found", "nothing here"));
    router.errorHandler(405, rc -> Problems.send(rc, 405, "Method Not Allowed", "this address does not take "
        + rc.request().method()));
    router.route().failureHandler(this::failed);
    router.errorHandler(400, rc -> Problems.send(rc, 400, "Bad Request", "the request is malformed"));
    router.errorHandler(500, this::failed);
    return router;
  }

  /**
   * Every rc.fail(...) ends here (ours, the body handler's, the static files'): a problem with the status the
   * failure carries; anything unexpected is a 500 whose cause goes to the log, never to the client.
   */
  private void failed(RoutingContext rc) {
    int status = rc.statusCode();
    Throwable err = rc.failure();
    if (status == -1 && err instanceof io.vertx.ext.web.handler.HttpException http) {
      status = http.getStatusCode();
    }
    if (status == 413) {
      Problems.send(rc, 413, "Content Too Large", "request bodies are limited to " + api.limits().maxBodyBytes() + " bytes"
          + " (api.limits.maxBodyBytes)");
    } else if (status >= 400 && status < 500) {
      Problems.send(rc, status, io.netty.handler.codec.http.HttpResponseStatus.valueOf(status).reasonPhrase(),
          status == 416 ? "the requested range is not in the file" : "the request cannot be served as sent");
    } else if (status > 0 && status < 400 && err != null) {
      // The body handler fails with 200 when reading the body broke (malformed chunked framing, a reset).
      LOG.debug("request {} {}: the body could not be read: {}", rc.request().method(), rc.request().path(), err.toString());
      Problems.send(rc, 400, "Bad Request", "the request body could not be read");
    } else {
      LOG.error("request {} {} failed: {}", rc.request().method(), rc.request().path(), err == null ? "?" : secrets.scrub(err.toString()));
      Problems.send(rc, 500, "Internal Server Error", "the server could not complete the request; its log says why");
    }
  }

  /** Reachability only (no URLs or errors: it needs no token), probed at most every 2 s. */
  private void ready(RoutingContext rc) {
    long now = System.currentTimeMillis();
    if (readiness == null || now - readinessAt > 2000) {
      readinessAt = now;
      Future<Status.Endpoint> s = StatusCheck.probe(source);
      Future<Status.Endpoint> t = StatusCheck.probe(target);
      readiness = Future.all(s, t).map(v -> new JsonObject()
          .put("source", s.result().reachable()).put("target", t.result().reachable()));
    }
    readiness.onComplete(ar -> {
      JsonObject body = ar.succeeded() ? ar.result().copy() : new JsonObject().put("source", false).put("target", false);
      boolean ok = body.getBoolean("source") && body.getBoolean("target");
      if (slots.node() != null) {
        body.put("cluster", new JsonObject().put("node", slots.node())
            .put("members", new JsonArray(slots.members())));
      }
      Replies.json(rc, ok ? 200 : 503, body.put("status", ok ? "ready" : "not ready"));
    });
  }
}
