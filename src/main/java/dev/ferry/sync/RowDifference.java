package dev.ferry.sync;

/**
 * One row that differs between the sides, and who changed it since the last verified sync (see {@link Claims}).
 *
 * @param sourceHash the row's hash on the source, or null when the source lacks it or it was not read
 * @param targetHash the row's hash on the target, or null when the target lacks it or it was not read
 * @param onSource   the source has the row
 * @param onTarget   the target has the row: it was read there, or its range's check shows it unchanged there since
 *                   the claim
 */
record RowDifference(String[] key, Kind kind, String sourceHash, String targetHash, boolean onSource,
    boolean onTarget) {

  /** A row read on both sides (or on the one that has it). */
  RowDifference(String[] key, Kind kind, String sourceHash, String targetHash) {
    this(key, kind, sourceHash, targetHash, sourceHash != null, targetHash != null);
  }

  /**
   * A row only the source changed since the claim, read on neither side: its range's check shows the target's row
   * unchanged since the claim, and the source's touched. The write that copies it reads it anyway, and sums its hash
   * into the source's digest then.
   */
  static RowDifference changedOnSource(String[] key) {
    return new RowDifference(key, Kind.LOCAL, null, null, true, true);
  }

  /** Who changed the row. Without a usable claim nobody can tell, and every difference is {@link #LOCAL}. */
  enum Kind {
    /** The source changed, inserted or deleted it (or nobody can tell): the sync copies or deletes it. */
    LOCAL,
    /** Production changed it, by a transaction that was not Ferry's; the source did not. */
    PRODUCTION_EDIT,
    /** Production added it; the source never had it. */
    PRODUCTION_INSERT,
    /** Production deleted a row the source still has unchanged. */
    PRODUCTION_DELETE,
    /** Both sides changed it. */
    CONFLICT,
    /** Production's version, which an earlier run kept (onProductionEdit: keep); the source has not changed it since. */
    PRODUCTION_KEPT;

    /** What a policy decides about: every kind but the source's own changes. */
    boolean production() {
      return this != LOCAL;
    }
  }

  /**
   * The kind from where the row is and its flags: {@code sourceNew}, the source row is newer than the claim;
   * {@code productionNew}, the target row is newer than the claim and no Ferry transaction wrote it; {@code keptEarlier},
   * an earlier run kept production's version of the row.
   */
  static Kind classify(boolean onSource, boolean onTarget, boolean sourceNew, boolean productionNew,
      boolean keptEarlier) {
    if (keptEarlier) {
      return onSource && sourceNew ? Kind.CONFLICT : Kind.PRODUCTION_KEPT;
    }
    if (onSource && onTarget) {
      return productionNew ? (sourceNew ? Kind.CONFLICT : Kind.PRODUCTION_EDIT) : Kind.LOCAL;
    }
    if (onSource) { // the target lacks it: a new source row, or one production deleted
      return sourceNew ? Kind.LOCAL : Kind.PRODUCTION_DELETE;
    }
    return productionNew ? Kind.PRODUCTION_INSERT : Kind.LOCAL; // the source lacks it: deleted there, or added here
  }
}
