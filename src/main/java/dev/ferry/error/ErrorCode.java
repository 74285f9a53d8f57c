package dev.ferry.error;

/**
 * What kind of error a {@link FerryException} is. Each is mapped in one place per surface: to an exit code
 * ({@code cli.ExitCode}), an HTTP problem ({@code http.Replies}) and a run or table status ({@code sync.Failures}).
 */
public enum ErrorCode {
  /** Bad configuration or flags: nothing was attempted. The message names the key at fault. */
  CONFIG,
  /** A request that cannot be valid. */
  BAD_REQUEST,
  /** A database could not be reached or used. */
  DATABASE,
  /** A safety rule or the schema check stopped the work before it wrote what it guards. */
  REFUSED,
  /** The work was cancelled (API, Ctrl-C, SIGTERM). */
  CANCELLED,
  /** What the request names does not exist (a backup, a run). */
  NOT_FOUND,
  /** Another run holds the same target. */
  CONFLICT,
  /** The server is draining for shutdown. */
  STOPPING
}
