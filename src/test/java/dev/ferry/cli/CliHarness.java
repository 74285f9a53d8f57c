package dev.ferry.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs `ferry …` in-process with stdout and stderr captured together, as a user's terminal would show them. The
 * server's slf4j-simple log goes to System.err as it is at each line, so it is captured too.
 */
public final class CliHarness implements AutoCloseable {
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private final PrintStream oldOut = System.out;
  private final PrintStream oldErr = System.err;

  public CliHarness() {
    PrintStream both = new PrintStream(captured, true, StandardCharsets.UTF_8);
    System.setOut(both);
    System.setErr(both);
  }

  public int ferry(String... args) {
    captured.reset();
    return FerryCli.commandLine().execute(args);
  }

  public String output() {
    return captured.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    System.setOut(oldOut);
    System.setErr(oldErr);
  }
}
