package dev.ferry.sync;

import java.util.HashMap;
import java.util.Map;

/** Source id → target id for one natural-key table (and back, for mirror's delete check). */
final class IdMap {
  private final Map<String, String> toTarget = new HashMap<>();
  private final Map<String, String> toSource = new HashMap<>();
  private int differing;

  void put(String sourceId, String targetId) {
    toTarget.put(sourceId, targetId);
    toSource.put(targetId, sourceId);
    if (!sourceId.equals(targetId)) {
      differing++;
    }
  }

  void clear() {
    toTarget.clear();
    toSource.clear();
    differing = 0;
  }

  String target(String sourceId) {
    return toTarget.get(sourceId);
  }

  String source(String targetId) {
    return toSource.get(targetId);
  }

  int size() {
    return toTarget.size();
  }

  /** Source id → target id where the two differ. */
  Map<String, String> differences() {
    Map<String, String> out = new HashMap<>();
    toTarget.forEach((s, t) -> {
      if (!s.equals(t)) {
        out.put(s, t);
      }
    });
    return out;
  }

  int differing() {
    return differing;
  }
}
