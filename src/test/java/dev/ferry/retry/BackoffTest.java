package dev.ferry.retry;

import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Backoff on its own, no database: how many tries, how long between them, which failures end it at once. */
class BackoffTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    await(vertx.close());
  }

  @Test
  void triesUntilItWorksWaitingTwiceAsLongEachTime() {
    AtomicInteger calls = new AtomicInteger();
    List<Long> startedAt = new ArrayList<>();
    List<Integer> announced = new ArrayList<>();
    String result = await(new Backoff(4, 50).run(vertx, () -> {
      startedAt.add(System.nanoTime());
      return calls.incrementAndGet() < 4 ? Future.failedFuture("not yet") : Future.succeededFuture("done");
    }, err -> true, (n, err) -> announced.add(n)));
    assertEquals("done", result);
    assertEquals(4, calls.get());
    assertEquals(List.of(2, 3, 4), announced);
    for (int i = 1; i < startedAt.size(); i++) {
      long waitedMs = (startedAt.get(i) - startedAt.get(i - 1)) / 1_000_000;
      long planned = 50L << (i - 1);
      assertTrue(waitedMs >= planned && waitedMs < planned + 1000, "wait " + i + ": " + waitedMs + " ms, planned " + planned);
    }
  }

  @Test
  void givesUpAfterItsTriesWithTheLastFailure() {
    AtomicInteger calls = new AtomicInteger();
    RuntimeException last = assertThrows(RuntimeException.class, () -> await(new Backoff(3, 1).run(vertx,
        () -> Future.failedFuture(new IllegalStateException("failure " + calls.incrementAndGet())), err -> true,
        (n, err) -> { })));
    assertEquals(3, calls.get());
    assertTrue(String.valueOf(last.getMessage()).contains("failure 3"), last.toString());
  }

  @Test
  void aFailureNotWorthRetryingEndsItAtOnce() {
    AtomicInteger calls = new AtomicInteger();
    assertThrows(RuntimeException.class, () -> await(new Backoff(5, 1).run(vertx,
        () -> Future.failedFuture(new IllegalArgumentException("bad input " + calls.incrementAndGet())),
        err -> !(err instanceof IllegalArgumentException), (n, err) -> { })));
    assertEquals(1, calls.get());
  }
}
