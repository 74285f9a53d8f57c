package dev.ferry.sync;

import dev.ferry.db.SqlState;
import dev.ferry.retry.Backoff;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import java.io.IOException;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/** Which failures are transient (lost connections, serialization failures, deadlocks), and retrying those. */
final class Retry {
  private Retry() {}

  static boolean isTransient(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String state = SqlState.of(t);
      if (state != null) {
        return SqlState.TRANSIENT.contains(state);
      }
      if (t instanceof IOException || t.getClass().getSimpleName().contains("ClosedConnection")
          || (t instanceof VertxException && String.valueOf(t.getMessage()).toLowerCase().contains("closed"))) {
        return true;
      }
    }
    return false;
  }

  /** {@code work} with {@link Backoff}, retrying transient failures only. */
  static <T> Future<T> run(Vertx vertx, int tries, long baseDelayMs, Supplier<Future<T>> work,
      BiConsumer<Integer, Throwable> onRetry) {
    return new Backoff(tries, baseDelayMs).run(vertx, work, Retry::isTransient, onRetry);
  }
}
