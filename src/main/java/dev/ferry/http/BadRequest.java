package dev.ferry.http;

import dev.ferry.error.ErrorCode;
import dev.ferry.error.FerryException;

/** A request that cannot be valid: answered 400 with this message as the detail. */
final class BadRequest extends FerryException {
  BadRequest(String message) {
    super(ErrorCode.BAD_REQUEST, message);
  }
}
