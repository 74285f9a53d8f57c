package dev.ferry.sync;

import java.sql.SQLException;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;

/**
 * A source's {@code COPY … TO STDOUT} fed into a target's {@code COPY … FROM STDIN} as bytes: rows are never decoded
 * into Java values, so the client costs little CPU and the values arrive exactly as the source sent them. With a
 * digest, each source row ends with its hash (see {@code ReadStatements#copySource}), which {@link CopyRows} sums
 * and cuts off before the row is written. Blocking: a worker thread's.
 */
final class CopyPipe {
  /** Rows go to the target in messages of about this size (one per row would cost a write each). */
  private static final int CHUNK = 1 << 16;
  /** How often (in rows) the cancel flag is read and progress offered. */
  private static final int CHECK_EVERY = 1024;

  private CopyPipe() {}

  /**
   * Returns the rows copied (counted in {@code digest} too, which {@code rows} sums their hashes into);
   * {@code progress} is offered the count every few rows.
   */
  static long run(CopyOut from, CopyIn into, StreamDigest digest, CopyRows rows, BooleanSupplier cancelled,
      LongConsumer progress) throws SQLException {
    byte[] chunk = new byte[CHUNK];
    int used = 0;
    long before = digest.rows();
    long messages = 0;
    byte[] message;
    // The server sends each row in a message of its own (the COPY protocol's copy-out).
    while ((message = from.readFromCopy()) != null) {
      int room = rows.room(message);
      if (used + room > chunk.length) {
        into.writeToCopy(chunk, 0, used);
        used = 0;
      }
      if (room > chunk.length) {
        byte[] large = new byte[room];
        into.writeToCopy(large, 0, rows.write(message, large, 0, digest));
      } else {
        used += rows.write(message, chunk, used, digest);
      }
      if (++messages % CHECK_EVERY == 0) {
        if (cancelled.getAsBoolean()) {
          throw Failures.cancelled();
        }
        progress.accept(digest.rows() - before);
      }
    }
    if (used > 0) {
      into.writeToCopy(chunk, 0, used);
    }
    return digest.rows() - before;
  }

  /** Adds the row's last field (its hash, digits only) to {@code digest}; returns the row's length without it. */
  static int cutHash(byte[] row, StreamDigest digest) {
    int end = row.length - 1; // the newline
    int tab = end - 1;
    while (tab >= 0 && row[tab] != '\t') {
      tab--;
    }
    if (tab < 0 || tab == end - 1) {
      throw new IllegalStateException("a COPY row without its hash column");
    }
    boolean negative = row[tab + 1] == '-';
    long value = 0;
    for (int i = tab + (negative ? 2 : 1); i < end; i++) {
      int d = row[i] - '0';
      if (d < 0 || d > 9) {
        throw new IllegalStateException("a COPY row whose hash column is not a number");
      }
      value = value * 10 - d; // accumulated negative: Long.MIN_VALUE has no positive counterpart
    }
    digest.add(negative ? value : -value);
    row[tab] = '\n';
    return tab + 1;
  }
}
