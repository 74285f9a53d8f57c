package dev.ferry.retry;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The one way Ferry tries something again: up to {@code tries} attempts, waiting {@code baseDelayMs}, then twice
 * that, and so on, on a Vert.x timer (never blocking a thread). Table copies, recording a run's result and
 * delivering notifications all go through here; each says which failures are worth another try.
 */
public record Backoff(int tries, long baseDelayMs) {

  /**
   * @param retryable which failures get another try (the others fail at once)
   * @param onRetry   hears of each retry before its wait: the attempt about to be made (2, 3, …) and the cause
   */
  public <T> Future<T> run(Vertx vertx, Supplier<Future<T>> work, Predicate<Throwable> retryable,
      BiConsumer<Integer, Throwable> onRetry) {
    return attempt(vertx, 1, baseDelayMs, work, retryable, onRetry);
  }

  private <T> Future<T> attempt(Vertx vertx, int n, long delay, Supplier<Future<T>> work,
      Predicate<Throwable> retryable, BiConsumer<Integer, Throwable> onRetry) {
    return work.get().recover(err -> {
      if (n >= tries || !retryable.test(err)) {
        return Future.failedFuture(err);
      }
      onRetry.accept(n + 1, err);
      Promise<Void> wait = Promise.promise();
      vertx.setTimer(Math.max(1, delay), id -> wait.complete());
      return wait.future().compose(v -> attempt(vertx, n + 1, delay * 2, work, retryable, onRetry));
    });
  }
}
