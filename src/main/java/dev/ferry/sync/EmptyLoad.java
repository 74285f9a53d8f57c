package dev.ferry.sync;

import dev.ferry.catalog.IndexInfo;
import dev.ferry.db.SqlState;
import dev.ferry.result.Strategy;
import dev.ferry.statements.BinaryCopy;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;

/**
 * A keyed table that was empty when counted: COPY where the rows can pass as they are — a large table staged
 * beside itself and swapped in ({@link StagedLoad}), any other in place ({@link CopyLoad}) — plain inserts
 * otherwise (no compare, no conflict check); secondary indexes built after the load. Should rows appear meanwhile
 * (a unique violation, rows found under the lock, the lock not granted), that attempt rolls back and the
 * {@link Upsert}, which compares every row, takes over.
 */
final class EmptyLoad implements TableSync {
  private final TableRun run;
  private final Checkpoint cp;
  /** Indexes dropped and built after the load; none for a checkpointed load, which commits as it goes. */
  private final List<IndexInfo> later;
  private final Upsert fallback;
  private boolean comparing;
  /** Cleared once the table turned out not to be swappable: later attempts load it in place. */
  private boolean stageable = true;
  /** The target's digest, summed on the staging table before it was swapped in; null otherwise. */
  private StreamDigest stagedTarget;

  EmptyLoad(TableRun run, Checkpoint cp) {
    this.run = run;
    this.cp = cp;
    this.later = cp == null ? deferrable(run) : List.of();
    this.fallback = new Upsert(run, "target empty", cp);
  }

  @Override
  public Strategy strategy() {
    return Strategy.EMPTY_LOAD;
  }

  @Override
  public String path() {
    boolean copying = copying();
    return (!copying ? "insert into empty table" : BinaryCopy.fits(run.plan) ? "binary COPY into empty table"
        : "COPY into empty table") + PathWords.indexes(later)
        + PathWords.mapped(run.plan) + (copying ? "" : PathWords.checkpoints(cp, run.ctx.config.checkpointRows()));
  }

  @Override
  public Future<CopyOutcome> run() {
    return run.retried(this::attempt).compose(digest -> run.advanceSequences()
        .map(v -> new CopyOutcome(strategy(), path(), run.counter.counts(), evidence(digest))));
  }

  /**
   * The staged table's digests; else, for a table loaded whole in place, the target's summed from now on, while later
   * tables load, instead of at validation after the last (a scale-1 load's second table: 0.13 s at its end).
   */
  private Evidence evidence(StreamDigest digest) {
    if (stagedTarget != null) {
      return Evidence.loaded(digest, stagedTarget);
    }
    if (digest == null || comparing || run.dryRun()) {
      return Evidence.streamed(digest);
    }
    Future<StreamDigest> summing = Digests.target(run.ctx, run.plan);
    return Evidence.loaded(digest, () -> summing.recover(err -> Digests.target(run.ctx, run.plan)));
  }

  private Future<StreamDigest> attempt() {
    if (comparing) {
      return fallback.attempt();
    }
    run.beginAttempt(cp);
    Future<StreamDigest> loaded = !run.dryRun() && copying() ? copy() : inserts();
    return loaded.recover(err -> {
      if ((cp != null && cp.started()) || !rowsAppeared(err)) {
        return Future.failedFuture(err);
      }
      comparing = true;
      run.warn(run.ctx.message(err) + "; comparing row by row instead");
      return fallback.attempt();
    });
  }

  /**
   * Whether COPY loads the table: its rows can pass as they are, and it is loaded in one transaction, or staged
   * (which is atomic too, so a table above {@code sync.checkpointRows} is staged rather than committed in parts).
   */
  private boolean copying() {
    return CopyLoad.copyable(run) && (cp == null || stageable && StagedLoad.worthIt(run));
  }

  /** A large table staged and swapped in where nothing hangs on it; any other loaded in place. */
  private Future<StreamDigest> copy() {
    CopyLoad copy = new CopyLoad(run, later);
    if (!stageable || !StagedLoad.worthIt(run)) {
      return copy.load();
    }
    StagedLoad staged = new StagedLoad(run, copy);
    return staged.load().onSuccess(d -> stagedTarget = staged.targetDigest()).recover(err -> {
      if (!(err instanceof StageDefinition.NotStageable)) {
        return Future.failedFuture(err);
      }
      stageable = false;
      run.ctx.note(run.plan.name().display() + ": loaded in place, not beside the table (" + err.getMessage() + ")");
      return cp == null ? copy.load() : inserts();
    });
  }

  /** Batches of plain inserts: checkpoint by checkpoint, or in one transaction with the indexes built after. */
  private Future<StreamDigest> inserts() {
    return run.transaction(conn -> cp != null ? run.copier().copyRowsCheckpointed(conn, true, cp)
        : load(run, conn, later));
  }

  private static boolean rowsAppeared(Throwable err) {
    return SqlState.is(err, SqlState.UNIQUE_VIOLATION) || err instanceof IndexDeferral.NotEmpty
        || SqlState.is(err, SqlState.LOCK_NOT_AVAILABLE);
  }

  /** Plain inserts into an empty table, with the deferrable indexes dropped first and built at the end. */
  static Future<StreamDigest> load(TableRun run, SqlConnection conn, List<IndexInfo> later) {
    TableCopier copier = run.copier();
    if (later.isEmpty() || run.dryRun()) {
      return copier.copyRows(conn, true);
    }
    return IndexDeferral.dropForLoad(conn, run.plan, later)
        .compose(v -> copier.copyRows(conn, true))
        .compose(digest -> IndexDeferral.recreate(conn, later).map(digest));
  }

  static List<IndexInfo> deferrable(TableRun run) {
    return run.ctx.config.deferIndexes() ? IndexDeferral.candidates(run.plan) : List.of();
  }

  @Override
  public Counts committed() {
    return fallback.committed();
  }

  @Override
  public String committedNote() {
    return fallback.committedNote();
  }
}
