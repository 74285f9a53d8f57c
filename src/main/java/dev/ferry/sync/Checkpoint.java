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
  /** The rows the committed chunks inserted and updated. */
  Counts committed = Counts.NONE;
  /** The source digest of the committed rows; null when validation is skipped. */
  StreamDigest digest;

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
