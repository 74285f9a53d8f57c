package dev.ferry.sync;

/**
 * How {@link CopyPipe} turns the source's COPY messages into what the target's COPY reads: each row's hash (its last
 * field, if hashed) is summed into the digest and cut off. Text rows pass otherwise as they are; binary ones see
 * {@link BinaryCopyRows}.
 */
interface CopyRows {
  /** The most bytes {@link #write} puts out for this message. */
  int room(byte[] message);

  /**
   * Writes the message's row (a binary COPY's header and trailer too) in the target's form into {@code out} from
   * {@code at}, adding the row to {@code digest}; returns the bytes written.
   */
  int write(byte[] message, byte[] out, int at, StreamDigest digest);

  /** COPY text: one row per message, ending in a newline, the hash (if any) its last field. */
  static CopyRows text(boolean hashed) {
    return new CopyRows() {
      @Override
      public int room(byte[] row) {
        return row.length;
      }

      @Override
      public int write(byte[] row, byte[] out, int at, StreamDigest digest) {
        int length;
        if (hashed) {
          length = CopyPipe.cutHash(row, digest);
        } else {
          digest.add(0);
          length = row.length;
        }
        System.arraycopy(row, 0, out, at, length);
        return length;
      }
    };
  }
}
