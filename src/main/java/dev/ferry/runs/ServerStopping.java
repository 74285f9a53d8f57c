package dev.ferry.runs;

/** A run was asked for while the server is draining for shutdown. */
public final class ServerStopping extends RuntimeException {
  ServerStopping() {
    super("the server is shutting down; try again once it is back");
  }
}
