package dev.ferry.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StreamDigestTest {
  @Test
  void sumsExactlyThroughEveryOverflow() {
    SplittableRandom random = new SplittableRandom(20);
    StreamDigest digest = new StreamDigest();
    BigInteger expected = BigInteger.ZERO;
    long[] edges = {Long.MAX_VALUE, Long.MAX_VALUE, 1, Long.MIN_VALUE, Long.MIN_VALUE, -1, 0, Long.MIN_VALUE};
    for (long hash : edges) {
      digest.add(hash);
      expected = expected.add(BigInteger.valueOf(hash));
    }
    for (int i = 0; i < 100_000; i++) {
      long hash = random.nextLong();
      digest.add(hash);
      expected = expected.add(BigInteger.valueOf(hash));
    }
    assertEquals(expected.toString(), digest.value());
    assertEquals(100_000 + edges.length, digest.rows());
  }
}
