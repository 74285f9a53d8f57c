package dev.ferry.runs;

import dev.ferry.error.ErrorCode;
import dev.ferry.error.FerryException;

/** A run was asked for while another holds the same target: one run per target at a time. */
public final class RunConflict extends FerryException {
  private final String runningId;

  RunConflict(String runningId, String target) {
    super(ErrorCode.CONFLICT, "run " + runningId + " is already syncing into " + target + "; wait for it to finish or cancel it"
        + " (POST /api/v1/syncs/" + runningId + "/cancel)");
    this.runningId = runningId;
  }

  public String runningId() {
    return runningId;
  }
}
