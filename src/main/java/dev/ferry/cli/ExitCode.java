package dev.ferry.cli;

import dev.ferry.error.ErrorCode;
import dev.ferry.result.RunStatus;

/** Documented in README: what a script calling ferry can rely on. */
public final class ExitCode {
  public static final int OK = 0;
  /** The work failed (a connection, a table, validation), or only partly succeeded. */
  public static final int FAILED = 1;
  /** Bad flags or configuration: nothing was attempted. */
  public static final int USAGE = 2;
  /** A safety rule refused the run (or part of it); what it guarded was not written. */
  public static final int REFUSED = 3;

  private ExitCode() {}

  public static int of(RunStatus status) {
    return switch (status) {
      case SUCCEEDED -> OK;
      case REFUSED -> REFUSED;
      case PARTIAL, FAILED, CANCELLED -> FAILED;
    };
  }

  public static int of(ErrorCode code) {
    return switch (code) {
      case CONFIG, BAD_REQUEST, NOT_FOUND -> USAGE;
      case REFUSED -> REFUSED;
      case DATABASE, CANCELLED, CONFLICT, STOPPING -> FAILED;
    };
  }
}
