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
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What one run's phases share: its settings, databases and logs, and, once planned, the plans, the source snapshot,
 * the claims and the servers' hashing. Immutable: {@link #prepared} and {@link #withClaims} return a new context
 * (the logs and id maps are the same objects). Lives on the run's verticle context, so it needs no locking.
 */
final class RunContext {
  final String runId;
  final Vertx vertx;
  final FerryConfig config;
  final SyncOptions options;
  final ProgressBus bus;
  final Database source;
  final Database target;
  final int batchSize;
  final List<String> warnings;
  /** Things worth reporting that are not warnings (sequences moved, tables analyzed). */
  final List<String> notes;
  /**
   * Work a committed write left running on its own session (its GIN indexes' pending entries merging, see
   * {@link GinPending}): the run ends after it.
   */
  private final List<Future<?>> settling;
  /** Source id → target id per natural-key table, filled as each is loaded (phase 4). */
  final Map<TableName, IdMap> idMaps;
  /** Tables whose statistics their load already refreshed (see {@link StagedLoad}): validation skips them. */
  final Set<TableName> analyzed;
  /**
   * Tables this run replaced by a staged copy (see {@link StagedLoad}), by quoted name: their new oid and column
   * slots, as {@link Claims} reads them (the claims' fingerprint covers them).
   */
  final Map<String, String> swapped;
  final Map<TableName, TablePlan> plans;
  /** The source's exported snapshot every source read imports; null until planned. */
  final SourceSnapshot snapshot;
  /** What earlier verified runs let this one skip comparing (see {@link Claims}). */
  final Claims claims;
  /** Snapshots before destructive steps. */
  final Backups backups;
  /** Both servers are PostgreSQL 14+: rows hash with hash_record_extended (see DigestStatements). */
  final boolean fastHash;
  /** Set from outside (API cancel, SIGTERM); checked at every batch and table boundary. */
  final AtomicBoolean cancelled;

  /** What error texts the run reports are scrubbed of. */
  final Secrets secrets;
  /** A push, or a pull: production is the source, read-only and masked, and nothing is recorded there. */
  final Direction direction;
  /** The other nodes a level's tables may be copied on (none on a single server). */
  final TableHosts hosts;

  /** A run's context before it is planned. */
  RunContext(String runId, Vertx vertx, FerryConfig config, SyncOptions options, ProgressBus bus, Database source,
      Database target, AtomicBoolean cancelled, Direction direction, TableHosts hosts) {
    this.direction = direction;
    this.hosts = hosts;
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
    this.warnings = new ArrayList<>();
    this.notes = new ArrayList<>();
    this.settling = new CopyOnWriteArrayList<>(); // added to from the sessions' contexts
    this.idMaps = new HashMap<>();
    this.analyzed = new HashSet<>();
    this.swapped = new HashMap<>();
    this.plans = Map.of();
    this.snapshot = null;
    this.claims = Claims.NONE;
    this.fastHash = false;
  }

  private RunContext(RunContext base, Map<TableName, TablePlan> plans, SourceSnapshot snapshot, Claims claims,
      boolean fastHash) {
    this.runId = base.runId;
    this.vertx = base.vertx;
    this.config = base.config;
    this.options = base.options;
    this.bus = base.bus;
    this.source = base.source;
    this.target = base.target;
    this.batchSize = base.batchSize;
    this.cancelled = base.cancelled;
    this.backups = base.backups;
    this.secrets = base.secrets;
    this.direction = base.direction;
    this.hosts = base.hosts;
    this.warnings = base.warnings;
    this.notes = base.notes;
    this.settling = base.settling;
    this.idMaps = base.idMaps;
    this.analyzed = base.analyzed;
    this.swapped = base.swapped;
    this.plans = Collections.unmodifiableMap(new LinkedHashMap<>(plans));
    this.snapshot = snapshot;
    this.claims = claims;
    this.fastHash = fastHash;
  }

  /** The context once the run is planned and its source snapshot open. */
  RunContext prepared(Map<TableName, TablePlan> plans, SourceSnapshot snapshot, boolean fastHash) {
    return new RunContext(this, plans, snapshot, claims, fastHash);
  }

  RunContext withClaims(Claims claims) {
    return new RunContext(this, plans, snapshot, claims, fastHash);
  }

  void warn(TableName table, String message) {
    warnings.add(table == null ? message : table.display() + ": " + message);
    bus.publish(new ProgressEvent.Warning(runId, table == null ? null : table.display(), message));
  }

  /** Lets the run end only after {@code work}, whose failure costs nothing but a note. */
  void settle(Future<?> work) {
    settling.add(work.onFailure(e -> note("after a commit: " + message(e))));
  }

  /** Completes when the work handed to {@link #settle} so far has ended, however it ended. */
  Future<Void> settled() {
    return Future.join(List.copyOf(settling)).<Void>mapEmpty().otherwiseEmpty();
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
