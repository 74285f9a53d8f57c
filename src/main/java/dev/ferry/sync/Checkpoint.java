package dev.ferry.sync;

/**
 * How far a checkpointed copy of a large table has committed on the target: rows are read in key order and
 * committed every {@code sync.checkpointRows} rows, so an attempt that fails (a cut connection, a restarted
 * server) leaves the committed part in place and the next attempt reads on from the key after it.
 */
final class Checkpoint {
  /** The last committed key (source values, as text), or null before the first commit. */
  String[] afterKey;
  long rows;
  long inserted;
  long updated;
  /** The source digest of the committed rows; null when validation is skipped. */
  StreamDigest digest;

  boolean started() {
    return afterKey != null;
  }
}
