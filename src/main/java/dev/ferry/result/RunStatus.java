package dev.ferry.result;

/** How a run ended. */
public enum RunStatus {
  SUCCEEDED,
  /** Some tables failed; the others were synced (each table is its own transaction). */
  PARTIAL,
  FAILED,
  /** A safety rule stopped the run; nothing it guarded was written. */
  REFUSED,
  /** Stopped on request at a batch boundary. */
  CANCELLED
}
