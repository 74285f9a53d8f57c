package dev.ferry.error;

/**
 * Every error Ferry reports to a person or a program: a code saying what kind, and a message written for whoever
 * has to act on it. Other throwables are unexpected, and reported with their class.
 */
public class FerryException extends RuntimeException {
  private final ErrorCode code;

  public FerryException(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  public FerryException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** For errors that steer control flow and are never shown with a stack (cancellation). */
  protected FerryException(ErrorCode code, String message, boolean stack) {
    super(message, null, false, stack);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  /** Whether {@code err} is a Ferry error of this code. */
  public static boolean is(Throwable err, ErrorCode code) {
    return err instanceof FerryException fe && fe.code == code;
  }
}
