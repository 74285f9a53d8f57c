package dev.ferry.runs;

import dev.ferry.config.ApiSettings;
import dev.ferry.control.RunHistory;
import dev.ferry.error.ErrorCode;
import dev.ferry.error.FerryException;
import dev.ferry.plan.SyncOptions;
import dev.ferry.sync.Syncs;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the configured syncs and validations when their cron expressions come round ({@code api.schedules}), as
 * runs with trigger {@code schedule}. A schedule that finds its target busy records a skip, never a second run; in a
 * cluster, the first node to claim a firing takes it and the others leave it. Timers live on the
 * server's event loop; a paused schedule keeps its place and starts nothing until resumed.
 */
public final class Scheduler {
  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
  public static final String TRIGGER = "schedule";

  private final Vertx vertx;
  private final RunManager runs;
  private final RunHistory history;
  private final String target;
  private final Clock clock;
  private final Map<String, Entry> entries = new LinkedHashMap<>();

  /** One schedule's state: what it starts, whether it is paused, when it fires next and what it did last. */
  private static final class Entry {
    final ApiSettings.Schedule schedule;
    final SyncOptions options;
    boolean paused;
    ZonedDateTime next;
    long timer = -1;
    String lastRun;
    String lastOutcome;
    ZonedDateTime lastAt;

    Entry(ApiSettings.Schedule schedule, SyncOptions options) {
      this.schedule = schedule;
      this.options = options;
    }
  }

  /** @param parse a schedule's options as a run's (the API's rules: {@code http.SyncRequest}) */
  public Scheduler(Vertx vertx, RunManager runs, RunHistory history, String target,
      Map<String, ApiSettings.Schedule> schedules, Function<ApiSettings.Schedule, SyncOptions> parse, Clock clock) {
    this.vertx = vertx;
    this.runs = runs;
    this.history = history;
    this.target = target;
    this.clock = clock;
    schedules.forEach((name, s) -> entries.put(name, new Entry(s, parse.apply(s))));
  }

  /** Arms every schedule's next firing. */
  public void start() {
    entries.values().forEach(this::arm);
  }

  public void stop() {
    entries.values().forEach(e -> vertx.cancelTimer(e.timer));
  }

  private void arm(Entry e) {
    ZonedDateTime now = ZonedDateTime.now(clock);
    e.next = e.schedule.cron().next(now);
    long delay = Math.max(1, e.next.toInstant().toEpochMilli() - now.toInstant().toEpochMilli());
    e.timer = vertx.setTimer(delay, id -> fire(e));
  }

  private void fire(Entry e) {
    ZonedDateTime due = e.next;
    arm(e); // the next firing is armed first: whatever this one does, the schedule keeps going
    if (e.paused) {
      return;
    }
    e.lastAt = due;
    // In a cluster every node's schedule fires: the first node to claim this firing runs it, the others leave it.
    runs.slots().first("schedule " + e.schedule.name() + " " + due.toInstant()).onComplete(ar -> {
      if (ar.succeeded() && ar.result()) {
        start(e, due);
      } else {
        e.lastOutcome = "elsewhere";
        e.lastRun = null;
        LOG.debug("schedule {}: another node took the firing due at {}", e.schedule.name(), due);
      }
    });
  }

  private void start(Entry e, ZonedDateTime due) {
    (e.schedule.validate() ? runs.startValidation(e.options, TRIGGER) : runs.start(e.options, TRIGGER)).onSuccess(run -> {
      e.lastRun = run.id;
      e.lastOutcome = "started";
      LOG.info("schedule {} started run {}", e.schedule.name(), run.id);
    }).onFailure(err -> {
      String runId = Syncs.newRunId();
      e.lastRun = runId;
      e.lastOutcome = "skipped";
      String why = "skipped: schedule " + e.schedule.name() + " was due at " + due + " but "
          + (FerryException.is(err, ErrorCode.CONFLICT) ? "another run held the target"
              : "the run could not start: " + err.getMessage());
      LOG.warn("{}", why);
      history.skipped(runId, TRIGGER, target, e.schedule.validate() ? "validate" : e.options.mode().label(), e.options, why)
          .onFailure(x -> LOG.warn("schedule {}: could not record the skip: {}", e.schedule.name(), x.getMessage()));
    });
  }

  /** Pauses or resumes a schedule; empty when there is no such schedule. */
  public Optional<JsonObject> pause(String name, boolean paused) {
    Entry e = entries.get(name);
    if (e == null) {
      return Optional.empty();
    }
    e.paused = paused;
    return Optional.of(json(e));
  }

  public JsonArray list() {
    JsonArray out = new JsonArray();
    entries.values().forEach(e -> out.add(json(e)));
    return out;
  }

  private static JsonObject json(Entry e) {
    return new JsonObject().put("name", e.schedule.name()).put("cron", e.schedule.cron().text())
        .put("zone", e.schedule.cron().zone().getId())
        .put("action", e.schedule.validate() ? "validate" : "sync").put("options", e.schedule.options().copy())
        .put("paused", e.paused).put("next", e.next == null ? null : e.next.toOffsetDateTime().toString())
        .put("last", e.lastOutcome == null ? null : last(e));
  }

  /** What the schedule did last; no run id when another node of the cluster took the firing. */
  private static JsonObject last(Entry e) {
    JsonObject last = new JsonObject().put("at", e.lastAt.toOffsetDateTime().toString()).put("outcome", e.lastOutcome);
    return e.lastRun == null ? last : last.put("runId", e.lastRun);
  }
}
