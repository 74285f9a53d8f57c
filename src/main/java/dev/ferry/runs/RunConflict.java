package dev.ferry.runs;

import dev.ferry.error.ErrorCode;
import dev.ferry.error.FerryException;

/** Work was asked for while a run or another operation (a restore, a migration) holds the same target. */
public final class RunConflict extends FerryException {
  private final String runningId;

  private RunConflict(String runningId, String message) {
    super(ErrorCode.CONFLICT, message);
    this.runningId = runningId;
  }

  static RunConflict of(TargetSlots.Slot holder, String target) {
    String where = holder.node() == null ? "" : " on node " + holder.node();
    return holder.runId() == null
        ? new RunConflict(null, "the target " + target + " is busy" + where + ": " + holder.what()
            + "; try again when it is done")
        : new RunConflict(holder.runId(), "run " + holder.runId() + " is already " + holder.what() + " " + target
            + where + "; wait for it to finish or cancel it (POST /api/v1/syncs/" + holder.runId() + "/cancel)");
  }

  /** The run holding the target; null when an operation other than a run holds it. */
  public String runningId() {
    return runningId;
  }
}
