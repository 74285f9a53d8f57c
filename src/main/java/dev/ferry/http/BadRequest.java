package dev.ferry.http;

/** A request that cannot be valid: answered 400 with this message as the detail. */
final class BadRequest extends RuntimeException {
  BadRequest(String message) {
    super(message);
  }
}
