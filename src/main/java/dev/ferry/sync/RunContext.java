package dev.ferry.sync;

import dev.ferry.backup.Backups;
import dev.ferry.catalog.TableName;
import dev.ferry.config.FerryConfig;
import dev.ferry.db.Database;
import dev.ferry.db.Secrets;
import dev.ferry.plan.SyncOptions;
import dev.ferry.plan.TablePlan;
import dev.ferry.progress.ProgressBus;
import dev.ferry.progress.ProgressEvent;
import dev.ferry.statements.DigestStatements;
import dev.ferry.statements.TableStatements;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/** The state of one run, shared by its phases. Lives on the run's verticle context, so it needs no locking. */
final class RunContext {
  final String runId;
  final Vertx vertx;
  final FerryConfig config;
  final SyncOptions options;
  final ProgressBus bus;
  final Database source;
  final Database target;
  final int batchSize;
  final List<String> warnings = new ArrayList<>();
  /** Things worth reporting that are not warnings (sequences moved, tables analyzed). */
  final List<String> notes = new ArrayList<>();
  final Map<TableName, IdMap> idMaps = new HashMap<>();
  Map<TableName, TablePlan> plans = Map.of();
  SourceSnapshot snapshot;
  /** What earlier verified runs let this one skip comparing (see {@link Claims}). */
  Claims claims = Claims.NONE;
  /** Snapshots before destructive steps. */
  final Backups backups;
  /** Both servers are PostgreSQL 14+: rows hash with hash_record_extended (see DigestStatements). */
  boolean fastHash;
  /** Set from outside (API cancel, SIGTERM); checked at every batch and table boundary. */
  final AtomicBoolean cancelled;

  /** What error texts the run reports are scrubbed of. */
  final Secrets secrets;

  RunContext(String runId, Vertx vertx, FerryConfig config, SyncOptions options, ProgressBus bus, Database source,
      Database target, AtomicBoolean cancelled) {
    this.runId = runId;
    this.vertx = vertx;
    this.config = config;
    this.options = options;
    this.bus = bus;
    this.source = source;
    this.target = target;
    this.batchSize = config.batchSize();
    this.cancelled = cancelled;
    this.backups = new Backups(vertx, target, config.backup());
    this.secrets = Secrets.of(config);
  }

  void warn(TableName table, String message) {
    warnings.add(table == null ? message : table.display() + ": " + message);
    bus.publish(new ProgressEvent.Warning(runId, table == null ? null : table.display(), message));
  }

  void note(String line) {
    notes.add(line);
  }

  /** An error's message for the run's report, scrubbed of secrets. */
  String message(Throwable err) {
    String m = err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage();
    return secrets.scrub(m);
  }

  TableStatements sql(TablePlan plan) {
    return TableStatements.of(plan, plans, fastHash);
  }
}
