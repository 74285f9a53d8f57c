package dev.ferry.sync;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;

/**
 * How far a checkpointed copy of a large table has committed on the target: rows are read in key order and
 * committed every {@code sync.checkpointRows} rows, so an attempt that fails (a cut connection, a restarted
 * server) leaves the committed part in place and the next attempt reads on from the key after it.
 */
final class Checkpoint {
  /** The last committed key (source values, as text), or null before the first commit. */
  String[] afterKey;
  long rows;
  /** The rows the committed chunks inserted and updated. */
  Counts committed = Counts.NONE;
  /** The source digest of the committed rows; null when validation is skipped. */
  StreamDigest digest;
  /** Told of each commit (a table copied for another node's run tells that node); null when no one listens. */
  Runnable onCommit;

  /** A chunk committed: the copy reads on after {@code key}. */
  void committed(String[] key, long rowsSoFar, Counts counts, StreamDigest digestSoFar) {
    afterKey = key;
    rows = rowsSoFar;
    committed = counts;
    digest = digestSoFar;
    if (onCommit != null) {
      onCommit.run();
    }
  }

  JsonObject toJson() {
    return new JsonObject().put("afterKey", new JsonArray(Arrays.asList((Object[]) afterKey))).put("rows", rows)
        .put("counts", committed.toJson()).put("digest", StreamDigest.toJson(digest));
  }

  /** Takes over the position {@link #toJson} described (the committing node was lost). */
  void restore(JsonObject json) {
    afterKey = json.getJsonArray("afterKey").stream().map(v -> v == null ? null : v.toString()).toArray(String[]::new);
    rows = json.getLong("rows");
    committed = Counts.fromJson(json.getJsonArray("counts"));
    digest = StreamDigest.fromJson(json.getJsonArray("digest"));
  }

  boolean started() {
    return afterKey != null;
  }

  /** What stays committed should the table fail now: the counts of the committed chunks, or none. */
  Counts stays() {
    return started() ? committed : Counts.NONE;
  }

  String stayNote() {
    return started() ? "; the first " + rows + " rows (in key order) were committed and stay" : "";
  }
}
