package dev.ferry.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One computation for every viewer: the sharing rules, on a clock of the test's own. */
class SharedStatusTest {
  private final List<Promise<Status>> computations = new ArrayList<>();
  private long now = 1_000;
  private final SharedStatus shared = new SharedStatus(() -> {
    Promise<Status> p = Promise.promise();
    computations.add(p);
    return p.future();
  }, 5_000, () -> now);

  private static Status status(String recommendation) {
    return new Status(null, null, List.of(), recommendation, true, null);
  }

  @Test
  void viewersArrivingWhileItIsComputedShareTheOneComputation() {
    List<Future<SharedStatus.Shared>> viewers = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      viewers.add(shared.get());
    }
    assertEquals(1, computations.size(), "one computation for a hundred viewers");
    Status first = status("first");
    computations.get(0).complete(first);
    viewers.forEach(v -> assertSame(first, v.result().status()));
    assertEquals(1_000, viewers.get(99).result().asOf());
  }

  @Test
  void aResultIsReusedUntilItIsTooOldOrARunFinished() {
    shared.get();
    computations.get(0).complete(status("first"));
    now += 4_999;
    assertEquals("first", shared.get().result().status().recommendation());
    assertEquals(1, shared.computations());
    now += 1;
    shared.get();
    assertEquals(2, shared.computations(), "five seconds old: computed again");
    computations.get(1).complete(status("second"));
    shared.invalidate();
    shared.get();
    assertEquals(3, shared.computations(), "a run finished: the next viewer gets fresh counts");
  }

  @Test
  void aFailedComputationIsNotKept() {
    Future<SharedStatus.Shared> v = shared.get();
    computations.get(0).fail("source unreachable");
    assertTrue(v.failed());
    shared.get();
    assertEquals(2, shared.computations(), "the next viewer tries again");
  }
}
