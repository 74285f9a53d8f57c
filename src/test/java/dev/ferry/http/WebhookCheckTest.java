package dev.ferry.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.config.ApiSettings;
import dev.ferry.notify.Hmac;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The webhook rules on their own, with a clock the test moves: signature, delivery id, replay, skew. */
class WebhookCheckTest {
  private static final String SECRET = "hook-secret-0123456789abcdef";
  private final ApiSettings.Webhook hook = new ApiSettings.Webhook("deploy", SECRET, new JsonObject());
  private final AtomicLong nowMs = new AtomicLong(1_800_000_000_000L);
  private final WebhookCheck check = new WebhookCheck(nowMs::get);
  private final Buffer body = Buffer.buffer("{\"ref\":\"main\"}".getBytes(StandardCharsets.UTF_8));

  private MultiMap signed(String delivery) {
    return MultiMap.caseInsensitiveMultiMap()
        .add("X-Ferry-Signature-256", Hmac.header(SECRET, body.getBytes()))
        .add("X-Ferry-Delivery", delivery)
        .add("X-Ferry-Timestamp", Long.toString(nowMs.get() / 1000));
  }

  private Optional<String> refuse(MultiMap headers) {
    return check.refuse(hook, headers, body);
  }

  @Test
  void aSignedFreshDeliveryIsAcceptedOnceAndItsReplayRefused() {
    assertEquals(Optional.empty(), refuse(signed("d-1")));
    assertTrue(refuse(signed("d-1")).orElseThrow().startsWith("replayed delivery"));
    assertEquals(Optional.empty(), refuse(signed("d-2")));
  }

  @Test
  void githubsHeadersWorkToo() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("X-Hub-Signature-256", Hmac.header(SECRET, body.getBytes()))
        .add("X-GitHub-Delivery", "gh-1");
    assertEquals(Optional.empty(), refuse(headers));
  }

  @Test
  void wrongOrMissingSignaturesAndIdsAreRefusedWithTheirReason() {
    assertTrue(refuse(MultiMap.caseInsensitiveMultiMap().add("X-Ferry-Delivery", "x")).orElseThrow()
        .startsWith("missing signature"));
    MultiMap forged = signed("d-3").set("X-Ferry-Signature-256", Hmac.header("another-secret-0123456789", body.getBytes()));
    assertTrue(refuse(forged).orElseThrow().startsWith("signature does not match"));
    assertTrue(refuse(signed("d-4").set("X-Ferry-Signature-256", "md5=abc")).orElseThrow()
        .startsWith("signature does not match"));
    assertTrue(refuse(signed("").remove("X-Ferry-Delivery")).orElseThrow().startsWith("missing delivery id"));
    assertTrue(refuse(signed("x".repeat(201))).orElseThrow().startsWith("missing delivery id"));
  }

  @Test
  void timestampsMoreThanFiveMinutesOffAreStaleEvenAtTheExtremes() {
    long nowSeconds = nowMs.get() / 1000;
    assertEquals(Optional.empty(), refuse(signed("t-1").set("X-Ferry-Timestamp",
        Long.toString(nowSeconds - WebhookCheck.MAX_SKEW_SECONDS))));
    for (long sent : new long[] {nowSeconds - WebhookCheck.MAX_SKEW_SECONDS - 1,
        nowSeconds + WebhookCheck.MAX_SKEW_SECONDS + 1, Long.MIN_VALUE, Long.MAX_VALUE}) {
      assertTrue(refuse(signed("t-" + sent).set("X-Ferry-Timestamp", Long.toString(sent))).orElseThrow()
          .startsWith("stale delivery"), "sent at " + sent);
    }
    assertTrue(refuse(signed("t-x").set("X-Ferry-Timestamp", "yesterday")).orElseThrow()
        .contains("Unix seconds"));
  }

  @Test
  void aForgottenDeliveryMayComeAgainAndIdsAreRememberedForADay() {
    assertEquals(Optional.empty(), refuse(signed("f-1")));
    check.forget(hook, signed("f-1"));
    assertEquals(Optional.empty(), refuse(signed("f-1")), "a delivery that started nothing may be retried");
    nowMs.addAndGet(24 * 3600 * 1000L + 1000);
    assertEquals(Optional.empty(), refuse(signed("f-1")), "after 24 h an id is forgotten");
  }
}
