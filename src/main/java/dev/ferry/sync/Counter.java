package dev.ferry.sync;

/**
 * The counts of one attempt while it runs, written batch by batch by {@link TableCopier}; frozen into
 * {@link Counts} when the step ends. Lives on the run's context: no locking.
 */
final class Counter {
  long inserted;
  long updated;
  long deleted;
  long linked;

  void reset() {
    set(Counts.NONE);
  }

  void set(Counts c) {
    inserted = c.inserted();
    updated = c.updated();
    deleted = c.deleted();
    linked = c.linked();
  }

  Counts counts() {
    return new Counts(inserted, updated, deleted, linked);
  }
}
