package dev.ferry.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The hash column cut off a COPY text row: the row written is the row without it, the hash summed exactly. */
class CopyPipeTest {
  private static String cut(String line, StreamDigest digest) {
    byte[] row = line.getBytes(StandardCharsets.UTF_8);
    int length = CopyPipe.cutHash(row, digest);
    return new String(row, 0, length, StandardCharsets.UTF_8);
  }

  @Test
  void theLastFieldIsSummedAndCutOffWithTheRowLeftAsTheSourcePrintedIt() {
    StreamDigest d = new StreamDigest();
    // Escaped tabs and newlines inside values are backslash sequences in COPY text, never raw bytes.
    assertEquals("1\tRex\\tthe\\nsecond\t\\N\n", cut("1\tRex\\tthe\\nsecond\t\\N\t-42\n", d));
    assertEquals("2\tünï\n", cut("2\tünï\t" + Long.MAX_VALUE + "\n", d));
    assertEquals("3\n", cut("3\t" + Long.MIN_VALUE + "\n", d));
    assertEquals(3, d.rows());
    assertEquals("-43", d.value()); // -42 + (2^63 - 1) - 2^63
    cut("4\t" + Long.MAX_VALUE + "\n", d);
    cut("5\t" + Long.MAX_VALUE + "\n", d); // past a long: summed exactly all the same
    assertEquals(java.math.BigInteger.valueOf(Long.MAX_VALUE).shiftLeft(1).subtract(java.math.BigInteger.valueOf(43))
        .toString(), d.value());
  }

  @Test
  void aRowWithoutAHashIsAnErrorNotAGuess() {
    assertThrows(IllegalStateException.class, () -> cut("1\tRex\t\n", new StreamDigest()));
    assertThrows(IllegalStateException.class, () -> cut("1\tRex\t4x2\n", new StreamDigest()));
    assertThrows(IllegalStateException.class, () -> cut("42\n", new StreamDigest()));
  }
}
