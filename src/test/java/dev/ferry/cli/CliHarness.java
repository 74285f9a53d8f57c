package dev.ferry.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * Runs `ferry …` in-process with stdout and stderr captured together, as a user's terminal would show them. The
 * server's slf4j-simple log goes to System.err as it is at each line, so it is captured too.
 */
public final class CliHarness implements AutoCloseable {
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  private final PrintStream oldOut = System.out;
  private final PrintStream oldErr = System.err;

  public CliHarness() {
    System.setOut(new PrintStream(new Capture(true), true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(new Capture(false), true, StandardCharsets.UTF_8));
  }

  /** Writes into the combined capture and, for standard output, into its own as well. */
  private final class Capture extends OutputStream {
    private final boolean isStdout;

    Capture(boolean isStdout) {
      this.isStdout = isStdout;
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      synchronized (captured) {
        captured.write(b, off, len);
        if (isStdout) {
          stdout.write(b, off, len);
        }
      }
    }
  }

  public int ferry(String... args) {
    synchronized (captured) {
      captured.reset();
      stdout.reset();
    }
    // The commands write through picocli's streams; the server's log still goes to System.err.
    return FerryCli.commandLine(args).setOut(new PrintWriter(System.out, true)).setErr(new PrintWriter(System.err, true))
        .execute(args);
  }

  /** Standard output and error together, as a terminal shows them. */
  public String output() {
    synchronized (captured) {
      return captured.toString(StandardCharsets.UTF_8);
    }
  }

  /** Standard output alone, as `ferry … > file` keeps it. */
  public String stdout() {
    synchronized (captured) {
      return stdout.toString(StandardCharsets.UTF_8);
    }
  }

  @Override
  public void close() {
    System.setOut(oldOut);
    System.setErr(oldErr);
  }
}
