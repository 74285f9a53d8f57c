package dev.ferry.sync;

import dev.ferry.result.Strategy;
import io.vertx.core.Future;

/**
 * One way of copying a table's rows to the target: chosen per table by {@link StrategyChoice}, run once by
 * {@link DataPhase}, retrying its own transient failures. Its outcome is a value that validation and mirror's
 * deletes read; a failure is recorded by the caller with what {@link #committed()} says stays.
 */
interface TableSync {
  Strategy strategy();

  /** How and why, in the words the plan, the dry run and the table-started event show. */
  String path();

  Future<CopyOutcome> run();

  /** After a failure: the rows that stay committed (a checkpointed copy's committed chunks). */
  default Counts committed() {
    return Counts.NONE;
  }

  /** After a failure: the message's note on what stays committed, or "". */
  default String committedNote() {
    return "";
  }
}
