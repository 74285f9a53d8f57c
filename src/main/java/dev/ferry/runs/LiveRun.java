package dev.ferry.runs;

import dev.ferry.plan.SyncOptions;
import dev.ferry.progress.ProgressEvent;
import dev.ferry.result.RunSummary;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A run in progress as its listeners see it: phases so far, each table's latest progress, warnings and a log
 * tail, folded from the run's progress events. New WebSocket clients get {@link #snapshot()} before live events.
 */
public final class LiveRun {
  private static final int LOG_TAIL = 100;

  final String id;
  final String trigger;
  final SyncOptions options;
  /** As the history and the dashboard name the run: the sync's mode, {@code validate}, or {@code pull …}. */
  final String mode;
  final long startedAtMs;
  final AtomicBoolean cancel = new AtomicBoolean();
  final Promise<RunSummary> done = Promise.promise();
  final String target;
  /** What holds the target for it (set before the run takes it). */
  TargetSlots.Slot slot;
  String deploymentId;

  private final List<JsonObject> phases = new ArrayList<>();
  private final Map<String, JsonObject> tables = new LinkedHashMap<>();
  private final List<String> warnings = new ArrayList<>();
  private final Deque<String> log = new ArrayDeque<>();
  /** Everything but progress ticks, with timestamps: what the history keeps. */
  private final List<JsonObject> compact = new ArrayList<>();

  LiveRun(String id, String trigger, SyncOptions options, String mode, String target) {
    this.id = id;
    this.trigger = trigger;
    this.options = options;
    this.mode = mode;
    this.target = target;
    this.startedAtMs = System.currentTimeMillis();
  }

  public String id() {
    return id;
  }

  /** Completes with the summary once the run has ended and its history is written. */
  public io.vertx.core.Future<RunSummary> finished() {
    return done.future();
  }

  synchronized void on(ProgressEvent event, JsonObject json) {
    long now = System.currentTimeMillis();
    if (!(event instanceof ProgressEvent.TableProgress) && !(event instanceof ProgressEvent.RunFinished)) {
      compact.add(json.copy().put("at", now));
    }
    if (event instanceof ProgressEvent.PhaseStarted p) {
      phases.add(new JsonObject().put("phase", p.phase().wire()).put("outcome", "running").put("description", p.description())
          .put("startedAt", now));
      line("phase " + p.phase() + " started");
    } else if (event instanceof ProgressEvent.PhaseFinished p) {
      phases.stream().filter(x -> x.getString("phase").equals(p.phase().wire())).reduce((a, b) -> b)
          .ifPresent(x -> x.put("outcome", p.outcome().wire()).put("durationMs", p.durationMs()).put("finishedAt", now));
      line("phase " + p.phase() + " " + p.outcome() + " in " + p.durationMs() + " ms");
    } else if (event instanceof ProgressEvent.TableStarted t) {
      tables.put(t.table(), new JsonObject().put("table", t.table()).put("state", "running").put("path", t.path())
          .put("rowsDone", 0L).put("rowsTotal", t.sourceRows()).put("rowsWritten", 0L).put("rowsPerSecond", 0.0)
          .put("startedAt", now));
      line(t.table() + ": started (" + t.path() + ")");
    } else if (event instanceof ProgressEvent.TableProgress t) {
      tables.computeIfAbsent(t.table(), k -> new JsonObject().put("table", k))
          .put("state", "running").put("rowsDone", t.rowsDone()).put("rowsTotal", t.rowsTotal())
          .put("rowsWritten", t.rowsWritten()).put("rowsPerSecond", t.rowsPerSecond());
    } else if (event instanceof ProgressEvent.TableFinished t) {
      var r = t.result();
      tables.computeIfAbsent(r.table(), k -> new JsonObject().put("table", k))
          .put("state", r.outcome().name().toLowerCase()).put("rowsDone", r.sourceRows())
          .put("rowsTotal", r.sourceRows()).put("rowsWritten", r.written()).put("inserted", r.inserted())
          .put("updated", r.updated()).put("deleted", r.deleted()).put("finishedAt", now);
      line(r.table() + ": " + r.outcome().name().toLowerCase() + ", " + r.written() + " rows written");
    } else if (event instanceof ProgressEvent.TableCompared c) {
      tables.computeIfAbsent(c.table(), k -> new JsonObject().put("table", k)).put("compared", new JsonObject()
          .put("ranges", c.ranges()).put("rangesDiffering", c.rangesDiffering()).put("rowsCompared", c.rowsCompared())
          .put("rowsToCopy", c.rowsToCopy()).put("rowsOnlyOnTarget", c.rowsOnlyOnTarget()));
      line(c.table() + ": " + c.rangesDiffering() + " of " + c.ranges() + " key ranges differ; " + c.rowsToCopy()
          + " rows to copy, " + c.rowsOnlyOnTarget() + " only on the target" + (c.productionEdits() + c.productionInserts()
          + c.productionDeletes() + c.conflicts() == 0 ? "" : "; production since the last verified sync: "
          + c.productionEdits() + " edited, " + c.productionInserts() + " added, " + c.productionDeletes() + " deleted, "
          + c.conflicts() + " changed on both sides"));
    } else if (event instanceof ProgressEvent.Warning w) {
      String text = (w.table() == null ? "" : w.table() + ": ") + w.message();
      warnings.add(text);
      line("warning: " + text);
    } else if (event instanceof ProgressEvent.RunStarted r) {
      line("run started: " + r.mode() + (r.dryRun() ? " (dry run)" : ""));
    } else if (event instanceof ProgressEvent.RunFinished r) {
      line("run finished: " + r.summary().status().name().toLowerCase() + ": " + r.summary().message());
    }
  }

  private void line(String text) {
    if (log.size() == LOG_TAIL) {
      log.removeFirst();
    }
    log.addLast(text);
  }

  synchronized List<JsonObject> compactEvents() {
    return List.copyOf(compact);
  }

  public synchronized JsonObject snapshot() {
    JsonArray t = new JsonArray();
    tables.values().forEach(x -> t.add(x.copy()));
    return new JsonObject()
        .put("id", id)
        .put("node", slot == null ? null : slot.node())
        .put("trigger", trigger)
        .put("mode", mode)
        .put("dryRun", options.dryRun())
        .put("status", cancel.get() ? "cancelling" : "running")
        .put("startedAt", java.time.Instant.ofEpochMilli(startedAtMs).toString())
        // The server's clock when this was taken: a page maps the ms times above onto its own clock with it.
        .put("now", System.currentTimeMillis())
        .put("phases", new JsonArray(phases.stream().map(JsonObject::copy).toList()))
        .put("tables", t)
        .put("warnings", new JsonArray(List.copyOf(warnings)))
        .put("log", new JsonArray(List.copyOf(log)));
  }
}
