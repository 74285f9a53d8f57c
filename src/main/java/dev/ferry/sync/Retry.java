package dev.ferry.sync;

import dev.ferry.retry.Backoff;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import java.io.IOException;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/** Which failures are transient (lost connections, serialization failures, deadlocks), and retrying those. */
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

  /** {@code work} with {@link Backoff}, retrying transient failures only. */
  static <T> Future<T> run(Vertx vertx, int tries, long baseDelayMs, Supplier<Future<T>> work,
      BiConsumer<Integer, Throwable> onRetry) {
    return new Backoff(tries, baseDelayMs).run(vertx, work, Retry::isTransient, onRetry);
  }
}
