package dev.ferry.sync;

import dev.ferry.db.SqlState;
import dev.ferry.error.ErrorCode;
import dev.ferry.error.FerryException;
import dev.ferry.result.PhaseOutcome;
import dev.ferry.result.RunStatus;
import dev.ferry.result.TableResult;

/** The one place a run's errors become statuses: of a table, of a phase, of the run. */
final class Failures {
  private Failures() {}

  /** Thrown into a table's work when its run is cancelled: the table's transaction rolls back. */
  static FerryException cancelled() {
    return new FerryException(ErrorCode.CANCELLED, "cancelled");
  }

  /** A statement the server cancelled because the run was cancelled (see {@code SyncRun#interruptible}) says so. */
  static Throwable ifCancelled(RunContext ctx, Throwable err) {
    return ctx.cancelled.get() && SqlState.within(err, SqlState.QUERY_CANCELED) ? cancelled() : err;
  }

  /** A safety rule or the schema check stopped the run, or a table, before it wrote. */
  static FerryException refused(String why) {
    return new FerryException(ErrorCode.REFUSED, why);
  }

  static ErrorCode code(Throwable err) {
    return err instanceof FerryException fe ? fe.code() : null;
  }

  static TableResult.Outcome table(Throwable err) {
    ErrorCode code = code(err);
    return code == ErrorCode.REFUSED ? TableResult.Outcome.REFUSED
        : code == ErrorCode.CANCELLED ? TableResult.Outcome.SKIPPED : TableResult.Outcome.FAILED;
  }

  static PhaseOutcome phase(Throwable err) {
    return code(err) == ErrorCode.REFUSED ? PhaseOutcome.REFUSED : PhaseOutcome.FAILED;
  }

  static RunStatus run(Throwable err) {
    ErrorCode code = code(err);
    return code == ErrorCode.REFUSED ? RunStatus.REFUSED
        : code == ErrorCode.CANCELLED ? RunStatus.CANCELLED : RunStatus.FAILED;
  }
}
