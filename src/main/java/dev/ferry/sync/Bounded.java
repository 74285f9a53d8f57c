package dev.ferry.sync;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import java.util.function.Function;

/** Runs work over items with at most {@code limit} at a time; completes when all have (failures included). */
final class Bounded {
  private Bounded() {}

  static <T> Future<Void> forEach(List<T> items, int limit, Function<T, Future<?>> work) {
    if (items.isEmpty()) {
      return Future.succeededFuture();
    }
    Promise<Void> all = Promise.promise();
    int[] next = {0};
    int[] running = {0};
    Runnable[] startNext = new Runnable[1];
    startNext[0] = () -> {
      while (running[0] < limit && next[0] < items.size()) {
        T item = items.get(next[0]++);
        running[0]++;
        work.apply(item).onComplete(ar -> {
          running[0]--;
          if (next[0] >= items.size() && running[0] == 0) {
            all.tryComplete();
          } else {
            startNext[0].run();
          }
        });
      }
    };
    startNext[0].run();
    return all.future();
  }
}
