package dev.ferry.runs;

import dev.ferry.sync.TableHosts;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * Who holds each target: one run (or restore, or migration) at a time per database. A single server keeps them in
 * memory ({@link #local}); a cluster keeps them where every node sees them (the cluster package's implementation).
 */
public interface TargetSlots {
  /**
   * What holds a target.
   *
   * @param runId the run, or null for another operation
   * @param what  what it is doing, in words ("syncing into", "restoring backup #3")
   * @param node  the node it runs on (null on a single server)
   */
  record Slot(String runId, String what, String node) {}

  /** Takes {@code target} for {@code slot}; the holder instead when someone else has it. */
  Future<Optional<Slot>> take(String target, Slot slot);

  /** Gives {@code target} back, if {@code slot} still holds it. */
  Future<Void> release(String target, Slot slot);

  /**
   * Whether this node is the first to claim {@code event} (a schedule's firing, say): always on a single server; in a
   * cluster, on exactly one node, so what every node is set to do happens once.
   */
  Future<Boolean> first(String event);

  /** Lets {@code event} be claimed again (a webhook delivery that could not start a run may come again). */
  default Future<Void> forget(String event) {
    return Future.succeededFuture();
  }

  /** This node's name in the cluster (its cluster address, host:port); null on a single server. */
  String node();

  /** The nodes of the cluster now; empty on a single server. */
  List<String> members();

  /** Where runs may copy tables besides this node: nowhere on a single server, the other nodes in a cluster. */
  default TableHosts tables() {
    return TableHosts.HERE;
  }

  /** Slots in this process's memory: a single server. */
  static TargetSlots local() {
    return new LocalSlots();
  }
}
