package dev.ferry.runs;

import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A single server's slots: putIfAbsent makes "one at a time per target" hold under races. */
final class LocalSlots implements TargetSlots {
  private final ConcurrentHashMap<String, Slot> byTarget = new ConcurrentHashMap<>();

  @Override
  public Future<Optional<Slot>> take(String target, Slot slot) {
    return Future.succeededFuture(Optional.ofNullable(byTarget.putIfAbsent(target, slot)));
  }

  @Override
  public Future<Void> release(String target, Slot slot) {
    byTarget.remove(target, slot);
    return Future.succeededFuture();
  }

  @Override
  public Future<Boolean> first(String event) {
    return Future.succeededFuture(true);
  }

  @Override
  public String node() {
    return null;
  }

  @Override
  public List<String> members() {
    return List.of();
  }
}
