package dev.ferry.status;

import io.vertx.core.Future;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One status computation shared by every viewer, so that a team with the dashboard open costs production what one
 * viewer does: at most one computation in flight (callers meanwhile get the same future), its result reused until it
 * is {@code maxAgeMs} old, and dropped when a run finishes so the next viewer sees what the run wrote. Used from one
 * event loop (the server's), so it needs no locks.
 */
public final class SharedStatus {
  private final Supplier<Future<Status>> compute;
  private final long maxAgeMs;
  private final LongSupplier clock;
  private Future<Status> inFlight;
  private Status last;
  private long lastAt;
  private long computations;

  public SharedStatus(Supplier<Future<Status>> compute, long maxAgeMs) {
    this(compute, maxAgeMs, System::currentTimeMillis);
  }

  SharedStatus(Supplier<Future<Status>> compute, long maxAgeMs, LongSupplier clock) {
    this.compute = compute;
    this.maxAgeMs = maxAgeMs;
    this.clock = clock;
  }

  /** What the status was at most {@code maxAgeMs} ago, computing it only if nobody is. */
  public Future<Shared> get() {
    long now = clock.getAsLong();
    if (last != null && now - lastAt < maxAgeMs) {
      return Future.succeededFuture(new Shared(last, lastAt));
    }
    if (inFlight == null) {
      computations++;
      long started = now;
      inFlight = compute.get().andThen(ar -> {
        inFlight = null;
        if (ar.succeeded()) {
          last = ar.result();
          lastAt = started;
        }
      });
    }
    return inFlight.map(s -> new Shared(s, lastAt));
  }

  /** The next viewer gets a fresh status (a run finished: counts changed). */
  public void invalidate() {
    last = null;
  }

  /** How many times the status was computed (what reached the databases). */
  public long computations() {
    return computations;
  }

  /** A status and when its computation started (epoch ms). */
  public record Shared(Status status, long asOf) {}
}
