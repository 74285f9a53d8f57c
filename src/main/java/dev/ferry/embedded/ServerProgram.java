package dev.ferry.embedded;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One run of initdb or pg_ctl, to completion, with a deadline; its exit code and output. */
record ServerProgram(int exitCode, String output) {
  static ServerProgram run(List<String> command, Duration timeout) throws IOException {
    // Output goes to a file, not a pipe: the server pg_ctl leaves running must not hold our pipe open.
    Path out = Files.createTempFile("ferry-pg", ".out");
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File(File.separatorChar == '/' ? "/dev/null" : "NUL")))
          .start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        throw new IOException(String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s: "
            + Files.readString(out, StandardCharsets.UTF_8).strip());
      }
      return new ServerProgram(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8).strip());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + String.join(" ", command), e);
    } finally {
      Files.deleteIfExists(out);
    }
  }

  ServerProgram orFail(String what) throws IOException {
    if (exitCode != 0) {
      throw new IOException(what + " failed (exit " + exitCode + "): " + output);
    }
    return this;
  }
}
