package dev.ferry.db;

/** A database could not be used; the message is user-facing and carries no secret. */
public class DatabaseException extends RuntimeException {
  public DatabaseException(String message, Throwable cause) {
    super(message, cause);
  }
}
