package dev.ferry.http;

import dev.ferry.catalog.CatalogReader;
import dev.ferry.config.ApiSettings;
import dev.ferry.config.ConfigException;
import dev.ferry.config.DatabaseUrl;
import dev.ferry.config.FerryConfig;
import dev.ferry.control.RunHistory;
import dev.ferry.db.Database;
import dev.ferry.plan.Planner;
import dev.ferry.plan.SafetyRules;
import dev.ferry.plan.SyncOptions;
import dev.ferry.pull.PullTarget;
import dev.ferry.runs.RunManager;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's runs: start one (a body, or a signed webhook), list them, read one, cancel one. Triggers go through the
 * {@link RunManager}; what a run did comes from the {@link RunHistory}, with its live state while it runs.
 */
final class RunRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(RunRoutes.class);

  private final Vertx vertx;
  private final FerryConfig config;
  private final ApiSettings api;
  private final Database source;
  private final RunManager runs;
  private final RunHistory history;
  private final WebhookCheck webhooks;
  private final Replies replies;
  /** The pulls' mask salt, from the server's environment ({@code FERRY_MASK_SALT}); null when unset. */
  private final String salt;

  RunRoutes(Vertx vertx, FerryConfig config, Database source, RunManager runs, RunHistory history,
      WebhookCheck webhooks, Replies replies, String salt) {
    this.salt = salt;
    this.vertx = vertx;
    this.config = config;
    this.api = config.api();
    this.source = source;
    this.runs = runs;
    this.history = history;
    this.webhooks = webhooks;
    this.replies = replies;
  }

  /** Webhooks are signed instead of carrying the token: mounted before the token check. */
  void mountWebhooks(Router router) {
    router.post("/api/v1/webhooks/:name").handler(this::webhook);
  }

  void mount(Router router) {
    router.post("/api/v1/syncs").handler(this::startSync);
    router.get("/api/v1/syncs").handler(this::listSyncs);
    router.get("/api/v1/syncs/:id").handler(this::getSync);
    router.post("/api/v1/syncs/:id/cancel").handler(this::cancelSync);
    router.post("/api/v1/validations").handler(this::startValidation);
    router.post("/api/v1/pulls").handler(this::startPull);
  }

  /** A pull's run is recorded in the control database, which must then be the local one (never production). */
  static boolean pullsAllowed(FerryConfig config) {
    return config.api().control() != null && config.source() != null
        && config.api().control().sameDatabase(config.source());
  }

  /**
   * A pull from production into the local database (the configured source), for a server running next to it. Its
   * run is recorded beside the local database, never on production: that needs api.controlDatabase to be it.
   */
  private void startPull(RoutingContext rc) {
    SyncRequest.Pull pull = JsonBody.parse(rc, SyncRequest::parsePull);
    if (pull == null) {
      return;
    }
    DatabaseUrl local = config.requireSource();
    if (!pullsAllowed(config)) {
      Problems.send(rc, 409, "Conflict", "a pull started here records its run beside the local database, never on"
          + " production: set api.controlDatabase (FERRY_CONTROL_URL) to the source (local) database "
          + local.redacted());
      return;
    }
    try {
      PullTarget.check(local, config.requireTarget(), pull.confirmRemoteTarget());
    } catch (ConfigException e) {
      Problems.send(rc, 400, "Bad Request", e.getMessage());
      return;
    }
    runs.startPull(pull.options(), pull.subset(), "api", salt)
        .onSuccess(run -> accepted(rc, run.id()))
        .onFailure(err -> replies.fail(rc, err));
  }

  /** A run that compares counts and content digests and writes nothing; followed like any run. */
  private void startValidation(RoutingContext rc) {
    SyncOptions options = JsonBody.parse(rc, SyncRequest::parseValidation);
    if (options == null) {
      return;
    }
    checkTables(options)
        .compose(v -> runs.startValidation(options, "api"))
        .onSuccess(run -> accepted(rc, run.id()))
        .onFailure(err -> replies.fail(rc, err));
  }

  private void startSync(RoutingContext rc) {
    SyncOptions options = JsonBody.parse(rc, SyncRequest::parse);
    if (options == null) {
      return;
    }
    start(rc, options, "api", () -> {});
  }

  /** Shared by the API and webhooks: the CLI's safety rules, a table-name check, then the run. */
  private void start(RoutingContext rc, SyncOptions options, String trigger, Runnable onFailure) {
    var refusal = SafetyRules.confirmation(options);
    if (refusal.isPresent()) {
      onFailure.run();
      Problems.send(rc, 422, "Confirmation Required", refusal.get().replace("--confirm-destructive",
          "\"confirmDestructive\": true").replace("--dry-run", "\"dryRun\": true"));
      return;
    }
    checkTables(options)
        .compose(v -> runs.start(options, trigger))
        .onSuccess(run -> {
          rc.response().putHeader("Location", location(run.id()));
          if (options.dryRun()) {
            // A dry run writes nothing: answer with its plan when it is done within 30 s, else like any run.
            long timer = vertx.setTimer(ApiServer.DRY_RUN_WAIT_MS, id -> accepted(rc, run.id()));
            run.finished().onComplete(done -> {
              if (vertx.cancelTimer(timer)) {
                getRun(rc, run.id(), 200);
              }
            });
          } else {
            accepted(rc, run.id());
          }
        })
        .onFailure(err -> {
          onFailure.run();
          replies.fail(rc, err);
        });
  }

  private static String location(String runId) {
    return "/api/v1/syncs/" + runId;
  }

  /** 202 for a run that started: its address in the Location header and the body. */
  private static void accepted(RoutingContext rc, String id) {
    rc.response().putHeader("Location", location(id));
    Replies.json(rc, 202, new JsonObject().put("id", id).put("status", "running").put("location", location(id)));
  }

  /** Unknown table names are a 400 now rather than a failed run later. */
  private Future<Void> checkTables(SyncOptions options) {
    if (options.tables().isEmpty() && options.exclude().isEmpty()) {
      return Future.succeededFuture();
    }
    return CatalogReader.read(source.pool()).recover(err -> Future.failedFuture(source.describe(err)))
        .map(catalog -> {
          new Planner(config).select(catalog, options, new ArrayList<>());
          return null;
        });
  }

  private void listSyncs(RoutingContext rc) {
    int limit;
    int offset;
    try {
      limit = intParam(rc, "limit", 20, 1, 100);
      offset = intParam(rc, "offset", 0, 0, Integer.MAX_VALUE);
    } catch (BadRequest e) {
      Problems.send(rc, 400, "Bad Request", e.getMessage());
      return;
    }
    history.page(limit, offset).onSuccess(page -> {
      // Runs still going carry their live state.
      page.getJsonArray("items").forEach(o -> {
        JsonObject item = (JsonObject) o;
        withLive(item);
      });
      Replies.json(rc, 200, page);
    }).onFailure(err -> replies.fail(rc, err));
  }

  /**
   * A run still going carries its live state; once a cancel was accepted its status is "cancelling" (the history
   * still says running until the run stops at its next batch boundary).
   */
  private void withLive(JsonObject run) {
    runs.active(run.getString("id")).ifPresent(r -> {
      JsonObject live = r.snapshot();
      run.put("live", live);
      // Only while the history still says running: a run recorded as ended is being released, not cancelled.
      if ("running".equals(run.getString("status")) && "cancelling".equals(live.getString("status"))) {
        run.put("status", "cancelling");
      }
    });
  }

  private void getSync(RoutingContext rc) {
    getRun(rc, rc.pathParam("id"), 200);
  }

  private void getRun(RoutingContext rc, String id, int status) {
    withRun(rc, id, run -> {
      withLive(run);
      Replies.json(rc, status, run);
    });
  }

  private void cancelSync(RoutingContext rc) {
    String id = rc.pathParam("id");
    (isUuid(id) ? runs.cancelAnywhere(id) : Future.succeededFuture(false)).onComplete(ar -> {
      if (ar.succeeded() && ar.result()) {
        Replies.json(rc, 202, new JsonObject().put("id", id).put("status", "cancelling").put("location", location(id))
            .put("detail", "the run stops at its next batch boundary; the table in progress rolls back whole"));
        return;
      }
      withRun(rc, id, run -> Problems.send(rc, 409, "Conflict", "run " + id + " is not running (it ended: "
          + run.getString("status") + ")"));
    });
  }

  /** The recorded run {@code id} to {@code then}, or a 404 when the id is not a UUID or no run has it. */
  private void withRun(RoutingContext rc, String id, java.util.function.Consumer<JsonObject> then) {
    if (!isUuid(id)) {
      Problems.send(rc, 404, "Not Found", "no run with id '" + SyncRequest.clip(id) + "' (run ids are UUIDs)");
      return;
    }
    history.get(id).onSuccess(run -> {
      if (run == null) {
        Problems.send(rc, 404, "Not Found", "no run with id " + id);
      } else {
        then.accept(run);
      }
    }).onFailure(err -> replies.fail(rc, err));
  }

  private void webhook(RoutingContext rc) {
    String name = rc.pathParam("name");
    ApiSettings.Webhook hook = api.webhooks().get(name);
    if (hook == null) {
      Problems.send(rc, 404, "Not Found", "no webhook named '" + SyncRequest.clip(name) + "' is configured (api.webhooks)");
      return;
    }
    var refusal = webhooks.refuse(hook, rc.request().headers(), rc.body().buffer() == null
        ? io.vertx.core.buffer.Buffer.buffer() : rc.body().buffer());
    if (refusal.isPresent()) {
      LOG.warn("webhook {} refused: {}", name, refusal.get());
      Problems.send(rc, 401, "Unauthorized", refusal.get());
      return;
    }
    // In a cluster the same delivery may reach another node too: the first node to claim it runs it.
    String delivery = "webhook " + name + "/" + WebhookCheck.deliveryId(rc.request().headers());
    runs.slots().first(delivery).onComplete(first -> {
      if (first.failed() || !first.result()) {
        webhooks.forget(hook, rc.request().headers());
        if (first.failed()) {
          replies.fail(rc, first.cause());
        } else {
          LOG.warn("webhook {} refused: replayed delivery, already received by another node", name);
          Problems.send(rc, 401, "Unauthorized", "replayed delivery: id already received (by another node)");
        }
        return;
      }
      // Checked at start-up, so this parses; a delivery that could not start a run may be retried by its sender.
      start(rc, SyncRequest.parse(hook.sync()), "webhook:" + name, () -> {
        webhooks.forget(hook, rc.request().headers());
        runs.slots().forget(delivery);
      });
    });
  }

  private static int intParam(RoutingContext rc, String name, int dflt, int min, int max) {
    List<String> values = rc.queryParam(name);
    if (values.isEmpty()) {
      return dflt;
    }
    String v = values.get(0);
    if (!v.matches("\\d{1,9}") || Integer.parseInt(v) < min || Integer.parseInt(v) > max) {
      throw new BadRequest("'" + name + "' must be a whole number between " + min + " and " + max);
    }
    return Integer.parseInt(v);
  }

  static boolean isUuid(String id) {
    return id != null && id.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  }
}
