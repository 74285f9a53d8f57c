package dev.ferry.sync;

import dev.ferry.result.Strategy;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A table's copy run on another node of the cluster ({@link TableJob}). Should that node decline it, or be lost
 * before it answers, this node copies the table itself: a load the lost node swapped in or committed in part is
 * found there and compared (the empty load's fallback to the upsert), not written twice.
 */
final class RemoteCopy implements TableSync {
  private final TableRun run;
  private final TableSync here;
  private final String node;
  private final JsonObject job;
  /** The copy's checkpoint, shared with {@code here}: the other node's commits move it, so a takeover resumes there. */
  private final Checkpoint cp;
  /** The other node's transactions up to its last checkpoint (its committed rows are theirs). */
  private List<Long> committedBy = List.of();

  RemoteCopy(TableRun run, TableSync here, String node, JsonObject job, Checkpoint cp) {
    this.run = run;
    this.here = here;
    this.node = node;
    this.job = job;
    this.cp = cp;
  }

  @Override
  public Strategy strategy() {
    return here.strategy();
  }

  @Override
  public String path() {
    return here.path() + "; on node " + node;
  }

  @Override
  public Future<CopyOutcome> run() {
    return run.ctx.hosts.copy(node, job, run.ctx.cancelled, this::checkpointed).compose(answer -> {
      String declined = TableJob.declinedBecause(answer);
      if (declined != null) {
        run.warn("node " + node + " declined the table (" + declined + "): copied on the run's node instead");
        return here.run();
      }
      return Future.succeededFuture(TableJob.outcome(answer, run, this, node));
    }, err -> {
      if (err instanceof TableHosts.NodeLost lost) {
        committedBy.forEach(run::wrote);
        run.warn(lost.getMessage() + (!lost.midCopy() ? ": the run's node copied it instead"
            : cp != null && cp.started() ? ": the run's node took it over, from its last checkpoint"
            : ": the run's node took it over, comparing what that node committed"));
        return here.run().map(o -> new CopyOutcome(o.strategy(), o.path() + "; taken over from node " + node
            + (lost.midCopy() ? ", lost mid-copy" : ", which did not take it"), o.counts(), o.evidence(), o.samples()));
      }
      return Future.failedFuture(err);
    });
  }

  private void checkpointed(JsonObject json) {
    if (cp != null) {
      cp.restore(json);
      committedBy = TableJob.xids(json);
    }
  }

  @Override
  public Counts committed() {
    return here.committed();
  }

  @Override
  public String committedNote() {
    return here.committedNote();
  }
}
