package dev.ferry.sync;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import java.io.IOException;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/** Exponential backoff for transient failures: lost connections, serialization failures, deadlocks. */
final class Retry {
  /** serialization_failure, deadlock_detected, connection exceptions, admin shutdown, cannot connect now. */
  private static final Set<String> TRANSIENT_STATES =
      Set.of("40001", "40P01", "08000", "08001", "08003", "08004", "08006", "57P01", "57P02", "57P03", "53300");

  private Retry() {}

  static boolean isTransient(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof PgException pg) {
        return pg.getSqlState() != null && TRANSIENT_STATES.contains(pg.getSqlState());
      }
      if (t instanceof IOException || t.getClass().getSimpleName().contains("ClosedConnection")
          || (t instanceof VertxException && String.valueOf(t.getMessage()).toLowerCase().contains("closed"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Runs {@code work} up to {@code tries} times, waiting {@code baseDelayMs}, then twice that, and so on, between
   * tries. {@code onRetry} hears of each retry (attempt number, cause).
   */
  static <T> Future<T> run(Vertx vertx, int tries, long baseDelayMs, Supplier<Future<T>> work,
      BiConsumer<Integer, Throwable> onRetry) {
    return attempt(vertx, 1, tries, baseDelayMs, work, onRetry);
  }

  private static <T> Future<T> attempt(Vertx vertx, int n, int tries, long delay, Supplier<Future<T>> work,
      BiConsumer<Integer, Throwable> onRetry) {
    return work.get().recover(err -> {
      if (n >= tries || !isTransient(err)) {
        return Future.failedFuture(err);
      }
      onRetry.accept(n + 1, err);
      Promise<Void> wait = Promise.promise();
      vertx.setTimer(Math.max(1, delay), id -> wait.complete());
      return wait.future().compose(v -> attempt(vertx, n + 1, tries, delay * 2, work, onRetry));
    });
  }
}
