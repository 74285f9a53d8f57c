package dev.ferry.notify;

import dev.ferry.config.ApiSettings;
import dev.ferry.progress.ProgressBus;
import dev.ferry.progress.ProgressEvent;
import dev.ferry.result.RunSummary;
import dev.ferry.result.TableResult;
import dev.ferry.retry.Backoff;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a run ends, POSTs a signed JSON summary (with a {@code text} line Slack shows) to each configured URL.
 * A listener on the progress stream: it never blocks or slows a run. Failed deliveries are retried with backoff
 * (base, 2×, 4×, 8×: five tries), then given up with a log line.
 */
public final class Notifier {
  private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
  static final int TRIES = 5;

  private final Vertx vertx;
  private final List<ApiSettings.Notification> targets;
  private final long retryBaseMs;
  private final WebClient client;
  private final MessageConsumer<String> listener;

  public Notifier(Vertx vertx, ApiSettings api) {
    this.vertx = vertx;
    this.targets = api.notifications();
    this.retryBaseMs = api.notifyRetryBaseMs();
    this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(10_000).setIdleTimeout(30)
        .setUserAgent("ferry-notifier"));
    this.listener = new ProgressBus(vertx).listen(event -> {
      if (event instanceof ProgressEvent.RunFinished f && !targets.isEmpty()) {
        Buffer body = Buffer.buffer(payload(f.summary()).encode());
        String delivery = UUID.randomUUID().toString();
        targets.forEach(t -> deliver(t, body, delivery));
      }
    });
  }

  static JsonObject payload(RunSummary s) {
    JsonArray tables = new JsonArray();
    for (TableResult t : s.tables()) {
      tables.add(new JsonObject().put("table", t.table()).put("outcome", t.outcome().name().toLowerCase())
          .put("inserted", t.inserted()).put("updated", t.updated()).put("deleted", t.deleted()));
    }
    String status = s.status().name().toLowerCase();
    return new JsonObject()
        .put("event", "run.finished")
        .put("runId", s.runId())
        .put("status", status)
        .put("mode", s.mode())
        .put("dryRun", s.dryRun())
        .put("message", s.message())
        .put("rowsWritten", s.rowsWritten())
        .put("durationMs", s.durationMs())
        .put("tables", tables)
        .put("text", "Ferry " + (s.dryRun() ? "dry run" : s.mode() + " sync") + " " + status + ": " + s.message()
            + String.format(" (%.1f s)", s.durationMs() / 1000.0));
  }

  private void deliver(ApiSettings.Notification target, Buffer body, String delivery) {
    new Backoff(TRIES, retryBaseMs).run(vertx, () -> post(target, body, delivery), err -> true, (n, err) -> { })
        .onFailure(err -> LOG.warn("notification to {} given up after {} tries: {}", target.url().getHost(), TRIES,
            err.getMessage()));
  }

  private Future<Void> post(ApiSettings.Notification target, Buffer body, String delivery) {
    var request = client.postAbs(target.url().toString())
        .timeout(15_000)
        .putHeader("content-type", "application/json")
        .putHeader("X-Ferry-Event", "run.finished")
        .putHeader("X-Ferry-Delivery", delivery)
        .putHeader("X-Ferry-Timestamp", Long.toString(System.currentTimeMillis() / 1000));
    if (target.secret() != null) {
      request.putHeader("X-Ferry-Signature-256", Hmac.header(target.secret(), body.getBytes()));
    }
    return request.sendBuffer(body)
        .compose(resp -> resp.statusCode() / 100 == 2 ? Future.succeededFuture()
            : Future.failedFuture("HTTP " + resp.statusCode()));
  }

  public Future<Void> close() {
    Promise<Void> p = Promise.promise();
    listener.unregister().onComplete(ar -> {
      client.close();
      p.complete();
    });
    return p.future();
  }
}
