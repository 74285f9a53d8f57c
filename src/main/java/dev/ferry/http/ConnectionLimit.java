package dev.ferry.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cap on open HTTP connections (WebSockets are connections too), so a flood of clients cannot exhaust the
 * server's memory or file descriptors. A connection over the cap is not served: its first request is answered 503
 * (problem+json, "Connection: close") and the connection closed; one that sends nothing is closed after a short
 * grace. Connections already admitted keep working, and a new one is admitted as soon as one of them closes.
 */
final class ConnectionLimit implements Handler<HttpConnection> {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimit.class);
  /** How long a refused connection may stay open without sending a request to be told why. */
  static final long REFUSED_GRACE_MS = 2000;
  private static final long WARN_EVERY_MS = 60_000;

  private final Vertx vertx;
  private final int max;
  private final AtomicInteger admitted = new AtomicInteger();
  private final AtomicLong refusedTotal = new AtomicLong();
  private final Set<HttpConnection> refused = ConcurrentHashMap.newKeySet();
  private volatile long lastWarning;

  ConnectionLimit(Vertx vertx, int max) {
    this.vertx = vertx;
    this.max = max;
  }

  @Override
  public void handle(HttpConnection connection) {
    if (admit()) {
      connection.closeHandler(v -> admitted.decrementAndGet());
      return;
    }
    refused.add(connection);
    refusedTotal.incrementAndGet();
    connection.closeHandler(v -> refused.remove(connection));
    vertx.setTimer(REFUSED_GRACE_MS, id -> {
      if (refused.contains(connection)) {
        connection.close();
      }
    });
    long now = System.currentTimeMillis();
    if (now - lastWarning > WARN_EVERY_MS) {
      lastWarning = now;
      LOG.warn("{} HTTP connections are open, the most api.limits.maxConnections allows: refusing new ones"
          + " ({} refused so far)", max, refusedTotal.get());
    }
  }

  private boolean admit() {
    while (true) {
      int n = admitted.get();
      if (n >= max) {
        return false;
      }
      if (admitted.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /** True (and the request answered 503) when the request came on a connection over the cap. */
  boolean refuses(HttpServerRequest request) {
    HttpConnection connection = request.connection();
    if (!refused.contains(connection)) {
      return false;
    }
    request.response().putHeader("Connection", "close").putHeader("Retry-After", "1");
    Problems.send(request.response(), request.path(), 503, "Service Unavailable", "the server has " + max
        + " connections open, the most it takes (api.limits.maxConnections); retry when fewer are open");
    request.response().endHandler(v -> connection.close()); // the response header alone does not close it

    return true;
  }

  /** Connections being served now. */
  int open() {
    return admitted.get();
  }

  /** Connections refused since the server started. */
  long refusedTotal() {
    return refusedTotal.get();
  }
}
