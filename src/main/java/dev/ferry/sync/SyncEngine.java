package dev.ferry.sync;

import dev.ferry.config.FerryConfig;
import dev.ferry.db.Database;
import dev.ferry.db.Side;
import dev.ferry.error.ErrorCode;
import dev.ferry.mask.MaskSql;
import dev.ferry.plan.Mode;
import dev.ferry.plan.SafetyRules;
import dev.ferry.plan.SyncOptions;
import dev.ferry.progress.ProgressBus;
import dev.ferry.progress.ProgressEvent;
import dev.ferry.result.RunSummary;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One sync run, phase by phase: schema validation, index sync, parents, id mapping, dependents, validation.
 * Everything is a composed Future on the calling context; the engine reports through {@link ProgressBus} only.
 */
public final class SyncEngine {
  /** How often a run looks whether it was cancelled, beside its own checks at batch and table boundaries. */
  private static final long CANCEL_POLL_MS = 200;
  private final Vertx vertx;
  private final FerryConfig config;
  private final ProgressBus bus;
  private final TableHosts hosts;

  public SyncEngine(Vertx vertx, FerryConfig config, ProgressBus bus) {
    this(vertx, config, bus, TableHosts.HERE);
  }

  /** An engine that may copy a level's tables on {@code hosts} too (a cluster's other nodes). */
  public SyncEngine(Vertx vertx, FerryConfig config, ProgressBus bus, TableHosts hosts) {
    this.vertx = vertx;
    this.config = config;
    this.bus = bus;
    this.hosts = hosts;
  }

  /**
   * Runs a sync. The future fails only for configuration errors (a bad table name, an impossible key); every
   * other outcome, including refusals and database failures, is a {@link RunSummary}. Setting {@code cancel} stops
   * the run at the next batch boundary.
   */
  public Future<RunSummary> run(String runId, SyncOptions options, AtomicBoolean cancel) {
    return run(runId, options, cancel, false, Direction.PUSH);
  }

  /** As {@link #run}, in the given direction. */
  public Future<RunSummary> run(String runId, SyncOptions options, AtomicBoolean cancel, Direction direction) {
    return run(runId, options, cancel, false, direction);
  }

  /**
   * Only the checks: schema, counts, then the validation phase (counts, content digests, orphans) on the
   * selected tables; nothing is written. {@code ferry validate} and {@code ferry setup} use it.
   */
  public Future<RunSummary> validateOnly(String runId, SyncOptions options) {
    return run(runId, options.withDryRun(true), new AtomicBoolean(), true, Direction.PUSH);
  }

  private Future<RunSummary> run(String runId, SyncOptions options, AtomicBoolean cancel, boolean validateOnly,
      Direction direction) {
    long startedAt = System.currentTimeMillis();
    // A pull's source is production: its sessions cannot write, and carry the masks' salt (never in the SQL).
    Database source = direction.pull()
        ? Database.openReadOnly(vertx, Side.SOURCE, config.requireSource(), config.poolSize() + 2,
            config.connectTimeoutSeconds(), direction.salt() == null ? Map.of()
                : Map.of(MaskSql.SALT_SETTING, direction.salt()))
        : Database.open(vertx, Side.SOURCE, config.requireSource(), config.poolSize() + 2,
            config.connectTimeoutSeconds(), true);
    Database target = Database.open(vertx, Side.TARGET, config.requireTarget(), config.poolSize() + 2,
        config.connectTimeoutSeconds(), true);
    RunContext ctx = new RunContext(runId, vertx, config, options, bus, source, target, cancel, direction, hosts);
    SyncRun run = new SyncRun(ctx, startedAt, validateOnly);
    bus.publish(new ProgressEvent.RunStarted(runId, validateOnly ? "validate" : direction.label(options.mode().label()),
        options.dryRun(),
        source.url().redacted(), target.url().redacted()));
    if (options.mode() == Mode.FORCE && !options.dryRun()) {
      ctx.warn(null, "FORCE mode: schema validation and safety guards are bypassed (confirmed with --confirm-destructive)");
    }
    // A cancel reaches the statements running (a comparison's scan of a large table takes seconds), not only the
    // next batch boundary; asked again while the run is still where statements may be cancelled, as one may have
    // started since.
    long watch = vertx.setPeriodic(CANCEL_POLL_MS, id -> {
      if (cancel.get() && run.interruptible()) {
        Future.join(source.cancelStatements(), target.cancelStatements());
      }
    });
    Future<Void> executed = SafetyRules.confirmation(options)
        .<Future<Void>>map(msg -> Future.failedFuture(Failures.refused(msg)))
        .orElseGet(run::execute);
    Future<RunSummary> result = executed
        .transform(ar -> ctx.settled().compose(v -> run.dropUnusedBackups(ar.succeeded())).compose(v -> executed))
        .map(v -> run.summary(null))
        .recover(err -> Failures.code(err) == ErrorCode.CONFIG ? Future.failedFuture(err)
            : Future.succeededFuture(run.summary(err)));
    return result
        .compose(summary -> run.recordWrites().map(summary))
        .eventually(run::closeSnapshot)
        .eventually(() -> Future.join(source.close(), target.close()))
        .onComplete(ar -> {
          vertx.cancelTimer(watch);
          run.announceUnfinished();
          RunSummary summary = ar.succeeded() ? ar.result() : run.summary(ar.cause());
          bus.publish(new ProgressEvent.RunFinished(runId, summary));
        });
  }

}
