package dev.ferry.sync;

import dev.ferry.progress.ProgressBus;
import dev.ferry.progress.ProgressEvent;
import dev.ferry.result.Phase;
import dev.ferry.result.PhaseOutcome;
import dev.ferry.result.RunSummary;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/** A run's phases as they happen: each announced, timed, judged and kept for the summary. */
final class PhaseLog {
  private final String runId;
  private final ProgressBus bus;
  private final Function<Throwable, String> message;
  private final List<RunSummary.PhaseResult> phases = new ArrayList<>();

  /** @param message what a failed phase's line says of its error (scrubbed) */
  PhaseLog(String runId, ProgressBus bus, Function<Throwable, String> message) {
    this.runId = runId;
    this.bus = bus;
    this.message = message;
  }

  Future<Void> skipped(Phase name, String why) {
    bus.publish(new ProgressEvent.PhaseStarted(runId, name, "skipped"));
    phases.add(new RunSummary.PhaseResult(name, PhaseOutcome.SKIPPED, 0, List.of(why)));
    bus.publish(new ProgressEvent.PhaseFinished(runId, name, PhaseOutcome.SKIPPED, 0, List.of(why)));
    return Future.succeededFuture();
  }

  <T> Future<T> phase(Phase name, String description, Supplier<Future<T>> work, Function<T, List<String>> details) {
    return phase(name, description, work, details, () -> PhaseOutcome.OK);
  }

  /**
   * {@code verdict}: the outcome of a phase whose work completed, "ok" unless what it did says otherwise (a
   * table that failed in it, a difference validation found), so that no "✓ ok" stands above a failure.
   */
  <T> Future<T> phase(Phase name, String description, Supplier<Future<T>> work, Function<T, List<String>> details,
      Supplier<PhaseOutcome> verdict) {
    bus.publish(new ProgressEvent.PhaseStarted(runId, name, description));
    long start = System.nanoTime();
    return work.get().andThen(ar -> {
      long ms = (System.nanoTime() - start) / 1_000_000;
      List<String> lines = ar.succeeded() ? details.apply(ar.result()) : List.of(message.apply(ar.cause()));
      PhaseOutcome outcome = ar.succeeded() ? verdict.get() : Failures.phase(ar.cause());
      phases.add(new RunSummary.PhaseResult(name, outcome, ms, lines));
      bus.publish(new ProgressEvent.PhaseFinished(runId, name, outcome, ms, lines));
    });
  }

  List<RunSummary.PhaseResult> results() {
    return List.copyOf(phases);
  }
}
