package dev.ferry.db;

import dev.ferry.error.ErrorCode;
import dev.ferry.error.FerryException;

/** A database could not be used; the message is user-facing and carries no secret. */
public class DatabaseException extends FerryException {
  public DatabaseException(String message, Throwable cause) {
    super(ErrorCode.DATABASE, message, cause);
  }
}
