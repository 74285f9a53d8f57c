package dev.ferry.http;

import static dev.ferry.http.ServerFixture.HOOK_SECRET;
import static dev.ferry.http.ServerFixture.TOKEN;
import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.notify.Hmac;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Signed inbound webhooks (good, bad, missing, replayed, stale) and signed outbound notifications with retries. */
class WebhookTest {
  private static final String NOTIFY_SECRET = "notify-secret-0123456789";
  private ServerFixture f;
  private final io.vertx.core.Vertx helper = io.vertx.core.Vertx.vertx();
  private HttpServer receiver;
  private final List<MultiMap> headers = new CopyOnWriteArrayList<>();
  private final List<Buffer> bodies = new CopyOnWriteArrayList<>();
  private final AtomicInteger attempts = new AtomicInteger();

  @BeforeEach
  void start() {
    // A receiver that fails the first delivery: the notifier must retry.
    receiver = await(helper.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      if (attempts.incrementAndGet() == 1) {
        req.response().setStatusCode(503).end();
        return;
      }
      headers.add(req.headers());
      bodies.add(body);
      req.response().setStatusCode(204).end();
    })).listen(0, "127.0.0.1"));
    f = new ServerFixture(new JsonObject()
        .put("webhooks", new JsonObject().put("deploy", new JsonObject().put("secret", HOOK_SECRET)
            .put("sync", new JsonObject().put("mode", "incremental").put("tables", new JsonArray().add("organizations")))))
        .put("notify", new JsonArray().add(new JsonObject()
            .put("url", "http://127.0.0.1:" + receiver.actualPort() + "/hooks/ferry").put("secret", NOTIFY_SECRET)))
        .put("notifyRetryBaseMs", 50));
  }

  @AfterEach
  void stop() {
    f.close();
    await(helper.close());
  }

  private HttpResponse<Buffer> deliver(String body, String signatureHeader, String signature, String delivery,
      String timestamp) {
    var req = f.http.post(f.port(), "127.0.0.1", "/api/v1/webhooks/deploy").putHeader("content-type", "application/json");
    if (signature != null) {
      req.putHeader(signatureHeader, signature);
    }
    if (delivery != null) {
      req.putHeader(signatureHeader.contains("Hub") ? "X-GitHub-Delivery" : "X-Ferry-Delivery", delivery);
    }
    if (timestamp != null) {
      req.putHeader("X-Ferry-Timestamp", timestamp);
    }
    return await(req.sendBuffer(Buffer.buffer(body)));
  }

  private static String sign(String body) {
    return Hmac.header(HOOK_SECRET, body.getBytes(StandardCharsets.UTF_8));
  }

  private long runs() {
    return f.get("/api/v1/syncs", TOKEN).bodyAsJsonObject().getLong("total");
  }

  @Test
  void onlyCorrectlySignedFreshDeliveriesStartARun() {
    String body = "{\"ref\":\"refs/heads/main\",\"after\":\"abc123\"}";
    String now = Long.toString(System.currentTimeMillis() / 1000);

    assertEquals(401, deliver(body, "X-Ferry-Signature-256", null, "d-1", now).statusCode(), "missing signature");
    assertEquals(401, deliver(body, "X-Ferry-Signature-256", "sha256=" + "0".repeat(64), "d-1", now).statusCode(),
        "wrong signature");
    assertEquals(401, deliver(body, "X-Ferry-Signature-256", Hmac.header("another-secret-0123456789", body.getBytes()),
        "d-1", now).statusCode(), "signed with another secret");
    assertEquals(401, deliver(body + " ", "X-Ferry-Signature-256", sign(body), "d-1", now).statusCode(),
        "body changed after signing");
    HttpResponse<Buffer> stale = deliver(body, "X-Ferry-Signature-256", sign(body), "d-1",
        Long.toString(System.currentTimeMillis() / 1000 - 3600));
    assertEquals(401, stale.statusCode());
    assertTrue(stale.bodyAsJsonObject().getString("detail").contains("stale"));
    assertEquals(401, deliver(body, "X-Ferry-Signature-256", sign(body), null, now).statusCode(), "no delivery id");
    assertEquals(0, runs(), "nothing ran");

    HttpResponse<Buffer> ok = deliver(body, "X-Ferry-Signature-256", sign(body), "d-1", now);
    assertEquals(202, ok.statusCode(), ok::bodyAsString);
    JsonObject run = f.awaitRun(ok.bodyAsJsonObject().getString("id"));
    assertEquals("webhook:deploy", run.getString("trigger"));
    assertEquals("succeeded", run.getString("status"), run::encodePrettily);

    HttpResponse<Buffer> replay = deliver(body, "X-Ferry-Signature-256", sign(body), "d-1", now);
    assertEquals(401, replay.statusCode());
    assertTrue(replay.bodyAsJsonObject().getString("detail").contains("replayed"));
    assertEquals(1, runs(), "the replay started nothing");

    HttpResponse<Buffer> github = deliver(body, "X-Hub-Signature-256", sign(body), "gh-72d3162e", null);
    assertEquals(202, github.statusCode(), github::bodyAsString);
    f.awaitRun(github.bodyAsJsonObject().getString("id"));
    assertEquals(404, f.post("/api/v1/webhooks/nope", null, body).statusCode());
  }

  @Test
  void aFinishedRunIsPostedSignedToTheNotificationUrlAfterARetry() {
    String id = f.post("/api/v1/syncs", TOKEN, "{\"tables\":[\"organizations\"]}").bodyAsJsonObject().getString("id");
    f.awaitRun(id);
    for (int i = 0; i < 100 && bodies.isEmpty(); i++) {
      ServerFixture.sleep(100);
    }
    assertEquals(1, bodies.size(), "delivered once after the failed first try");
    assertEquals(2, attempts.get());
    JsonObject payload = bodies.get(0).toJsonObject();
    assertEquals(id, payload.getString("runId"));
    assertEquals("succeeded", payload.getString("status"));
    assertTrue(payload.getString("text").startsWith("Ferry incremental sync succeeded"), payload::encode);
    assertEquals(Hmac.header(NOTIFY_SECRET, bodies.get(0).getBytes()), headers.get(0).get("X-Ferry-Signature-256"));
    assertEquals("run.finished", headers.get(0).get("X-Ferry-Event"));
  }
}
