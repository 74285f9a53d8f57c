package dev.ferry.sync;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * Bounds how long a statement of bounded size (a batch, a COMMIT) may go unanswered. A stalled network (a NAT
 * or proxy that stops passing bytes without closing anything) produces no error, and closing the connection does
 * not help: the client's close waits on the same silent peer. So the wait itself is given up on: the statement
 * fails as a lost connection, which the table's retry handles on a new connection.
 */
final class StallGuard {
  private StallGuard() {}

  static <T> Future<T> within(Vertx vertx, int seconds, Future<T> work) {
    Promise<T> out = Promise.promise();
    long timer = vertx.setTimer(seconds * 1000L, id -> out.tryFail(new StalledException(seconds)));
    work.onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        out.tryComplete(ar.result());
      } else {
        out.tryFail(ar.cause());
      }
    });
    return out.future();
  }

  /** An IOException, so {@link Retry} treats it as a lost connection. */
  static final class StalledException extends java.io.IOException {
    StalledException(int seconds) {
      super("no answer from the target for " + seconds + " s (sync.stallTimeoutSeconds): connection abandoned");
    }
  }
}
