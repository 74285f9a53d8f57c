package dev.ferry.sync;

import io.vertx.core.json.JsonArray;

/** Rows a step wrote to one table, by kind; in a dry run, the rows it would write. */
record Counts(long inserted, long updated, long deleted, long linked) {
  static final Counts NONE = new Counts(0, 0, 0, 0);

  Counts plus(Counts o) {
    return new Counts(inserted + o.inserted, updated + o.updated, deleted + o.deleted, linked + o.linked);
  }

  long written() {
    return inserted + updated + deleted + linked;
  }

  /** As a table copied on another node sends them to the run's node. */
  JsonArray toJson() {
    return new JsonArray().add(inserted).add(updated).add(deleted).add(linked);
  }

  static Counts fromJson(JsonArray a) {
    return new Counts(a.getLong(0), a.getLong(1), a.getLong(2), a.getLong(3));
  }
}
