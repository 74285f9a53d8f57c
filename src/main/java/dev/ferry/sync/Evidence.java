package dev.ferry.sync;

import io.vertx.core.Future;
import java.util.List;
import java.util.function.Supplier;

/**
 * What a table's copy learnt that validation and mirror's deletes can reuse instead of reading the table again.
 *
 * @param source          the source digest summed while every row streamed, or by the comparison; null if none
 * @param targetBefore    the target's digest before the run wrote: still valid if nothing was written since
 * @param targetAfter     the target's digest after writes, re-summing only the ranges the comparison found
 *                        different; null when there was no comparison
 * @param missingOnSource target keys the comparison found missing on the source (mirror deletes them); null if
 *                        there was no comparison, empty when the sides were found identical; never rows production
 *                        added that the policy keeps
 * @param claimRun        the verified run whose claim let the comparison skip hashing ranges (see {@link Claims}):
 *                        then the digests sum only the compared ranges' rows; null otherwise
 * @param kept            production's changes the run left as they are (validation expects them on the target)
 */
record Evidence(StreamDigest source, StreamDigest targetBefore, Supplier<Future<StreamDigest>> targetAfter,
    List<String[]> missingOnSource, String claimRun, ProductionEdits.Kept kept) {
  static final Evidence NONE = new Evidence(null, null, null, null, null, ProductionEdits.Kept.NONE);

  static Evidence streamed(StreamDigest source) {
    return new Evidence(source, null, null, null, null, ProductionEdits.Kept.NONE);
  }

  /** Both digests summed by the load: the source's as rows streamed, the target's before the table went in. */
  static Evidence loaded(StreamDigest source, StreamDigest target) {
    return new Evidence(source, null, () -> Future.succeededFuture(target), null, null, ProductionEdits.Kept.NONE);
  }

  /** The source's digest summed as rows streamed, the target's being summed since the table was loaded. */
  static Evidence loaded(StreamDigest source, Supplier<Future<StreamDigest>> target) {
    return new Evidence(source, null, target, null, null, ProductionEdits.Kept.NONE);
  }

  /** Both sides' digests found equal: mirror has nothing to delete. */
  static Evidence identical(StreamDigest source, StreamDigest target) {
    return new Evidence(source, target, null, List.of(), null, ProductionEdits.Kept.NONE);
  }
}
