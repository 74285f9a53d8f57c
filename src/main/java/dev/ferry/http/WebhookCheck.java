package dev.ferry.http;

import dev.ferry.config.ApiSettings;
import dev.ferry.notify.Hmac;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Inbound webhook checks. The signature is HMAC-SHA256 of the raw body with the hook's secret, sent as
 * {@code X-Ferry-Signature-256: sha256=<hex>} or GitHub's {@code X-Hub-Signature-256}, compared in constant time.
 * Replays: every delivery carries an id ({@code X-Ferry-Delivery} or {@code X-GitHub-Delivery}); an id seen in the
 * last 24 hours is refused, and a {@code X-Ferry-Timestamp} (Unix seconds) more than 5 minutes off is stale.
 */
final class WebhookCheck {
  static final long MAX_SKEW_SECONDS = 300;
  private static final long REMEMBER_MS = 24 * 3600 * 1000L;
  private static final int REMEMBER_MAX = 10_000;

  private final LongSupplier clock;
  /** Delivery id → when it was accepted, oldest first; bounded so replay protection cannot exhaust memory. */
  private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();

  WebhookCheck(LongSupplier clock) {
    this.clock = clock;
  }

  /** The reason the delivery is refused, or empty when it may run; an accepted delivery id is remembered. */
  synchronized Optional<String> refuse(ApiSettings.Webhook hook, MultiMap headers, Buffer body) {
    String signature = headers.get("X-Ferry-Signature-256");
    if (signature == null) {
      signature = headers.get("X-Hub-Signature-256");
    }
    if (signature == null) {
      return Optional.of("missing signature: send X-Ferry-Signature-256: sha256=<hex HMAC-SHA256 of the body>");
    }
    if (!signature.startsWith("sha256=")
        || !MessageDigest.isEqual(signature.substring(7).trim().toLowerCase().getBytes(StandardCharsets.US_ASCII),
            Hmac.sha256Hex(hook.secret(), body.getBytes()).getBytes(StandardCharsets.US_ASCII))) {
      return Optional.of("signature does not match (HMAC-SHA256 of the raw body with the hook's secret)");
    }
    String delivery = deliveryId(headers);
    if (delivery == null || delivery.isBlank() || delivery.length() > 200) {
      return Optional.of("missing delivery id: send a unique X-Ferry-Delivery with each delivery");
    }
    long now = clock.getAsLong();
    String timestamp = headers.get("X-Ferry-Timestamp");
    if (timestamp != null) {
      long sent;
      try {
        sent = Long.parseLong(timestamp.trim());
      } catch (NumberFormatException e) {
        return Optional.of("X-Ferry-Timestamp must be Unix seconds");
      }
      // Compared without subtracting: now - sent overflows for timestamps near Long.MIN_VALUE, and the absolute
      // value of Long.MIN_VALUE is negative, which would pass for fresh.
      long nowSeconds = now / 1000;
      if (sent < nowSeconds - MAX_SKEW_SECONDS || sent > nowSeconds + MAX_SKEW_SECONDS) {
        return Optional.of("stale delivery: X-Ferry-Timestamp is more than " + MAX_SKEW_SECONDS + " s from the server's clock");
      }
    }
    forgetOld(now);
    String key = hook.name() + "/" + delivery;
    if (seen.containsKey(key)) {
      return Optional.of("replayed delivery: id already received");
    }
    seen.put(key, now);
    return Optional.empty();
  }

  /** A delivery that did not start a run (busy target, say) may come again with the same id. */
  synchronized void forget(ApiSettings.Webhook hook, MultiMap headers) {
    String delivery = deliveryId(headers);
    if (delivery != null) {
      seen.remove(hook.name() + "/" + delivery);
    }
  }

  static String deliveryId(MultiMap headers) {
    String delivery = headers.get("X-Ferry-Delivery");
    return delivery != null ? delivery : headers.get("X-GitHub-Delivery");
  }

  private void forgetOld(long now) {
    Iterator<Map.Entry<String, Long>> it = seen.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Long> e = it.next();
      if (now - e.getValue() > REMEMBER_MS || seen.size() >= REMEMBER_MAX) {
        it.remove();
      } else {
        break;
      }
    }
  }
}
