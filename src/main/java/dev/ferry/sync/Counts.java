package dev.ferry.sync;

/** Rows a step wrote to one table, by kind; in a dry run, the rows it would write. */
record Counts(long inserted, long updated, long deleted, long linked) {
  static final Counts NONE = new Counts(0, 0, 0, 0);

  Counts plus(Counts o) {
    return new Counts(inserted + o.inserted, updated + o.updated, deleted + o.deleted, linked + o.linked);
  }

  long written() {
    return inserted + updated + deleted + linked;
  }
}
