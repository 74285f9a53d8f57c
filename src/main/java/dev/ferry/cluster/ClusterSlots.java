package dev.ferry.cluster;

import dev.ferry.runs.TargetSlots;
import dev.ferry.sync.TableHosts;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's slots, in a map every node shares (Hazelcast keeps a backup of each entry on another node): a trigger
 * on any node for a busy target is refused with the run and the node holding it. A node that leaves or is lost
 * holds nothing any more: the others free its targets.
 */
public final class ClusterSlots implements TargetSlots {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterSlots.class);
  private static final String MAP = "ferry.targets";
  /** Events one node claimed, kept a day: long enough for every node's copy of the event to have come and gone. */
  private static final String ONCE = "ferry.once";
  private static final long ONCE_TTL_MS = 24 * 3600 * 1000L;

  private final ClusterNode node;
  private final TableHosts tables;
  private final Future<AsyncMap<String, JsonObject>> map;
  private final Future<AsyncMap<String, String>> once;

  public ClusterSlots(ClusterNode node) {
    this(node, TableHosts.HERE);
  }

  /** Slots whose runs also copy tables on the cluster's other nodes ({@link ClusterTables}). */
  public ClusterSlots(ClusterNode node, TableHosts tables) {
    this.node = node;
    this.tables = tables;
    this.map = node.vertx().sharedData().getAsyncMap(MAP);
    this.once = node.vertx().sharedData().getAsyncMap(ONCE);
    node.whenLeft(this::freeTargetsOf);
  }

  @Override
  public Future<Optional<Slot>> take(String target, Slot slot) {
    return map.compose(m -> m.putIfAbsent(target, json(slot)))
        .map(holder -> Optional.ofNullable(holder).map(ClusterSlots::slot));
  }

  @Override
  public Future<Void> release(String target, Slot slot) {
    return map.compose(m -> m.removeIfPresent(target, json(slot))).mapEmpty();
  }

  @Override
  public Future<Boolean> first(String event) {
    return once.compose(m -> m.putIfAbsent(event, node.id(), ONCE_TTL_MS)).map(holder -> holder == null);
  }

  @Override
  public Future<Void> forget(String event) {
    return once.compose(m -> m.remove(event)).mapEmpty();
  }

  @Override
  public TableHosts tables() {
    return tables;
  }

  @Override
  public String node() {
    return node.id();
  }

  @Override
  public List<String> members() {
    return node.members();
  }

  private void freeTargetsOf(String lost) {
    map.compose(AsyncMap::entries).onSuccess(entries -> entries.forEach((target, slot) -> {
      if (lost.equals(slot.getString("node"))) {
        LOG.warn("node {} left while {} {}: the target is free again", lost, slot.getString("what"), target);
        map.compose(m -> m.removeIfPresent(target, slot));
      }
    }));
  }

  private static JsonObject json(Slot slot) {
    return new JsonObject().put("runId", slot.runId()).put("what", slot.what()).put("node", slot.node());
  }

  private static Slot slot(JsonObject json) {
    return new Slot(json.getString("runId"), json.getString("what"), json.getString("node"));
  }
}
