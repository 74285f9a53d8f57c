package dev.ferry.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Whether this test JVM was started with SIGINT ignored, as everything started in the background of a
 * non-interactive shell is (`cmd &` in a script). Its children inherit that, and no shell can undo it for them
 * (POSIX: signals ignored on entry to a non-interactive shell cannot be trapped), so a Ctrl-C test is then moot.
 */
public final class SignalDisposition {
  private static final int SIGINT = 2;

  private SignalDisposition() {}

  public static boolean interruptIgnored() {
    try {
      List<String> status = Files.readAllLines(Path.of("/proc/self/status"));
      return status.stream().filter(l -> l.startsWith("SigIgn:")).findFirst()
          .map(l -> (Long.parseUnsignedLong(l.substring("SigIgn:".length()).strip(), 16) & (1L << (SIGINT - 1))) != 0)
          .orElse(false);
    } catch (IOException | RuntimeException notLinux) {
      return false;
    }
  }
}
