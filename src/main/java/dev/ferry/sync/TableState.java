package dev.ferry.sync;

import dev.ferry.plan.TablePlan;
import dev.ferry.result.SampleKeys;
import dev.ferry.result.Strategy;
import dev.ferry.result.TableResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Where one table stands in a run, as a value: counted, then each step (copy, cycle links, mirror's deletes)
 * returns the next state. Frozen into a {@link TableResult} for the summary and events.
 *
 * @param sourceEstimated {@code sourceRows} is the source's statistics' estimate, not a count (a table found empty on
 *                 the target is loaded whole, and the load's own count replaces it: see {@link #copied})
 * @param strategy null until a {@link TableSync} was chosen
 * @param outcome  null while nothing went wrong (the result then says synced or unchanged from the counts)
 * @param xids     the target transactions the run wrote the table with: a claim covers their rows ({@link Claims})
 * @param samples  a few keys of what the copy wrote, for the run's page
 */
record TableState(TablePlan plan, long sourceRows, boolean sourceEstimated, long targetRows, Strategy strategy, String path, Counts counts,
    int attempts, long durationMs, TableResult.Outcome outcome, String message, Evidence evidence, List<Long> xids,
    SampleKeys samples) {

  static TableState counted(TablePlan plan, long sourceRows, long targetRows) {
    return new TableState(plan, sourceRows, false, targetRows, null, "", Counts.NONE, 0, 0, null, null, Evidence.NONE,
        List.of(), SampleKeys.NONE);
  }

  /** Before a load into an empty target: the source's rows estimated from its statistics, counted by the load. */
  static TableState estimated(TablePlan plan, long sourceRows) {
    return new TableState(plan, sourceRows, true, 0, null, "", Counts.NONE, 0, 0, null, null, Evidence.NONE,
        List.of(), SampleKeys.NONE);
  }

  boolean failedOrRefused() {
    return outcome == TableResult.Outcome.FAILED || outcome == TableResult.Outcome.REFUSED;
  }

  /** Whether the table has a line to show: a strategy was chosen, or it was stopped before one could be. */
  boolean begun() {
    return !path.isEmpty() || outcome != null;
  }

  TableState refused(String why) {
    return new TableState(plan, sourceRows, sourceEstimated, targetRows, strategy, path, Counts.NONE, attempts, durationMs,
        TableResult.Outcome.REFUSED, why, evidence, xids, samples);
  }

  TableState chosen(Strategy how, String words) {
    return new TableState(plan, sourceRows, sourceEstimated, targetRows, how, words, counts, attempts, durationMs, outcome, message,
        evidence, xids, samples);
  }

  /** After the copy step. */
  TableState copied(CopyOutcome o, StepLog step) {
    // A whole load into an empty table wrote every source row of the run's snapshot: its count is the source's.
    boolean counted = sourceEstimated && o.strategy() == Strategy.EMPTY_LOAD;
    return new TableState(plan, counted ? o.counts().inserted() : sourceRows, sourceEstimated && !counted, targetRows,
        o.strategy(), o.path(), o.counts(),
        Math.max(attempts, step.attempts()), durationMs + step.millis(), outcome, message, o.evidence(),
        plus(step.xids()), o.samples());
  }

  /** After a later step (cycle links, mirror's deletes), whose rows add to the copy's. */
  TableState added(Counts more, StepLog step) {
    return new TableState(plan, sourceRows, sourceEstimated, targetRows, strategy, path, counts.plus(more),
        Math.max(attempts, step.attempts()), durationMs + step.millis(), outcome, message, evidence,
        plus(step.xids()), samples);
  }

  /**
   * A step failed (or was cancelled: {@code SKIPPED}): the counts are what stays committed, the earlier steps'
   * rows and the part of this step's that committed ({@code committed}, a checkpointed copy's).
   */
  TableState failed(TableResult.Outcome how, String why, Counts committed, StepLog step) {
    return new TableState(plan, sourceRows, sourceEstimated, targetRows, strategy, path, counts.plus(committed),
        Math.max(attempts, step.attempts()), durationMs + step.millis(), how, why, evidence, plus(step.xids()), samples);
  }

  /** Mirror's guard refused the deletes: the copy's rows stay, none deleted. */
  TableState deletesRefused(String why, StepLog step) {
    return new TableState(plan, sourceRows, sourceEstimated, targetRows, strategy, path, counts, Math.max(attempts, step.attempts()),
        durationMs + step.millis(), TableResult.Outcome.REFUSED, why, evidence, xids, samples);
  }

  private List<Long> plus(List<Long> more) {
    if (more.isEmpty()) {
      return xids;
    }
    List<Long> all = new ArrayList<>(xids);
    all.addAll(more);
    return List.copyOf(all);
  }

  TableResult result() {
    TableResult.Outcome o = outcome != null ? outcome
        : counts.written() > 0 ? TableResult.Outcome.SYNCED : TableResult.Outcome.UNCHANGED;
    return new TableResult(plan.name().display(), o, strategy, path, sourceRows, targetRows, counts.inserted(),
        counts.updated(), counts.deleted(), counts.linked(), attempts, durationMs, message, samples);
  }
}
