package dev.ferry.runs;

import dev.ferry.error.ErrorCode;
import dev.ferry.error.FerryException;

/** A run was asked for while the server is draining for shutdown. */
public final class ServerStopping extends FerryException {
  ServerStopping() {
    super(ErrorCode.STOPPING, "the server is shutting down; try again once it is back");
  }
}
