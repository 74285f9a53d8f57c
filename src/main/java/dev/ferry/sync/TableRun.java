package dev.ferry.sync;

import dev.ferry.catalog.Column;
import dev.ferry.db.Sequences;
import dev.ferry.plan.TablePlan;
import dev.ferry.statements.TableStatements;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One step on one table (its copy, its cycle links, its deletes): what the step's parts share while it runs — the
 * counter its batches add to, its retries, the target transactions it writes with. Ends as a {@link StepLog}.
 */
final class TableRun {
  final RunContext ctx;
  final TablePlan plan;
  final long sourceRows;
  final long targetRows;
  final Counter counter = new Counter();
  private final List<Long> xids = new ArrayList<>();
  private final long startNanos = System.nanoTime();
  private int attempts;
  private TableCopier copier;

  TableRun(RunContext ctx, TableState state) {
    this.ctx = ctx;
    this.plan = state.plan();
    this.sourceRows = state.sourceRows();
    this.targetRows = state.targetRows();
  }

  TableStatements sql() {
    return ctx.sql(plan);
  }

  /** The step's copier, one for all its attempts (it keeps the progress it reports). */
  TableCopier copier() {
    if (copier == null) {
      copier = new TableCopier(this);
    }
    return copier;
  }

  boolean dryRun() {
    return ctx.options.dryRun();
  }

  /** Retries transient failures; the step's attempts are the most any one of its parts needed. */
  <T> Future<T> retried(Supplier<Future<T>> attempt) {
    int[] tries = {0};
    return Retry.run(ctx.vertx, ctx.config.retries(), ctx.config.retryBaseDelayMs(), () -> {
      attempts = Math.max(attempts, ++tries[0]);
      return attempt.get();
    }, (n, err) -> warn("retrying (attempt " + n + ") after: " + ctx.message(err)));
  }

  /** Before an attempt of a streamed copy: after the checkpoint if a chunk committed (said), else from nothing. */
  void beginAttempt(Checkpoint cp) {
    if (cp != null && cp.started()) {
      warn("resuming after the checkpoint at row " + cp.rows + ": the rows before it stay committed");
    } else {
      counter.reset();
    }
  }

  /** One target transaction writing this table (see {@link TargetTransaction}). */
  <T> Future<T> transaction(Function<SqlConnection, Future<T>> work) {
    return TargetTransaction.run(ctx, List.of(plan.name()), xids::add, work);
  }

  /** A transaction this step began itself (a checkpointed copy's next chunk). */
  void wrote(long xid) {
    xids.add(xid);
  }

  /** Attempts the step made elsewhere (on another node) count as its own. */
  void attempted(int n) {
    attempts = Math.max(attempts, n);
  }

  void warn(String message) {
    ctx.warn(plan.name(), message);
  }

  /**
   * Every run, not only one that inserted: the target's sequences must also reach the source's own positions (rows
   * the source handed ids to and deleted since), and a sequence shared with another table may lag.
   */
  Future<Void> advanceSequences() {
    return dryRun() ? Future.succeededFuture() : advanceSequences(ctx.target.pool());
  }

  Future<Void> advanceSequences(SqlClient target) {
    return sourcePositions().compose(floors -> Sequences.advance(target, plan.target(), floors)).map(moved -> {
      moved.forEach(m -> ctx.note(plan.name().display() + ": sequence " + m));
      return null;
    });
  }

  /** Where the source's sequences stand for the columns the run copies (not a natural-key table's own ids). */
  private Future<Map<String, Long>> sourcePositions() {
    return Sequences.positions(ctx.source.pool(), plan.source(), plan.columns().stream().map(Column::name).toList());
  }

  StepLog log() {
    return new StepLog(attempts, (System.nanoTime() - startNanos) / 1_000_000, List.copyOf(xids));
  }
}
