package dev.ferry.sync;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Where a run's table copies may run besides the node running the run: nowhere on a single server, the cluster's
 * other nodes in a cluster (its implementation is the cluster package's). The engine decides what goes where
 * ({@link DataPhase}); a host only carries a {@link TableJob} there and its answer back.
 */
public interface TableHosts {
  /** A single server: every table runs here. */
  TableHosts HERE = new TableHosts() {
    @Override
    public List<String> others() {
      return List.of();
    }

    @Override
    public Future<JsonObject> copy(String node, JsonObject job, AtomicBoolean cancel,
        Consumer<JsonObject> checkpoints) {
      return Future.failedFuture(NodeLost.unreachable(node, "not in a cluster"));
    }
  };

  /** The other nodes that take tables now. */
  List<String> others();

  /**
   * Runs {@code job} ({@link TableJob}) on {@code node}; its answer. Fails with {@link NodeLost} when the node leaves
   * or is lost before answering, or the job never reached it; setting {@code cancel} cancels the job there. Each
   * checkpoint the job commits is handed to {@code checkpoints} on the calling context, so a lost node's table can
   * resume after the last one.
   */
  Future<JsonObject> copy(String node, JsonObject job, AtomicBoolean cancel, Consumer<JsonObject> checkpoints);

  /**
   * The node left the cluster (or was lost) before it answered, or the job never reached it (no node there, a
   * connection that failed): the table is not being copied there, and what the node committed is for another to
   * compare.
   */
  final class NodeLost extends RuntimeException {
    private final boolean midCopy;

    private NodeLost(String message, boolean midCopy) {
      super(message);
      this.midCopy = midCopy;
    }

    /** The node left, or was lost, while it had the job. */
    public static NodeLost left(String node) {
      return new NodeLost("node " + node + " was lost while copying the table", true);
    }

    /** The job did not reach the node. */
    public static NodeLost unreachable(String node, String why) {
      return new NodeLost("node " + node + " did not take the table (" + why + ")", false);
    }

    /** Whether the node had the job (and may have committed part of the table) when it was lost. */
    public boolean midCopy() {
      return midCopy;
    }
  }
}
