package dev.ferry.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command-line tool (initdb, pg_ctl, openssl) to completion, with a deadline, for the test fixtures. */
final class ExternalCommand {
  private ExternalCommand() {}

  /** The tool's combined output; a clear error naming the command, its exit code and its output otherwise. */
  static String run(Path workDir, Duration timeout, List<String> command) {
    Path out = null;
    try {
      // Output goes to a file, not a pipe: a daemon the tool leaves behind (pg_ctl start) must not hold our pipe open.
      out = Files.createTempFile("ferry-command", ".out");
      Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
          .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout.toSeconds()
            + " s; its output:\n" + Files.readString(out, StandardCharsets.UTF_8));
      }
      String output = Files.readString(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " exited with " + p.exitValue()
            + "; its output:\n" + output);
      }
      return output;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
    } finally {
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException ignored) {
          // a leftover temp file is harmless
        }
      }
    }
  }

  /** True when {@code command} can be started and exits 0 (used to probe for a tool before relying on it). */
  static boolean works(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
