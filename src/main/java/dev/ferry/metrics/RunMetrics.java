package dev.ferry.metrics;

import dev.ferry.progress.ProgressBus;
import dev.ferry.progress.ProgressEvent;
import dev.ferry.result.TableResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Sync meters, fed by the progress stream: rows written per table, run durations by mode and outcome, a batch
 * latency histogram and the number of active runs. Vert.x's own meters (HTTP, pools, JVM) sit in the same registry.
 */
public final class RunMetrics {
  private final MeterRegistry registry;
  private final MessageConsumer<String> listener;
  private final DistributionSummary batchLatency;
  /** Dry runs report what they would write; the rows-written meter counts real writes only. */
  private final Set<String> dryRuns = new HashSet<>();

  public RunMetrics(Vertx vertx, MeterRegistry registry, Supplier<Number> activeRuns) {
    this.registry = registry;
    Gauge.builder("ferry_active_runs", activeRuns).description("sync runs in progress").register(registry);
    this.batchLatency = DistributionSummary.builder("ferry_batch_latency_seconds")
        .description("round trip of one batch written to the target")
        .baseUnit("seconds")
        .serviceLevelObjectives(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)
        .register(registry);
    this.listener = new ProgressBus(vertx).listen(this::on);
  }

  private void on(ProgressEvent event) {
    if (event instanceof ProgressEvent.RunStarted s && s.dryRun()) {
      dryRuns.add(s.runId());
    } else if (event instanceof ProgressEvent.TableProgress p) {
      p.batchMillis().forEach(ms -> batchLatency.record(ms / 1000.0));
    } else if (event instanceof ProgressEvent.TableFinished f && !dryRuns.contains(f.runId())) {
      TableResult r = f.result();
      count(r.table(), "insert", r.inserted());
      count(r.table(), "update", r.updated());
      count(r.table(), "delete", r.deleted());
      count(r.table(), "link", r.linked());
    } else if (event instanceof ProgressEvent.TableCompared c && !dryRuns.contains(c.runId())) {
      found(c.table(), "edit", c.productionEdits());
      found(c.table(), "insert", c.productionInserts());
      found(c.table(), "delete", c.productionDeletes());
      found(c.table(), "conflict", c.conflicts());
    } else if (event instanceof ProgressEvent.RunFinished f) {
      dryRuns.remove(f.runId());
      Timer.builder("ferry_run_duration").description("wall time of a sync run")
          .tag("mode", f.summary().mode()).tag("dry_run", Boolean.toString(f.summary().dryRun()))
          .tag("status", f.summary().status().name().toLowerCase())
          .register(registry).record(Duration.ofMillis(f.summary().durationMs()));
    }
  }

  private void count(String table, String kind, long rows) {
    if (rows > 0) {
      Counter.builder("ferry_rows_written").description("rows written to the target")
          .tag("table", table).tag("kind", kind).register(registry).increment(rows);
    }
  }

  /** Rows production changed since the last verified sync, by a transaction that was not Ferry's. */
  private void found(String table, String kind, long rows) {
    if (rows > 0) {
      Counter.builder("ferry_production_edits_found").description("rows production changed since the last verified"
          + " sync, found by a comparison").tag("table", table).tag("kind", kind).register(registry).increment(rows);
    }
  }

  public Future<Void> close() {
    return listener.unregister();
  }
}
